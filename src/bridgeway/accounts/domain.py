"""Pure account rules: roles, scopes, and what a principal may do. No database, no web framework."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """The roles a person can hold; a person may hold several."""

    LEARNER = "learner"
    ADVISOR = "advisor"
    ASSESSOR = "assessor"
    PROGRAM_DESIGNER = "program_designer"
    QA_REVIEWER = "qa_reviewer"
    INSTITUTION_APPROVER = "institution_approver"
    REGISTRAR = "registrar"
    INSTITUTION_ADMIN = "institution_admin"
    EMPLOYER = "employer"

    @property
    def label(self) -> str:
        """Return the English name shown in pages (translated like any other interface string)."""
        return _ROLE_LABELS[self]


_ROLE_LABELS: dict[Role, str] = {
    Role.LEARNER: "learner",
    Role.ADVISOR: "advisor",
    Role.ASSESSOR: "assessor",
    Role.PROGRAM_DESIGNER: "program designer",
    Role.QA_REVIEWER: "QA reviewer",
    Role.INSTITUTION_APPROVER: "institution approver",
    Role.REGISTRAR: "registrar",
    Role.INSTITUTION_ADMIN: "institution admin",
    Role.EMPLOYER: "employer",
}


# Roles that act on behalf of an institution (tenant) rather than themselves.
STAFF_ROLES: frozenset[Role] = frozenset(
    {
        Role.ADVISOR,
        Role.ASSESSOR,
        Role.PROGRAM_DESIGNER,
        Role.QA_REVIEWER,
        Role.INSTITUTION_APPROVER,
        Role.REGISTRAR,
        Role.INSTITUTION_ADMIN,
    }
)


class Scope(StrEnum):
    """What an API token may be used for; a browser session carries every scope its roles allow."""

    TAXONOMY_READ = "taxonomy:read"
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    CREDENTIALS_READ = "credentials:read"
    CREDENTIALS_ISSUE = "credentials:issue"
    PLAR_READ = "plar:read"
    PLAR_WRITE = "plar:write"
    PLANNING_READ = "planning:read"
    PLANNING_WRITE = "planning:write"
    ACCOUNTS_ADMIN = "accounts:admin"
    AUDIT_READ = "audit:read"
    CONSENT_WRITE = "consent:write"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, their tenant, their roles and (for tokens) the scopes granted."""

    user_id: str
    email: str
    display_name: str
    roles: frozenset[Role]
    institution_id: str | None = None
    employer_id: str | None = None
    scopes: frozenset[Scope] | None = None  # None: a browser session, limited by roles only
    via: str = "session"
    csrf_token: str | None = field(default=None, repr=False)

    def has_role(self, *roles: Role) -> bool:
        """Return True when the principal holds at least one of the roles."""
        return bool(self.roles.intersection(roles))

    def has_scope(self, scope: Scope) -> bool:
        """Return True when the token (or session) allows the scope."""
        return self.scopes is None or scope in self.scopes

    def is_staff_of(self, institution_id: str | None) -> bool:
        """Return True when the principal holds a staff role in that institution."""
        return (
            institution_id is not None
            and self.institution_id == institution_id
            and bool(self.roles.intersection(STAFF_ROLES))
        )


# Roles an institution admin may grant inside their institution (employer users belong to employers).
INSTITUTION_ROLES: frozenset[Role] = STAFF_ROLES | {Role.LEARNER}
# Who reads an institution's audit log.
AUDIT_READERS: tuple[Role, ...] = (Role.INSTITUTION_ADMIN, Role.REGISTRAR)


class ConsentGrantee(StrEnum):
    """Who a learner lets see their portfolio and profile."""

    INSTITUTION = "institution"  # every staff member of the institution
    ADVISOR = "advisor"  # one named staff member
    EMPLOYER = "employer"  # every employer user of the organisation


def consent_covers(
    viewer: Principal, *, learner_id: str, grantee_kind: ConsentGrantee, grantee_id: str
) -> bool:
    """Return True when one active consent of the learner lets this viewer see their records."""
    if viewer.user_id == learner_id:
        return True
    if grantee_kind is ConsentGrantee.ADVISOR:
        return viewer.user_id == grantee_id and bool(viewer.roles.intersection(STAFF_ROLES))
    if grantee_kind is ConsentGrantee.INSTITUTION:
        return viewer.is_staff_of(grantee_id)
    return viewer.employer_id == grantee_id and viewer.has_role(Role.EMPLOYER)


def check_roles_change(*, actor: Principal, target_user_id: str, new_roles: frozenset[Role]) -> str | None:
    """Return why an institution admin may not give a user these roles, or None when allowed."""
    if not new_roles:
        return "a user needs at least one role"
    outside = new_roles - INSTITUTION_ROLES
    if outside:
        return "an institution admin can only grant institution roles, not: " + ", ".join(sorted(outside))
    if target_user_id == actor.user_id and Role.INSTITUTION_ADMIN not in new_roles:
        return "you cannot remove your own institution admin role; ask another admin"
    return None


def normalise_email(email: str) -> str:
    """Return the canonical form of an e-mail address used for lookups."""
    return email.strip().lower()
