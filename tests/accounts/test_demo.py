"""The demo data: one institution, one employer, one user per role, all signing in with the demo password."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.accounts import demo
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent, Consent, User


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(User)) or 0,
        session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        session.scalar(select(func.count()).select_from(Consent)) or 0,
    )


def test_the_demo_has_one_user_per_role_who_signs_in_with_the_demo_password(session: Session) -> None:
    result = demo.seed(session)
    roles = {role for login in result["logins"] for role in login["roles"]}
    assert roles == {r.value for r in Role}
    assert result["password"] == demo.DEMO_PASSWORD
    for login in result["logins"]:
        user = accounts_service.authenticate(session, email=login["email"], password=demo.DEMO_PASSWORD)
        assert sorted(r.value for r in accounts_service.roles_of(user)) == login["roles"]
    institution = accounts_service.get_institution_by_slug(session, demo.INSTITUTION_SLUG)
    assert institution.name_fr == "Polytechnique Aurores boréales"


def test_seeding_the_demo_twice_changes_nothing(session: Session) -> None:
    first = demo.seed(session)
    before = _counts(session)
    second = demo.seed(session)
    assert _counts(session) == before
    assert first == second
