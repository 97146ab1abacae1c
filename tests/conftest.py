"""Test fixtures: one schema per run, one rolled-back transaction per test, on SQLite or PostgreSQL.

Set BRIDGEWAY_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

from bridgeway.config import Settings
from bridgeway.kit.db import make_engine
from bridgeway.kit.http import get_db
from bridgeway.web.app import create_app
from tests.dbschema import build_schema, drop_schema

REPO_ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BRIDGEWAY_TEST_DATABASE_URL")


def data_dir() -> Path:
    """Where the official data files are (BRIDGEWAY_DATA_DIR or ../shared/data)."""
    return Path(os.environ.get("BRIDGEWAY_DATA_DIR", REPO_ROOT.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The official data directory; tests needing it are skipped with a reason when it is absent."""
    path = data_dir()
    if not (path / "esco-1.1.1").is_dir():
        pytest.skip(f"official data not found at {path}")
    return path


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the database the suite runs on."""
    if PG_URL:
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine over a freshly built schema."""
    eng = make_engine(database_url)
    if eng.dialect.name == "sqlite":
        _apply_pysqlite_savepoint_recipe(eng)
    drop_schema(eng)
    build_schema(eng, database_url)
    yield eng
    eng.dispose()


def _apply_pysqlite_savepoint_recipe(eng: Engine) -> None:
    """Let pysqlite use SAVEPOINT properly (SQLAlchemy docs, 'Serializable isolation / Savepoints')."""

    @event.listens_for(eng, "connect")
    def _no_implicit_begin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @event.listens_for(eng, "begin")
    def _explicit_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session joined to an outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for the test app."""
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir(),
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        key_encryption_key="test-kek-that-is-long-enough-0123456789abcdef",
    )


@pytest.fixture
def app(settings: Settings, session: Session) -> FastAPI:
    """The web application, reading and writing through the test's session."""
    application = create_app(settings)

    def _test_db() -> Iterator[Session]:
        # One savepoint per request, like the real per-request transaction: a failed request undoes its own
        # writes only, never the data the test set up before it.
        request_transaction = session.begin_nested()
        session.info["bridgeway.settings"] = settings
        try:
            yield session
            if request_transaction.is_active:
                request_transaction.commit()
        except BaseException:
            if request_transaction.is_active:
                request_transaction.rollback()
            raise

    application.dependency_overrides[get_db] = _test_db
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the app (no cookies shared between tests)."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database with the schema, for CLI tests whose commands commit for real."""
    if PG_URL:
        name = f"bw_cli_{uuid.uuid4().hex[:12]}"
        admin = create_engine(
            PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        eng = make_engine(url)
        build_schema(eng, url)
        eng.dispose()
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
        eng = make_engine(url)
        build_schema(eng, url)
        eng.dispose()
        yield url
