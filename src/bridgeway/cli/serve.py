"""The serve command."""

from __future__ import annotations

import typer

from bridgeway.kit.cli import console, settings


def register(app: typer.Typer) -> None:
    """Add `serve` to the root app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to bind"),
        port: int = typer.Option(8000, help="Port to bind"),
        workers: int = typer.Option(1, min=1, help="Worker processes"),
    ) -> None:
        """Serve the web application and API."""
        import uvicorn

        settings()  # fail early on bad settings
        console.print(f"Bridgeway on http://{host}:{port}  (API docs at /docs)")
        uvicorn.run("bridgeway.web.asgi:app", host=host, port=port, workers=workers, factory=False)
