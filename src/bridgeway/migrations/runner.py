"""Run Alembic programmatically against a database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from bridgeway.kit.db import make_engine

HERE = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """Return an Alembic Config pointing at the bundled scripts and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to the revision."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade the database to the revision."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str | None:
    """Return the database's current revision, or None before any migration."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
