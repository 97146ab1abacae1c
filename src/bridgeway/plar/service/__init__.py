"""PLAR use cases: `(session, *, ...)`, flush, never commit; the request or command owns the transaction."""

from bridgeway.plar.service import cases, evidence, outcomes, portfolio

__all__ = ["cases", "evidence", "outcomes", "portfolio"]
