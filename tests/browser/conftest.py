"""Browser tests: a live Bridgeway server on a loopback port and Debian's Chromium driven by Playwright.

The server runs in a thread over its own SQLite file (browser tests do not share the rolled-back test
transaction); tests seed what they need through `live_db()` sessions, which commit.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session

from bridgeway.config import Settings
from bridgeway.kit.db import make_engine, make_session_factory, unit_of_work
from bridgeway.web.app import create_app
from tests.conftest import data_dir
from tests.dbschema import build_schema

CHROMIUM = os.environ.get("BRIDGEWAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A running Bridgeway server and a way to write to its database."""

    def __init__(self, url: str, database_url: str, settings: Settings) -> None:
        self.url = url
        self.database_url = database_url
        self.settings = settings
        self._factory = make_session_factory(make_engine(database_url))

    def db(self) -> AbstractContextManager[Session]:
        """Open a committing session on the live server's database."""
        return unit_of_work(self._factory)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start Bridgeway on a free loopback port for the whole browser session."""
    root = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{root / 'live.db'}"
    engine = make_engine(database_url)
    build_schema(engine, database_url)
    engine.dispose()
    port = _free_port()
    settings = Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir(),
        var_dir=root / "var",
        base_url=f"http://127.0.0.1:{port}",
        secret_key="browser-secret-key-that-is-long-enough-0123456789",
        key_encryption_key="browser-kek-that-is-long-enough-0123456789abcdef",
    )
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", database_url, settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright; skipped with a reason when it is not installed."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: LiveServer) -> Iterator[object]:
    """A fresh browser context and page (no cookies shared between tests)."""
    context = browser.new_context(base_url=live_server.url, locale="en-CA")  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(page: object) -> Callable[[str, str], None]:
    """Sign the page in through the real form."""

    def _login(email: str, password: str) -> None:
        page.goto("/login")  # type: ignore[attr-defined]
        page.get_by_label("E-mail").fill(email)  # type: ignore[attr-defined]
        page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
        page.locator("main").get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
        page.wait_for_url(lambda url: "/login" not in url)  # type: ignore[attr-defined]

    return _login
