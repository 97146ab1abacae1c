"""The published catalogue in the database becomes the planner's Catalog, and the planner plans over it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from bridgeway.planning import service as planning_service
from bridgeway.planning.engine.pathways import OBJECTIVES, plan_pathway
from bridgeway.planning.schemas import Constraints, Delivery, Schedule
from bridgeway.taxonomy import service as taxonomy_service
from tests.factories.catalog import create_draft, create_esco_skill, create_published, create_staff
from tests.taxonomy import builders


def test_a_published_catalogue_maps_prerequisites_delivery_schedules_intakes_and_stacking(
    session: Session,
) -> None:
    staff = create_staff(session)
    weld, inspect, blueprint = (
        create_esco_skill(session, label) for label in ("weld pipe", "inspect welds", "read blueprints")
    )
    a = create_published(
        session,
        staff,
        code="MC-A",
        competency_id=weld.id,
        delivery_mode="in_person",
        schedules=["evenings", "weekends"],
        hours=30,
        weeks=5,
        cost_cents=50_000,
        intakes=[{"starts_on": "2027-01-11", "seats": 10}, {"starts_on": "2027-04-12", "seats": 10}],
    )
    b = create_published(
        session,
        staff,
        code="MC-B",
        competency_id=inspect.id,
        prerequisites=["MC-A"],
        delivery_mode="online",
        schedules=["self_paced"],
        cost_cents=0,
    )
    x = create_published(session, staff, code="MC-X", competency_id=blueprint.id)
    cert = create_published(
        session,
        staff,
        code="CERT-W",
        kind="certificate",
        components=[{"code": "MC-A"}, {"code": "MC-B"}, {"code": "MC-X", "required": False}],
        electives_required=1,
    )
    create_draft(session, staff, code="MC-DRAFT")
    other = create_published(session, create_staff(session), code="MC-ELSEWHERE")

    catalog = planning_service.catalog_from_database(session, institution_id=staff.institution.id)

    by_id = {o.id: o for o in catalog.opportunities}
    assert set(by_id) == {a.opportunity_id, b.opportunity_id, x.opportunity_id, cert.opportunity_id}
    first = by_id[a.opportunity_id]
    assert first.competencies == [weld.uri]
    assert (first.hours, first.weeks, first.cost) == (30, 5, 500.0)
    assert first.schedules == [Schedule.EVENINGS, Schedule.WEEKENDS]
    assert first.delivery == Delivery.IN_PERSON
    assert first.intakes == [dt.date(2027, 1, 11), dt.date(2027, 4, 12)]
    assert first.prerequisites == []
    assert first.kind == "micro_credential"
    second = by_id[b.opportunity_id]
    assert second.prerequisites == [a.opportunity_id]
    assert (second.delivery, second.schedules, second.cost) == (Delivery.ONLINE, [Schedule.SELF_PACED], 0.0)
    assert by_id[cert.opportunity_id].credential == cert.title_en
    assert by_id[cert.opportunity_id].kind == "certificate"
    [rule] = catalog.stacking_rules
    assert rule.credential == cert.title_en
    assert sorted(rule.requires) == sorted([a.opportunity_id, b.opportunity_id])
    assert (rule.electives, rule.electives_required) == ([x.opportunity_id], 1)
    everyone = planning_service.catalog_from_database(session)
    assert other.opportunity_id in {o.id for o in everyone.opportunities}


def test_the_planner_takes_the_prerequisite_first_and_earns_the_stacked_certificate(session: Session) -> None:
    staff = create_staff(session)
    weld, inspect, blueprint = (
        create_esco_skill(session, label) for label in ("weld pipe", "inspect welds", "read blueprints")
    )
    evenings = {"schedules": ["evenings"], "delivery_mode": "online", "weeks": 4, "hours": 20}
    a = create_published(session, staff, code="MC-A", competency_id=weld.id, **evenings)
    b = create_published(
        session, staff, code="MC-B", competency_id=inspect.id, prerequisites=["MC-A"], **evenings
    )
    create_published(session, staff, code="MC-X", competency_id=blueprint.id, **evenings)
    cert = create_published(
        session,
        staff,
        code="CERT-W",
        kind="certificate",
        components=[{"code": "MC-A"}, {"code": "MC-B"}],
        electives_required=0,
    )
    catalog = planning_service.catalog_from_database(session, institution_id=staff.institution.id)

    result = plan_pathway(
        catalog,
        gaps=[inspect.uri or inspect.code],
        recognised=set(),
        constraints=Constraints(hours_per_week=10, start_date=dt.date(2027, 1, 4)),
        objective=OBJECTIVES["balanced"],
        today=dt.date(2027, 1, 4),
        alternatives=False,
    )

    items = {item.id: item for item in result.plan.items}
    assert set(items) >= {a.opportunity_id, b.opportunity_id}
    assert items[a.opportunity_id].end_week <= items[b.opportunity_id].start_week
    assert cert.title_en in {c["credential"] for c in result.plan.credentials}


def test_an_oasis_aligned_opportunity_carries_the_planners_oasis_id(session: Session, tmp_path: Path) -> None:
    taxonomy_service.import_release(session, source="oasis", path=builders.oasis_release(tmp_path))
    writing = taxonomy_service.get_competency(session, source="oasis", code="F01b02")
    staff = create_staff(session)
    course = create_published(session, staff, code="WRITE-1", competency_id=writing.id)

    catalog = planning_service.catalog_from_database(session, institution_id=staff.institution.id)

    assert [o.competencies for o in catalog.opportunities if o.id == course.opportunity_id] == [
        ["oasis:skills:Writing"]
    ]
