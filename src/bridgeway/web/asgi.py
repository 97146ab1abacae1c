"""ASGI entry point for uvicorn workers: builds settings from the environment once per process."""

from bridgeway.config import get_settings
from bridgeway.web.app import create_app

app = create_app(get_settings())
