"""Employers' roles: from an occupation or their own list, edited, audited, and kept to their organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent
from bridgeway.planning import workforce
from bridgeway.planning.schemas import RoleRequirementIn
from tests.factories.accounts import create_institution, create_user, principal_of
from tests.factories.catalog import create_esco_skill
from tests.planning.employers import (
    BLUEPRINTS,
    CNC,
    WELDER,
    api,
    create_role,
    employer_user,
    own_role,
)

ROLES = "/api/v1/planning/employer/roles"


def test_a_role_from_an_occupation_is_prefilled_with_its_requirements(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    headers = api(session, employer_user(session))
    created = create_role(client, headers, name="Welder, day shift", taxonomy="esco", occupation=WELDER)
    assert created.status_code == 201, created.text
    role = created.json()
    assert role["occupation_title"] == "welder"
    kinds = {r["kind"] for r in role["requirements"]}
    assert kinds == {"essential", "optional"}
    first = role["requirements"][0]
    assert first["kind"] == "essential"
    assert first["source"] == "ESCO essential skill of welder"
    assert all(r["label"] for r in role["requirements"])


def test_a_role_from_an_occupation_can_be_edited_before_it_is_created(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    headers = api(session, employer_user(session))
    preview = client.get(
        "/api/v1/planning/employer/occupation-requirements", params={"target": WELDER}, headers=headers
    ).json()
    kept = preview["requirements"][:2]
    kept[0]["level_required"] = 3
    body = {"name": "Welder", "occupation": WELDER, "requirements": [*kept, {"competency_id": CNC}]}
    role = create_role(client, headers, **body).json()
    assert [r["competency_id"] for r in role["requirements"]] == [
        kept[0]["competency_id"],
        kept[1]["competency_id"],
        CNC,
    ]
    assert role["requirements"][0]["level_required"] == 3
    assert role["requirements"][2]["label"] == "program a CNC controller"


def test_a_role_from_an_oasis_profile_keeps_descriptors_rated_three_or_more(shared_data_dir: Path) -> None:
    code, _title, items = workforce.occupation_requirements(
        taxonomy="noc", code="72106", data_dir=shared_data_dir
    )
    assert code.startswith("72106")
    assert items
    assert all(i.competency_id.startswith("oasis:") for i in items)
    assert all(i.importance >= workforce.PREFILL_MIN_IMPORTANCE for i in items)
    assert all(i.level_required is not None and i.level_required >= 3 for i in items)


def test_a_role_from_its_own_list_mixes_taxonomy_and_employer_defined_competencies(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    headers = api(session, employer_user(session))
    body = {
        "name": "CNC set-up operator, night shift",
        "requirements": [
            {"competency_id": CNC, "level_required": 3},
            {"competency_id": "oasis:skills:Reading Comprehension", "level_required": 3, "kind": "optional"},
            {"competency_id": "ext:", "label": "Haas VF-2 set-up", "description": "Sets up our Haas mills."},
        ],
    }
    created = create_role(client, headers, **body)
    assert created.status_code == 201, created.text
    reqs = created.json()["requirements"]
    assert [r["competency_id"] for r in reqs] == [
        CNC,
        "oasis:skills:Reading Comprehension",
        "ext:haas-vf-2-set-up",
    ]
    assert reqs[1]["source"] == "OaSIS descriptor, level 3 of 5"
    assert reqs[2]["source"] == "Employer-defined competency"
    assert reqs[2]["description"] == "Sets up our Haas mills."


def test_an_esco_uuid_is_accepted_for_its_uri(session: Session, shared_data_dir: Path) -> None:
    reqs = workforce.resolve_requirements(
        [RoleRequirementIn(competency_id=CNC.rsplit("/", 1)[1])], data_dir=shared_data_dir
    )
    assert reqs[0].competency_id == CNC


def test_bad_roles_are_refused_with_a_reason(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    headers = api(session, employer_user(session))
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"name": "X", "requirements": []}, 422, "at least one competency"),
        ({"name": "X"}, 422, "give an occupation"),
        (
            {"name": "X", "requirements": [{"competency_id": "http://example.org/nope"}]},
            422,
            "unknown competency",
        ),
        (
            {"name": "X", "occupation": "http://data.europa.eu/esco/occupation/nope"},
            404,
            "unknown esco occupation",
        ),
        ({"name": "X", "requirements": [{"competency_id": "ext:"}]}, 422, "needs a label"),
        (
            {"name": "X", "requirements": [{"competency_id": CNC}, {"competency_id": CNC}]},
            422,
            "appears twice",
        ),
        (
            {
                "name": "X",
                "requirements": [
                    {"competency_id": "oasis:skills:Reading Comprehension", "level_required": 6}
                ],
            },
            422,
            "above the top of its scale",
        ),
        ({"name": "", "requirements": [{"competency_id": CNC}]}, 422, ""),
    ]
    for body, status, words in cases:
        response = create_role(client, headers, **body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["message"].lower(), response.text
    assert client.get(ROLES, headers=headers).json() == []


def test_a_role_is_updated_and_deleted_and_each_change_is_audited(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    employer = employer_user(session)
    headers = api(session, employer)
    role = create_role(client, headers, name="Set-up", requirements=[{"competency_id": CNC}]).json()
    url = f"{ROLES}/{role['id']}"
    updated = client.put(
        url,
        json={
            "name": "Set-up operator",
            "requirements": [{"competency_id": CNC}, {"competency_id": BLUEPRINTS}],
        },
        headers=headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Set-up operator"
    assert len(updated.json()["requirements"]) == 2
    renamed = client.put(url, json={"name": "Set-up lead"}, headers=headers)
    assert [r["competency_id"] for r in renamed.json()["requirements"]] == [CNC, BLUEPRINTS]
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == role["id"]).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "planning.role_created",
        "planning.role_updated",
        "planning.role_updated",
        "planning.role_deleted",
    ]


def test_another_employer_cannot_see_or_change_a_role(session: Session, client: TestClient) -> None:
    owner = employer_user(session)
    role = own_role(session, owner)
    other = api(session, employer_user(session))
    url = f"{ROLES}/{role.id}"
    assert client.get(url, headers=other).status_code == 404
    assert client.put(url, json={"name": "Mine now"}, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(ROLES, headers=other).json() == []
    assert [r["id"] for r in client.get(ROLES, headers=api(session, owner)).json()] == [role.id]


def test_an_employer_account_without_an_organisation_is_refused(session: Session, client: TestClient) -> None:
    loner = create_user(session, Role.EMPLOYER)
    loner.employer_id = None
    session.flush()
    response = client.get(ROLES, headers=api(session, loner))
    assert response.status_code == 403
    assert response.json()["error"] == "not_an_employer"


def test_other_roles_cannot_reach_the_employer_api(session: Session, client: TestClient) -> None:
    advisor = create_user(session, Role.ADVISOR, institution=create_institution(session))
    assert client.get(ROLES, headers=api(session, advisor)).status_code == 403
    assert client.get(ROLES, headers=api(session, create_user(session))).status_code == 403


def test_the_competency_search_answers_with_the_ids_a_role_takes(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    skill = create_esco_skill(session, label="program a CNC controller")
    skill.code = skill.uri = CNC
    session.flush()
    headers = api(session, employer_user(session))
    hits = client.get(
        "/api/v1/planning/employer/competencies", params={"q": "CNC controler"}, headers=headers
    )
    assert hits.status_code == 200, hits.text
    assert {
        "competency_id": CNC,
        "label": "program a CNC controller",
        "source": "esco",
        "kind": "skill",
    } in hits.json()
    short = client.get("/api/v1/planning/employer/competencies", params={"q": "C"}, headers=headers)
    assert short.status_code == 422


def test_the_role_page_edits_levels_drops_and_adds_competencies(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    from tests.factories.web import sign_in

    employer = employer_user(session)
    sign_in(client, session, employer)
    created = client.post(
        "/planning/employer/roles",
        data={"name": "Press line lead", "competencies": f"{CNC}\nPress lockout: isolates energy on press 3"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    page = client.get(url)
    assert page.text.count('data-testid="role-requirement"') == 2
    assert "isolates energy on press 3" in page.text
    saved = client.post(
        url,
        data={
            "name": "Press line lead",
            "kind_0": "optional",
            "importance_0": "0.5",
            "level_0": "3",
            "kind_1": "essential",
            "importance_1": "1",
            "level_1": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    added = client.post(url + "/requirements", data={"competency_id": BLUEPRINTS}, follow_redirects=False)
    assert added.status_code == 303
    dropped = client.post(url + "/requirements/drop", data={"competency_id": CNC}, follow_redirects=False)
    assert dropped.status_code == 303
    role = workforce.list_roles(session, viewer=principal_of(employer))[0]
    assert [r["competency_id"] for r in role.requirements] == ["ext:press-lockout", BLUEPRINTS]
    refused = client.post(url + "/requirements", data={"competency_id": "http://example.org/x"})
    assert refused.status_code == 422
    assert "unknown competency" in refused.text
    french = client.get(url, params={"lang": "fr"})
    assert "Ce dont le poste a besoin" in french.text


def test_every_string_of_the_employer_pages_has_its_french() -> None:
    import re

    from bridgeway.planning.engine import workforce as engine
    from bridgeway.planning.pages.employer import FORMAT_WORDS
    from bridgeway.web.i18n import catalogue_fr

    literal = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
    folder = Path(workforce.__file__).parent / "templates" / "planning"
    strings = {
        a or b for t in folder.glob("employer*.html") for a, b in literal.findall(t.read_text("utf-8"))
    }
    strings |= set(FORMAT_WORDS.values()) | {label for label, _, _ in engine.READINESS_BANDS}
    strings |= {
        workforce.FORMAT_NOTE,
        "Employer-defined competency",
        "no training in the catalogue teaches it",
    }
    strings |= {"employer-defined competency: no catalogue teaches it"}
    assert len(strings) > 100
    assert sorted(s for s in strings if s not in catalogue_fr()) == []


def test_an_occupation_found_by_its_title_prefills_a_role_from_the_page(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    from bridgeway.taxonomy.models import Occupation, TaxonomyRelease
    from bridgeway.taxonomy.routes.read import _INDEX
    from tests.factories.web import sign_in

    release = TaxonomyRelease(source="esco", version="employer-test", fingerprint="1" * 64)
    session.add(release)
    session.flush()
    session.add(
        Occupation(
            release_id=release.id, source="esco", code=WELDER, uri=WELDER, level="occupation", label="welder"
        )
    )
    session.flush()
    _INDEX.clear()
    sign_in(client, session, employer_user(session))
    hits = client.get("/planning/employer/occupations", params={"occupation": "weldr", "taxonomy": "esco"})
    assert hits.status_code == 200
    assert f'value="{WELDER}"' in hits.text
    assert (
        "a code works too"
        in client.get("/planning/employer/occupations", params={"occupation": "zzzzqq"}).text
    )
    created = client.post(
        "/planning/employer/roles",
        data={"name": "Welder", "taxonomy": "esco", "occupation": "weldr", "occupation_pick": WELDER},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"])
    assert "Started from the occupation welder" in page.text
    assert page.text.count('data-testid="role-requirement"') > 5
    _INDEX.clear()
