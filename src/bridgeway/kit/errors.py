"""One error hierarchy for every surface: the web maps it to JSON or HTML, the CLI to a message and exit code."""

from __future__ import annotations

from typing import Any


class BridgewayError(Exception):
    """Base of every error Bridgeway raises on purpose; carries a user-facing message and an HTTP status."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, detail: Any = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form used by the API error envelope."""
        return {"error": self.code, "message": self.message, "detail": self.detail}


class InvalidInput(BridgewayError):
    """The request or file was understood but its content is not acceptable."""

    status_code = 422
    code = "invalid_input"


class NotFound(BridgewayError):
    """The named thing does not exist, or the caller may not know that it exists."""

    status_code = 404
    code = "not_found"


class Unauthenticated(BridgewayError):
    """No valid session or token was presented."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(BridgewayError):
    """The caller is known but lacks the role, scope, tenant or consent for this action."""

    status_code = 403
    code = "forbidden"


class Conflict(BridgewayError):
    """The action clashes with the current state (a duplicate, a wrong workflow state)."""

    status_code = 409
    code = "conflict"


class PayloadTooLarge(BridgewayError):
    """The request body or uploaded file is larger than allowed."""

    status_code = 413
    code = "payload_too_large"


class TooManyRequests(BridgewayError):
    """The caller is temporarily locked out or rate limited."""

    status_code = 429
    code = "too_many_requests"
