"""The demo catalogue: published through the real workflow, aligned to ESCO skills when imported, idempotent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.catalog import demo
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.schemas import SearchParams
from tests.factories.accounts import create_employer, create_institution
from tests.factories.catalog import create_esco_skill, create_user_without_password


def _world(session: Session) -> dict[str, object]:
    institution = create_institution(session)
    employer = create_employer(session)
    users = {
        role.value: create_user_without_password(session, role, institution=institution, employer=employer)
        for role in (Role.PROGRAM_DESIGNER, Role.QA_REVIEWER, Role.INSTITUTION_APPROVER, Role.EMPLOYER)
    }
    return {"institution": institution, "employer": employer, "users": users}


def test_the_demo_catalogue_is_published_and_stacks_into_a_certificate(session: Session) -> None:
    for _code, label, _fields in demo.MICRO_CREDENTIALS:
        create_esco_skill(session, label)
    world = _world(session)
    result = demo.seed(session, **world)  # type: ignore[arg-type]
    assert result["fallbacks"] == []
    assert "ESCO" in result["competencies"]
    assert result["endorsements"] == 3
    institution_id = world["institution"].id  # type: ignore[attr-defined]
    page = catalog_service.search(session, params=SearchParams(institution_id=institution_id, limit=50))
    assert page.total == 11
    rules = {r.parent: r for r in catalog_service.stacking_rules(session, institution_id=institution_id)}
    cert = catalog_service.get_opportunity_by_code(session, institution_id=institution_id, code="CERT-AMT")
    assert rules[cert.id].electives_required == 1
    again = demo.seed(session, **world)  # type: ignore[arg-type]
    assert again["created"] == []
    assert again["endorsements"] == 0


def test_without_the_taxonomy_the_demo_falls_back_to_institution_competencies_and_says_so(
    session: Session,
) -> None:
    result = demo.seed(session, **_world(session))  # type: ignore[arg-type]
    assert len(result["fallbacks"]) == len(demo.MICRO_CREDENTIALS)
    assert "not imported" in result["competencies"]
