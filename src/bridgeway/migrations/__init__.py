"""Alembic migrations shipped inside the package and driven from the CLI."""
