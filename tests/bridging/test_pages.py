"""Bridging pages: the advisor's list and intake page, the learner's plan in English and French."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.bridging.models import BridgingIntake
from bridgeway.bridging.service import intakes, plan
from tests.bridging.factories import RN_FRENCH, add_language, open_intake, world
from tests.factories.web import sign_in


def _intake_id(html: str) -> str:
    found = re.search(r'href="/bridging/intakes/([0-9a-f-]{36})"', html)
    assert found, html[:500]
    return found.group(1)


def test_an_advisor_opens_an_intake_from_the_form_and_sees_licensing_and_language(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    add_language(session, w.learner)
    csrf = sign_in(client, session, w.advisor)
    listing = client.get("/bridging/intakes")
    assert listing.status_code == 200
    assert w.learner.email in listing.text
    opened = client.post(
        "/bridging/intakes",
        data={
            "csrf_token": csrf,
            "learner_id": w.learner.id,
            "origin_country": "PH",
            "target_code": "31301",
            "origin_code": "",
            "years_experience": "9",
            "province": "ON",
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    page = client.get(opened.headers["location"])
    assert page.status_code == 200
    assert "Regulated occupation: a licence or registration is required." in page.text
    assert "Registration with a regulatory body is required in all provinces and territories." in page.text
    assert 'data-testid="clb-assumption"' in page.text
    intake_id = opened.headers["location"].rsplit("/", 1)[1]
    assert (
        client.post(
            f"/bridging/intakes/{intake_id}/steps", data={"csrf_token": csrf, "action": "propose"}
        ).status_code
        == 200
    )
    page = client.get(f"/bridging/intakes/{intake_id}")
    assert page.text.count('<article data-testid="plan-item">') == 7
    assert f"/planning/clients/{w.learner.id}/pathway?taxonomy=noc&amp;target=31301" in page.text
    assert _intake_id(client.get("/bridging/intakes").text) == intake_id


def test_a_form_with_inverted_dates_re_renders_the_page_with_the_reason_and_saves_nothing(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    intake = open_intake(session, w)
    csrf = sign_in(client, session, w.advisor)
    response = client.post(
        f"/bridging/intakes/{intake.id}/items",
        data={
            "csrf_token": csrf,
            "kind": "training",
            "title": "Pharmacology",
            "owner": "learner",
            "started_on": "2027-03-01",
            "target_on": "2027-01-01",
        },
    )
    assert response.status_code == 422
    assert "target date before the start" in response.text
    session.expire_all()
    assert session.get(BridgingIntake, intake.id).items == []  # type: ignore[union-attr]
    step = client.post(f"/bridging/intakes/{intake.id}/steps", data={"csrf_token": csrf, "action": "explode"})
    assert step.status_code == 422
    assert "unknown step" in step.text
    unknown = client.post(
        "/bridging/intakes",
        data={"csrf_token": csrf, "learner_id": w.learner.id, "origin_country": "PH", "target_code": "12345"},
    )
    assert unknown.status_code in (409, 422)


def test_the_learner_sees_the_shared_plan_in_french_and_cannot_mark_an_advisor_item(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    add_language(session, w.learner)
    intake = open_intake(session, w)
    plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    intakes.share(session, actor=w.advisor_p, intake_id=intake.id)
    csrf = sign_in(client, session, w.learner)
    page = client.get("/bridging?lang=fr")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Mon plan d'apprentissage" in text
    assert "Profession réglementée : un permis ou une inscription est obligatoire." in text
    assert "Formation linguistique propre à la profession" in text
    assert RN_FRENCH in text  # the occupation's French name from COPS
    assert "/planning/pathway?taxonomy=noc&target=31301" in text
    theirs = next(i for i in intake.items if i.owner == "advisor")
    refused = client.post(
        f"/bridging/plans/{intake.id}/items/{theirs.id}/done", data={"csrf_token": csrf, "done": "1"}
    )
    assert refused.status_code == 403
    mine = next(i for i in intake.items if i.owner == "learner")
    done = client.post(
        f"/bridging/plans/{intake.id}/items/{mine.id}/done",
        data={"csrf_token": csrf, "done": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    ack = client.post(
        f"/bridging/plans/{intake.id}/acknowledgement", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert ack.status_code == 303
    assert 'data-testid="acknowledged"' in client.get("/bridging").text


def test_a_learner_without_a_shared_plan_is_told_so(client: TestClient, session: Session) -> None:
    w = world(session)
    open_intake(session, w)
    sign_in(client, session, w.learner)
    assert 'data-testid="no-plan"' in client.get("/bridging").text


def test_the_occupation_finder_offers_unit_groups_and_profiles_as_targets_and_any_taxonomy_as_origin(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    sign_in(client, session, w.advisor)
    target = client.get("/bridging/occupation-options", params={"q": "nurses", "field": "target"})
    assert target.status_code == 200
    assert 'value="31301"' in target.text
    assert 'value="31301.01"' in target.text
    assert 'value="29-1141.00"' not in target.text  # O*NET is no target in Canada
    nursing = client.get("/bridging/occupation-options", params={"q": "nursing", "field": "target"})
    assert 'value="3130"' not in nursing.text  # a minor group is no target
    origin = client.get("/bridging/occupation-options", params={"q": "registered nurses", "field": "origin"})
    assert 'value="29-1141.00"' in origin.text
    empty = client.get("/bridging/catalogue-options", params={"q": "zzzz-no-such-course"})
    assert "Nothing in the published catalogue matches." in empty.text


def test_a_training_item_picked_from_the_catalogue_takes_its_title_and_links_to_it(
    client: TestClient, session: Session
) -> None:
    from tests.factories.catalog import create_published, create_staff

    w = world(session)
    version = create_published(
        session,
        create_staff(session, institution=w.institution),
        title_en="Pharmacology for nurses in Canada",
    )
    intake = open_intake(session, w)
    csrf = sign_in(client, session, w.advisor)
    found = client.get("/bridging/catalogue-options", params={"q": "Pharmacology"})
    assert f'value="{version.opportunity_id}"' in found.text
    added = client.post(
        f"/bridging/intakes/{intake.id}/items",
        data={
            "csrf_token": csrf,
            "kind": "training",
            "owner": "learner",
            "opportunity_id": version.opportunity_id,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get(f"/bridging/intakes/{intake.id}").text
    assert "Pharmacology for nurses in Canada" in page
    assert f'href="/catalog/opportunities/{version.opportunity_id}"' in page
    bad = client.post(
        f"/bridging/intakes/{intake.id}/items",
        data={"csrf_token": csrf, "kind": "training", "owner": "learner", "opportunity_id": "no-such-entry"},
    )
    assert bad.status_code == 422


def test_closed_intakes_are_listed_only_when_asked(client: TestClient, session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    intakes.close(session, actor=w.advisor_p, intake_id=intake.id)
    sign_in(client, session, w.advisor)
    assert f"/bridging/intakes/{intake.id}" not in client.get("/bridging/intakes").text
    assert f"/bridging/intakes/{intake.id}" in client.get("/bridging/intakes?closed=true").text
