"""Typed helpers that build domain objects for tests, telling the domain story."""
