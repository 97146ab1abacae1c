"""The PLAR demo seed: a portfolio and a case waiting on the assessor, seeded once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.plar import demo
from bridgeway.plar.service import cases
from tests.factories.accounts import create_institution, create_user


def test_the_demo_opens_one_case_at_assessment_and_seeding_twice_adds_nothing(session: Session) -> None:
    inst = create_institution(session)
    users = {
        r: create_user(session, r, institution=inst) for r in (Role.LEARNER, Role.ADVISOR, Role.ASSESSOR)
    }
    first = demo.seed(session, institution=inst, users=users)
    assert len(first["created"]) == 2
    assert demo.seed(session, institution=inst, users=users)["created"] == []
    learner = accounts_service.principal_for(users[Role.LEARNER])
    [case] = cases.list_for_learner(session, actor=learner)
    assert case.state == "assessment"
    assert case.assessor_user_id == users[Role.ASSESSOR].id
    assert inst.plar_policy["cap_percent"] == 50
