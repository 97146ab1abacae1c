"""Identifiers: random, URL-safe, sortable enough for humans to read in logs."""

from __future__ import annotations

import secrets
import uuid


def new_id() -> str:
    """Return a new random identifier (a UUID4 in canonical text form)."""
    return str(uuid.uuid4())


def new_token(nbytes: int = 32) -> str:
    """Return a new unguessable URL-safe token."""
    return secrets.token_urlsafe(nbytes)
