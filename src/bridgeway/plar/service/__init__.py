"""PLAR use cases: `(session, *, ...)`, flush, never commit; the request or command owns the transaction."""

from bridgeway.plar.service import cases, credentials, evidence, outcomes, portfolio, privacy

__all__ = ["cases", "credentials", "evidence", "outcomes", "portfolio", "privacy"]
