"""Exceptions raised by bridgeway.vc (none of them depend on the rest of Bridgeway)."""

from __future__ import annotations


class VcError(ValueError):
    """Base class: a credential, key or document that this library cannot accept."""


class MalformedDocument(VcError):
    """The document is not acceptable JSON or JSON-LD (limits, duplicate keys, bad structure)."""


class UnknownContext(MalformedDocument):
    """The document names a JSON-LD context that is not bundled with this library."""


class UndefinedTerm(MalformedDocument):
    """A property or type is not defined by the document's contexts (a JSON-LD processor would drop it)."""


class InvalidKey(VcError):
    """A key, Multikey value or DID cannot be decoded."""


class UnresolvableDid(VcError):
    """A DID or verification method cannot be resolved."""


class StatusListError(VcError):
    """A status list or status entry is invalid."""
