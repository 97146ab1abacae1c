"""Account errors, each naming its condition."""

from bridgeway.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthenticated

__all__ = [
    "AccountLocked",
    "AuditLogIsAppendOnly",
    "Conflict",
    "ConsentRequired",
    "CsrfRejected",
    "DuplicateUser",
    "Forbidden",
    "InvalidCredentials",
    "InvalidInput",
    "MissingRole",
    "MissingScope",
    "NotFound",
    "RoleNotGrantable",
    "ScopeEscalation",
    "SelfDeactivation",
    "SessionExpired",
    "TooManyRequests",
    "Unauthenticated",
    "UnknownApiToken",
    "UnknownConsent",
    "UnknownEmployer",
    "UnknownInstitution",
    "UnknownUser",
]


class InvalidCredentials(Unauthenticated):
    """E-mail or password is wrong (never says which)."""

    code = "invalid_credentials"


class AccountLocked(TooManyRequests):
    """Too many failed sign-ins; the account is locked for a while."""

    code = "account_locked"


class UnknownUser(NotFound):
    """No user with that e-mail or id."""

    code = "unknown_user"


class UnknownInstitution(NotFound):
    """No institution with that slug or id."""

    code = "unknown_institution"


class UnknownEmployer(NotFound):
    """No employer with that slug or id."""

    code = "unknown_employer"


class DuplicateUser(Conflict):
    """A user with that e-mail already exists."""

    code = "duplicate_user"


class MissingRole(Forbidden):
    """The caller lacks the role the action needs."""

    code = "missing_role"


class MissingScope(Forbidden):
    """The API token was not granted the scope the action needs."""

    code = "missing_scope"


class CsrfRejected(Forbidden):
    """A form or HTMX request came without the session's CSRF token."""

    code = "csrf_rejected"


class AuditLogIsAppendOnly(Forbidden):
    """Something tried to change or delete an audit event."""

    code = "audit_log_append_only"


class ConsentRequired(Forbidden):
    """The learner has not allowed this viewer to see their portfolio or profile."""

    code = "consent_required"


class UnknownConsent(NotFound):
    """No consent with that id belongs to the caller."""

    code = "unknown_consent"


class UnknownApiToken(NotFound):
    """No API token with that id belongs to the caller."""

    code = "unknown_api_token"


class RoleNotGrantable(InvalidInput):
    """The roles asked for cannot be given by this caller or to this user."""

    code = "role_not_grantable"


class ScopeEscalation(Forbidden):
    """An API token tried to create a token with scopes it does not hold itself."""

    code = "scope_escalation"


class SelfDeactivation(Conflict):
    """An admin tried to deactivate their own account."""

    code = "self_deactivation"


class SessionExpired(Unauthenticated):
    """The browser session reached its idle or absolute limit."""

    code = "session_expired"
