"""Errors of skill inference, named after the condition (the CLI reports them per input line)."""

from __future__ import annotations

from bridgeway.kit.errors import InvalidInput, PayloadTooLarge

__all__ = ["EmptyText", "TextTooLong", "UnexpectedLanguage"]


class EmptyText(InvalidInput):
    """The text holds no words to infer competencies from."""

    code = "empty_text"


class TextTooLong(PayloadTooLarge):
    """The text is longer than the engine accepts in one call."""

    code = "text_too_long"


class UnexpectedLanguage(InvalidInput):
    """The text is clearly in a language the engine does not support (English and French are)."""

    code = "unexpected_language"
