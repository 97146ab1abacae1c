"""The composition root of the web application: create_app(settings)."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, pass_context
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bridgeway import __version__
from bridgeway.config import Settings
from bridgeway.kit.db import DOMAINS, import_all_models, make_engine, make_session_factory
from bridgeway.kit.errors import BridgewayError, PayloadTooLarge
from bridgeway.web.i18n import pick_locale, translate

log = logging.getLogger("bridgeway.web")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
LOCALE_COOKIE = "bw_lang"
ROUTE_DOMAINS: tuple[str, ...] = ("vc", *DOMAINS)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "description": text,
        "content": {"application/json": {"example": {"error": name, "message": text, "detail": None}}},
    }
    for code, name, text in [
        (400, "bad_request", "The request is malformed"),
        (401, "unauthenticated", "Sign in or send an API token"),
        (403, "forbidden", "Missing role, scope, tenant or consent"),
        (404, "not_found", "No such thing"),
        (409, "conflict", "Clashes with the current state"),
        (413, "payload_too_large", "The request body is too large"),
        (422, "invalid_input", "The content is not acceptable"),
    ]
}


class BodySizeLimit:
    """Refuse request bodies larger than the limit before any handler reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        ctype = headers.get(b"content-type", b"").decode("latin-1")
        limit = self.upload_max_bytes if ctype.startswith("multipart/form-data") else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_too_large(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
            return message

        await self.app(scope, limited_receive, send)


async def _send_too_large(send: Send, limit: int) -> None:
    body = (
        b'{"error":"payload_too_large","message":"the request body is larger than '
        + str(limit).encode()
        + b' bytes","detail":null}'
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/credentials/", "/presentations/")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _error_response(request: Request, status: int, code: str, message: str, detail: Any = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": code, "message": message, "detail": detail}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "code": code, "message": message}, status_code=status
    )


def build_templates() -> Jinja2Templates:
    """Build the Jinja2 environment over web/templates and each domain's templates folder."""
    folders = [PACKAGE_ROOT / "web" / "templates"]
    folders += [
        PACKAGE_ROOT / d / "templates" for d in ROUTE_DOMAINS if (PACKAGE_ROOT / d / "templates").is_dir()
    ]
    templates = Jinja2Templates(directory=str(folders[0]))
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(f)) for f in folders])

    @pass_context
    def _(ctx: Any, message: str, **values: object) -> str:
        request = ctx.get("request")
        locale = getattr(request.state, "locale", "en") if request is not None else "en"
        template = ctx.name or ""
        domain = template.split("/", 1)[0] if "/" in template else "web"
        return translate(message, locale, domain, **values)

    templates.env.globals["_"] = _
    templates.env.globals["version"] = __version__
    return templates


def _include_domain_routers(app: FastAPI) -> None:
    nav: list[dict[str, Any]] = []
    for domain in ROUTE_DOMAINS:
        for module_name, prefix in (("routes", "/api/v1"), ("pages", "")):
            try:
                module = importlib.import_module(f"bridgeway.{domain}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name == f"bridgeway.{domain}.{module_name}":
                    continue
                raise
            router = getattr(module, "router", None)
            if router is not None:
                responses = ERROR_RESPONSES if module_name == "routes" else None
                app.include_router(router, prefix=prefix, responses=responses)
            extra = getattr(
                module, "root_router", None
            )  # routes that must live outside /api/v1 (VC-API, DIDs)
            if extra is not None:
                app.include_router(extra, responses=ERROR_RESPONSES)
            nav.extend(getattr(module, "NAV_ITEMS", []))
    app.state.nav = nav


def create_app(settings: Settings) -> FastAPI:
    """Assemble the application for the given settings."""
    import_all_models()
    app = FastAPI(
        title="Bridgeway API",
        version=__version__,
        description=(
            "Micro-credentials, prior learning assessment and recognition, and training pathways. "
            "Every error answers with the envelope {error, message, detail}."
        ),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.templates = build_templates()

    @app.middleware("http")
    async def locale_and_headers(request: Request, call_next: Any) -> Response:
        query_lang = request.query_params.get("lang")
        request.state.locale = pick_locale(
            query_lang,
            request.cookies.get(LOCALE_COOKIE),
            request.headers.get("accept-language"),
            settings.default_locale,
        )
        response: Response = await call_next(request)
        if query_lang in ("en", "fr"):
            response.set_cookie(
                LOCALE_COOKIE, query_lang, max_age=365 * 86400, samesite="lax", secure=settings.secure_cookies
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Language", request.state.locale)
        return response

    @app.exception_handler(BridgewayError)
    async def bridgeway_error(request: Request, exc: BridgewayError) -> Response:
        return _error_response(request, exc.status_code, exc.code, exc.message, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()
        ]
        return _error_response(
            request, 422, "invalid_input", "the request does not match the expected shape", detail
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(
            request, 500, "internal_error", "an unexpected error occurred; it has been logged"
        )

    app.mount("/static", StaticFiles(directory=str(PACKAGE_ROOT / "web" / "static")), name="static")
    from bridgeway.web import pages as web_pages

    app.include_router(web_pages.router)
    _include_domain_routers(app)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_request_bytes, upload_max_bytes=settings.max_upload_bytes
    )
    return app
