"""Pure account rules: no database, no web."""

from __future__ import annotations

import pytest

from bridgeway.accounts.domain import ConsentGrantee, Principal, Role, check_roles_change, consent_covers
from bridgeway.accounts.policy import allow, merge, public, signed_in


def _principal(
    *roles: Role, user_id: str = "u1", institution_id: str | None = "i1", employer_id: str | None = None
) -> Principal:
    return Principal(
        user_id=user_id,
        email=f"{user_id}@example.org",
        display_name=user_id,
        roles=frozenset(roles),
        institution_id=institution_id,
        employer_id=employer_id,
    )


def test_institution_consent_covers_staff_of_that_institution_only() -> None:
    def covers(p: Principal) -> bool:
        return consent_covers(p, learner_id="l1", grantee_kind=ConsentGrantee.INSTITUTION, grantee_id="i1")

    assert covers(_principal(Role.ASSESSOR))
    assert not covers(_principal(Role.ASSESSOR, institution_id="i2"))
    assert not covers(_principal(Role.LEARNER))  # a fellow learner of the institution is not staff


def test_advisor_consent_follows_the_person_while_they_are_staff() -> None:
    def covers(p: Principal) -> bool:
        return consent_covers(p, learner_id="l1", grantee_kind=ConsentGrantee.ADVISOR, grantee_id="a1")

    assert covers(_principal(Role.ADVISOR, user_id="a1"))
    assert not covers(_principal(Role.ADVISOR, user_id="a2"))
    assert not covers(_principal(Role.LEARNER, user_id="a1"))


def test_employer_consent_covers_employer_users_of_that_employer() -> None:
    def covers(p: Principal) -> bool:
        return consent_covers(p, learner_id="l1", grantee_kind=ConsentGrantee.EMPLOYER, grantee_id="e1")

    assert covers(_principal(Role.EMPLOYER, institution_id=None, employer_id="e1"))
    assert not covers(_principal(Role.EMPLOYER, institution_id=None, employer_id="e2"))


def test_the_learner_always_sees_their_own_records() -> None:
    assert consent_covers(
        _principal(Role.LEARNER, user_id="l1"),
        learner_id="l1",
        grantee_kind=ConsentGrantee.EMPLOYER,
        grantee_id="e9",
    )


def test_an_admin_grants_institution_roles_but_not_employer_or_nothing() -> None:
    admin = _principal(Role.INSTITUTION_ADMIN, user_id="admin")
    assert check_roles_change(actor=admin, target_user_id="u2", new_roles=frozenset({Role.ASSESSOR})) is None
    assert check_roles_change(actor=admin, target_user_id="u2", new_roles=frozenset({Role.EMPLOYER}))
    assert check_roles_change(actor=admin, target_user_id="u2", new_roles=frozenset())
    assert check_roles_change(actor=admin, target_user_id="admin", new_roles=frozenset({Role.REGISTRAR}))


def test_a_policy_admits_exactly_its_roles() -> None:
    assert public().admits(set())
    assert signed_in().admits({Role.LEARNER})
    policy = allow(Role.REGISTRAR, Role.INSTITUTION_ADMIN)
    assert policy.admits({Role.REGISTRAR})
    assert not policy.admits({Role.ASSESSOR})


def test_a_policy_needs_a_role_and_a_route_is_declared_once() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        allow()
    with pytest.raises(ValueError, match="declared twice"):
        merge({"GET /x": public()}, {"GET /x": signed_in()})
