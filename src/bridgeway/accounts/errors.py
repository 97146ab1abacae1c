"""Account errors, each naming its condition."""

from bridgeway.kit.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unauthenticated


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
