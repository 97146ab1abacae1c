"""The Alembic migrations build exactly the schema the models describe, and can go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bridgeway.kit.db import Base, import_all_models, make_engine
from bridgeway.migrations import runner


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_the_migrations_create_what_the_models_describe(fresh_database_url: str) -> None:
    import_all_models()
    assert runner.current(fresh_database_url) is not None
    assert _diff(fresh_database_url) == []


def test_migrations_go_down_to_nothing_and_up_again_to_the_same_schema(fresh_database_url: str) -> None:
    import_all_models()
    head = runner.current(fresh_database_url)
    runner.downgrade(fresh_database_url, "base")
    engine = make_engine(fresh_database_url)
    remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert remaining == set()
    runner.upgrade(fresh_database_url, "head")
    assert runner.current(fresh_database_url) == head
    assert _diff(fresh_database_url) == []
