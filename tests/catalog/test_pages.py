"""Catalogue pages: search with filters, the opportunity and pathway pages, authoring, review and approval."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.domain import QA_CHECKLIST_KEYS
from tests.factories.accounts import create_user, principal_of
from tests.factories.catalog import all_yes, create_draft, create_esco_skill, create_published, create_staff
from tests.factories.web import sign_in


def test_the_public_searches_the_catalogue_and_htmx_gets_only_the_results(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session)
    create_published(session, staff, code="WELD-INSP", title_en="Welding inspection", schedules=["weekends"])
    create_published(session, staff, code="PLC-1", title_en="PLC programming", schedules=["evenings"])
    page = client.get("/catalog", params={"q": "welding"})
    assert page.status_code == 200
    assert "Welding inspection" in page.text
    assert "PLC programming" not in page.text
    assert '<label for="q">' in page.text
    partial = client.get(
        "/catalog", params={"schedule": "evenings"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "PLC programming" in partial.text
    assert "<html" not in partial.text


def test_the_opportunity_page_shows_competency_rubric_and_employer_statement_in_french(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session)
    version = create_published(session, staff)
    page = client.get(f"/catalog/opportunities/{version.opportunity_id}", params={"lang": "fr"})
    assert page.status_code == 200
    assert version.title_fr in page.text
    assert "Precision Parts Ltd." in page.text
    assert 'data-testid="rubric"' in page.text
    assert "Démonstration pratique" in page.text


def test_the_pathway_view_draws_required_and_elective_components(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session)
    for code in ("PW-A", "PW-B", "PW-X"):
        create_published(session, staff, code=code)
    cert = create_published(
        session,
        staff,
        code="PW-CERT",
        kind="certificate",
        is_credit=True,
        credit_value=9,
        components=[{"code": "PW-A"}, {"code": "PW-B"}, {"code": "PW-X", "required": False}],
        electives_required=1,
    )
    page = client.get(f"/catalog/opportunities/{cert.opportunity_id}/pathway")
    assert page.status_code == 200
    assert 'data-testid="required-group"' in page.text
    assert "Electives: any 1 of these" in page.text
    assert page.text.count('data-testid="pathway-component"') == 3


def test_a_designer_authors_through_the_form_and_errors_name_the_field(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session, passwords=True)
    skill = create_esco_skill(session, "perform welding inspection")
    sign_in(client, session, staff.designer_user)
    form = {
        "code": "WI-1",
        "kind": "micro_credential",
        "title_en": "Welding inspection",
        "title_fr": "Inspection de soudures",
        "description_en": "Inspect welds to CSA W59.",
        "description_fr": "Inspecter des soudures selon la CSA W59.",
        "delivery_mode": "in_person",
        "language": "en",
        "schedules": ["weekends", "short_burst"],
        "hours": "21",
        "weeks": "3",
        "cost": "1,150.00",
        "competency_id": skill.id,
        "assessment_method": "practical_demonstration",
        "rubric_criteria": "Visual inspection: finds discontinuities\nReporting: writes a defect report",
        "rubric_levels": "Beginning\nProficient\nMastery",
        "mastery_level": "Proficient",
        "statements": "Canadian Welding Bureau: inspectors are scarce",
    }
    bad = client.post("/catalog/new", data={**form, "hours": "lots"})
    assert bad.status_code == 422
    assert "hours" in bad.text
    created = client.post("/catalog/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"])
    assert "Welding inspection" in page.text
    assert "perform welding inspection" in page.text
    assert "1,150.00" in page.text


def test_review_and_approval_screens_take_a_draft_to_publication(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session, passwords=True)
    version = create_draft(session, staff)
    sign_in(client, session, staff.designer_user)
    assert client.post(f"/catalog/versions/{version.id}/submit", follow_redirects=False).status_code == 303
    sign_in(client, session, staff.reviewer_user)
    screen = client.get(f"/catalog/versions/{version.id}/review")
    assert screen.text.count("<fieldset") == len(QA_CHECKLIST_KEYS)
    answers = {f"answer_{k}": "yes" for k in QA_CHECKLIST_KEYS}
    assert (
        client.post(
            f"/catalog/versions/{version.id}/review", data=answers, follow_redirects=False
        ).status_code
        == 303
    )
    sign_in(client, session, staff.approver_user)
    assert client.post(f"/catalog/versions/{version.id}/approve", follow_redirects=False).status_code == 303
    assert client.post(f"/catalog/versions/{version.id}/publish", follow_redirects=False).status_code == 303
    page = client.get(f"/catalog/opportunities/{version.opportunity_id}")
    assert "Published" in page.text


def test_an_approver_who_authored_the_draft_sees_the_refusal_on_the_approval_screen(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session, passwords=True)
    author = create_user(
        session, Role.PROGRAM_DESIGNER, Role.INSTITUTION_APPROVER, institution=staff.institution
    )
    sign_in(client, session, author)
    version = create_draft(session, staff)
    version.author_id = author.id
    session.flush()

    catalog_service.submit(session, actor=principal_of(author), version_id=version.id)
    catalog_service.review(session, actor=staff.reviewer, version_id=version.id, data=all_yes())
    session.commit()  # the refused request rolls back its own work only, as it would in production
    refused = client.post(f"/catalog/versions/{version.id}/approve")
    assert refused.status_code == 403
    assert "may not approve" in refused.text


def test_a_designer_edits_a_draft_through_the_form_keeping_rubric_and_competency(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session, passwords=True)
    version = create_draft(session, staff)
    sign_in(client, session, staff.designer_user)
    form_page = client.get(f"/catalog/versions/{version.id}/edit")
    assert form_page.status_code == 200
    assert "Sets up the work safely: Checks tooling and guards." in form_page.text
    fields = {
        "title_en": "CNC programming, revised",
        "title_fr": version.title_fr,
        "description_en": version.description_en,
        "description_fr": version.description_fr,
        "delivery_mode": "online",
        "language": "en",
        "schedules": ["self_paced"],
        "hours": "30",
        "weeks": "5",
        "cost": "895.00",
        "competency_id": version.alignment.competency_id,  # type: ignore[union-attr]
        "assessment_method": "portfolio",
        "rubric_criteria": "Program structure: safe start-up\nPart quality",
        "rubric_levels": "Beginning\nProficient\nMastery",
        "mastery_level": "Proficient",
        "statements": "Precision Parts Ltd.: We cannot hire enough CNC programmers.",
    }
    saved = client.post(f"/catalog/versions/{version.id}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    session.refresh(version)
    assert version.title_en == "CNC programming, revised"
    assert version.rubric is not None
    assert version.rubric["mastery_level"] == "proficient"
    assert version.alignment is not None


def test_the_search_page_filters_by_an_occupation_typed_by_name(client: TestClient, session: Session) -> None:
    from bridgeway.taxonomy.models import Occupation, OccupationRequirement

    staff = create_staff(session)
    skill = create_esco_skill(session, "apply arc welding techniques")
    create_published(session, staff, code="ARC-1", title_en="Arc welding", competency_id=skill.id)
    create_published(session, staff, code="NOT-ARC", title_en="Something else")
    occupation = Occupation(
        release_id=skill.release_id,
        source="esco",
        code="urn:welder",
        level="occupation",
        label="structural welder",
    )
    session.add(occupation)
    session.flush()
    session.add(
        OccupationRequirement(
            release_id=skill.release_id,
            occupation_id=occupation.id,
            competency_id=skill.id,
            relation="essential",
        )
    )
    session.flush()
    page = client.get("/catalog", params={"occupation": "structural weld"})
    assert "structural welder" in page.text
    assert "Arc welding" in page.text
    assert "Something else" not in page.text
    by_competency = client.get("/catalog", params={"competency_id": skill.id})
    assert "Arc welding" in by_competency.text
    assert "Something else" not in by_competency.text
