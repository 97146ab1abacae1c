"""Institutions, employers, users, roles, sessions, API tokens, consent and the audit log."""
