"""Domain-free FastAPI helpers: the per-request database session and page rendering."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session


def get_db(request: Request) -> Iterator[Session]:
    """Yield the request's session; commit when the handler succeeds, roll back when it raises."""
    factory = request.app.state.session_factory
    session: Session = factory()
    # Hooks that receive only a session (export/erasure) read the app's settings from here.
    session.info["bridgeway.settings"] = getattr(request.app.state, "settings", None)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_db)]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a Jinja2 page with the request, locale, principal and CSRF token in its context."""
    templates = request.app.state.templates
    ctx: dict[str, Any] = {"request": request, "principal": getattr(request.state, "principal", None)}
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)  # type: ignore[no-any-return]


def is_htmx(request: Request) -> bool:
    """Return True when the request was made by HTMX (for partial responses)."""
    return request.headers.get("HX-Request") == "true"
