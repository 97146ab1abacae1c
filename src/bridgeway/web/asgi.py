"""ASGI entry point for uvicorn workers: builds settings from the environment once per process."""

from bridgeway.config import get_settings
from bridgeway.taxonomy.routes.read import warm_search_index
from bridgeway.web.app import create_app

app = create_app(get_settings())
# Build the taxonomy search index in the background so that the first search does not wait for it.
warm_search_index(app.state.session_factory)
