"""The planning pages, in English and French: my options, my gaps, my pathway, my profile; advisors' clients."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.planning import service as planning_service
from bridgeway.planning.engine import pathways
from bridgeway.planning.pages.common import STATUS_WORDS
from bridgeway.planning.pages.options import zone_words
from bridgeway.planning.pages.pathway import METRICS, SUGGESTIONS
from bridgeway.web.i18n import catalogue_fr
from tests.factories.accounts import create_institution, create_user, principal_of
from tests.factories.catalog import create_published, create_staff
from tests.factories.web import sign_in
from tests.planning.test_routes import WELDER, Welder, publish_course_teaching, read_welder


@pytest.fixture(scope="module", name="welder")
def welder_fixture(shared_data_dir: Path) -> Welder:
    """Read once per module."""
    return read_welder(shared_data_dir)


def learner_signed_in(session: Session, client: TestClient, profile: dict | None = None):  # type: ignore[no-untyped-def]
    """A learner with this stored profile, signed in through the login form."""
    learner = create_user(session)
    if profile is not None:
        planning_service.save_profile(session, actor=principal_of(learner), data=profile)
    session.commit()
    sign_in(client, session, learner)
    return learner


def test_my_options_invites_a_learner_without_competencies_to_fill_in_the_profile(
    session: Session, client: TestClient
) -> None:
    learner_signed_in(session, client)
    page = client.get("/planning")
    assert page.status_code == 200
    assert 'data-testid="planning-empty"' in page.text
    assert 'href="/planning/profile"' in page.text


def test_my_options_ranks_occupations_with_tier_outlook_and_readiness_in_english_and_french(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning")
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="option"') == 10
    assert f'data-code="{WELDER}"' in page.text
    assert 'data-testid="option-readiness"' in page.text
    assert 'data-testid="option-outlook-source"' in page.text
    assert "COPS 2024–2033" in page.text
    assert 'data-testid="option-transferable"' in page.text
    assert "Outlook" in page.text
    assert 'data-testid="page-next"' in page.text
    french = client.get("/planning?lang=fr")
    assert "Mes possibilités" in french.text
    assert "Perspectives" in french.text
    assert "Outlook" not in french.text


def test_the_readiness_on_an_option_is_the_one_its_gaps_page_shows(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    options = client.get("/planning").text
    card = options.split(f'data-code="{WELDER}"')[1].split('data-testid="option"')[0]
    essential = re.search(r'data-testid="option-essential">(\d+)%<', card)
    overall = re.search(r'data-testid="option-overall">(\d+)%<', card)
    gaps = client.get("/planning/gaps", params={"target": WELDER}).text
    assert essential is not None
    assert overall is not None
    assert f'data-testid="essential-readiness">{essential.group(1)}%<' in gaps
    assert f'data-testid="readiness">{overall.group(1)}%<' in gaps
    assert int(essential.group(1)) > int(overall.group(1))  # one essential skill missing, many optional ones


def _ranks(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'<span class="pl-rank">(\d+)\.</span>', html)]


def test_my_options_pages_through_the_ranking_ten_at_a_time(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    first = _ranks(client.get("/planning").text)
    second = client.get("/planning", params={"page": 2}).text
    assert first == list(range(1, 11))
    assert _ranks(second) == list(range(11, 21))
    assert "Occupations 11 to 20 of 300." in second
    assert 'data-testid="page-prev"' in second


def test_my_options_filters_by_tier_prospects_and_licence(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    close = client.get("/planning", params={"tier": "highly_viable"}).text
    tiers = re.findall(r'data-tier="([^"]+)"', close)
    assert tiers
    assert set(tiers) == {"highly viable"}
    good = client.get("/planning", params={"prospects": "good", "tier": "all"}).text
    outlooks = re.findall(r'data-testid="option-outlook"><strong>Outlook:</strong> ([^<\n]+)', good)
    assert outlooks
    assert all(o.startswith(("Good prospects", "Many openings")) for o in outlooks)
    unregulated = client.get("/planning", params={"licence": "none", "page": 3}).text
    assert unregulated.count('data-testid="option"') == 10
    assert 'data-testid="option-regulated"' not in unregulated
    everything = "".join(client.get("/planning", params={"page": n}).text for n in range(1, 4))
    assert 'data-testid="option-regulated"' in everything


def test_my_options_in_a_taxonomy_the_profile_does_not_use_says_so_and_links_to_the_one_it_does(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning", params={"taxonomy": "onet"})
    assert page.status_code == 200
    assert 'data-testid="planning-unreadable"' in page.text
    assert "?taxonomy=esco" in page.text


def test_the_profile_form_saves_constraints_and_names_a_bad_value(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner = learner_signed_in(session, client)
    form = {
        "competencies": f"{welder.gap} | assessor_recognised\n{welder.essential[0]}",
        "evidence": "self_claimed",
        "hours_per_week": "8",
        "budget": "1500",
        "schedule": ["evenings", "weekends"],
        "region": "on",
        "start_date": "2027-01-04",
        "clb_listening": "8",
        "clb_speaking": "7",
        "clb_reading": "8",
        "clb_writing": "6",
        "language": "en",
    }
    saved = client.post("/planning/profile", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    profile, _ = planning_service.stored_profile(session, learner_id=learner.id)
    assert [c.evidence.value for c in profile.competencies] == ["assessor_recognised", "self_claimed"]
    assert profile.constraints.budget == 1500
    assert profile.constraints.region == "ON"
    assert profile.best_clb() == 6
    again = client.get("/planning/profile").text
    assert 'value="1500"' in again
    assert again.count('data-testid="held-competency"') == 2
    assert "not found in the imported taxonomies" not in again
    bad = client.post("/planning/profile", data={**form, "hours_per_week": "200"})
    assert bad.status_code == 422
    assert "constraints.hours_per_week" in bad.text
    assert planning_service.stored_profile(session, learner_id=learner.id)[0].constraints.hours_per_week == 8


def test_my_gaps_explains_each_requirement_line_with_source_status_and_evidence(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/gaps", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert 'data-status="missing"' in page.text
    assert 'data-status="met"' in page.text
    assert "ESCO essential skill" in page.text
    assert "verified credential" in page.text
    assert "Your evidence: verified credential, which counts 100%." in page.text
    assert "Missing: nothing in your profile shows this yet." in page.text
    assert 'data-testid="missing-count">1<' in page.text
    assert 'data-testid="optional-requirements"' in page.text
    link = re.search(r'href="([^"]+)" role="button" data-testid="gaps-to-pathway"', page.text)
    assert link is not None
    assert link.group(1).startswith("/planning/pathway?taxonomy=esco&target=http%3A//data.europa.eu")
    french = client.get("/planning/gaps", params={"target": WELDER, "lang": "fr"})
    assert "Mes lacunes" in french.text
    assert "Compétence essentielle ESCO" in french.text
    assert "Votre preuve : titre vérifié, qui compte pour 100 %." in french.text


def test_my_gaps_finds_the_target_by_its_exact_title(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/gaps", params={"target": "Welder"})
    assert page.status_code == 200, page.text
    assert 'data-testid="gap-summary"' in page.text
    assert 'value="welder"' in page.text


def test_my_gaps_for_an_unknown_occupation_is_a_not_found_page_that_offers_the_closest_ones(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/gaps", params={"target": "http://data.europa.eu/esco/occupation/nope"})
    assert page.status_code == 404
    assert 'data-testid="target-error"' in page.text
    assert 'data-testid="suggestions"' in page.text


def test_my_pathway_shows_the_timeline_credentials_and_the_alternatives_side_by_side(
    session: Session, client: TestClient, welder: Welder
) -> None:
    course = publish_course_teaching(session, welder.gap)
    learner_signed_in(session, client, welder.profile(budget=2000))
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="alternative"') == 3
    # The learner starts on 4 January; the course's intake is a week later and lasts six weeks.
    assert page.text.count('data-testid="timeline-week"') == 7
    assert 'data-testid="plan-cost">$895.00<' in page.text
    assert course.title_en in page.text
    assert 'data-testid="credential" data-kind="single"><strong>' + course.title_en in page.text
    assert 'data-testid="same-as-plan"' in page.text
    assert "exact optimum" in page.text
    french = client.get("/planning/pathway", params={"target": WELDER, "lang": "fr"}).text
    assert "Plus rapide" in french
    assert "895,00 $" in french
    assert course.title_fr in french


def test_a_plan_found_by_the_heuristic_says_so_with_its_gap_to_the_bound(
    session: Session, client: TestClient, welder: Welder, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = pathways.select
    monkeypatch.setattr(
        pathways,
        "select",
        lambda p, obj, **kw: exact(p, obj, time_limit=kw["time_limit"], force_heuristic=True),
    )
    publish_course_teaching(session, welder.gap)
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert "heuristic (greedy) because the exact solver ran out of time" in page.text
    assert re.search(r"at most \d+(\.\d)?% above the best possible", page.text)


def _fast_and_slow_courses(session: Session, uri: str) -> tuple[Any, Any]:
    """Two courses for one gap: six weeks for $1,500, or twenty-four weeks for $200."""
    fast = publish_course_teaching(session, uri, title_en="Welding fast track", cost_cents=150_000)
    slow = create_published(
        session,
        create_staff(session),
        competency_id=fast.alignment.competency_id,
        title_en="Welding at your own pace",
        hours=40,
        weeks=24,
        cost_cents=20_000,
        intakes=[{"starts_on": "2027-01-04", "seats": 20}],
    )
    return fast, slow


def test_changing_the_objective_changes_the_plan(
    session: Session, client: TestClient, welder: Welder
) -> None:
    _fast_and_slow_courses(session, welder.gap)
    learner_signed_in(session, client, welder.profile())
    balanced = client.get("/planning/pathway", params={"target": WELDER}).text
    cheapest = client.get("/planning/pathway", params={"target": WELDER, "objective": "cheapest"}).text
    all_cost = client.get("/planning/pathway", params={"target": WELDER, "objective": "mix", "mix": 0}).text
    all_time = client.get("/planning/pathway", params={"target": WELDER, "objective": "mix", "mix": 100}).text
    assert 'data-testid="plan-cost">$1,500.00<' in balanced
    assert 'data-testid="plan-cost">$200.00<' in cheapest
    assert 'data-testid="plan-cost">$200.00<' in all_cost
    assert 'data-testid="plan-cost">$1,500.00<' in all_time
    assert 'id="objective-cheapest" name="objective" value="cheapest" checked' in cheapest
    assert 'class="pl-diff"' in balanced  # the cheapest column differs from the chosen plan


def test_a_learner_below_the_language_level_gets_language_training_first(
    session: Session, client: TestClient, welder: Welder
) -> None:
    publish_course_teaching(session, welder.gap)
    english = create_published(
        session,
        create_staff(session),
        kind="course",
        title_en="English for the trades (CLB 4-6)",
        hours=30,
        weeks=10,
        cost_cents=0,
        intakes=[{"starts_on": "2027-01-04", "seats": 20}],
    )
    profile = welder.profile()
    profile["languages"] = [{"language": "en", "listening": 5, "speaking": 4, "reading": 5, "writing": 4}]
    learner_signed_in(session, client, profile)
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert 'data-testid="support" data-kind="language"' in page.text
    assert "your CLB 4 is below the CLB 6 this occupation needs" in page.text
    assert f'data-testid="plan-item" data-id="{english.opportunity_id}"' in page.text


@pytest.mark.parametrize(
    ("constraint", "binding", "suggestion"),
    [
        ({"budget": 100}, "budget", "Raise your budget"),
        ({"deadline_weeks": 3}, "deadline", "Allow more weeks, or more hours per week."),
        ({"schedule": ["daytime"]}, "schedule", "Tick more times when you can study"),
    ],
)
def test_my_pathway_says_which_constraint_binds_when_no_plan_fits_and_what_to_change(
    session: Session,
    client: TestClient,
    welder: Welder,
    constraint: dict[str, Any],
    binding: str,
    suggestion: str,
) -> None:
    publish_course_teaching(session, welder.gap)
    learner_signed_in(session, client, welder.profile(**constraint))
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 422
    assert f'data-testid="binding-constraint">{binding}<' in page.text
    assert 'data-testid="blocked"' in page.text
    assert suggestion in page.text


def test_an_advisor_sees_a_client_only_with_consent_and_keeps_notes(
    session: Session, client: TestClient, welder: Welder
) -> None:
    institution = create_institution(session)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    learner = create_user(session)
    planning_service.save_profile(session, actor=principal_of(learner), data=welder.profile())
    session.commit()
    sign_in(client, session, advisor)
    assert 'data-testid="clients-empty"' in client.get("/planning/clients").text
    assert client.get(f"/planning/clients/{learner.id}").status_code == 403
    assert client.post(f"/planning/clients/{learner.id}/notes", data={"body": "hi"}).status_code == 403
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
    )
    session.commit()
    assert f'/planning/clients/{learner.id}"' in client.get("/planning/clients").text
    page = client.get(f"/planning/clients/{learner.id}")
    assert page.status_code == 200
    assert f'data-code="{WELDER}"' in page.text
    noted = client.post(
        f"/planning/clients/{learner.id}/notes",
        data={"body": "Prefers evening courses."},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    assert "Prefers evening courses." in client.get(f"/planning/clients/{learner.id}").text
    gaps = client.get(f"/planning/clients/{learner.id}/gaps", params={"target": WELDER})
    assert gaps.status_code == 200
    assert 'data-status="missing"' in gaps.text
    assert "Prefers evening courses." in gaps.text
    assert client.post(f"/planning/clients/{learner.id}/notes", data={"body": "   "}).status_code == 422


def test_a_note_written_on_a_clients_pathway_returns_to_that_pathway(
    session: Session, client: TestClient, welder: Welder
) -> None:
    advisor = create_user(session, Role.ADVISOR, institution=create_institution(session))
    learner = create_user(session)
    planning_service.save_profile(session, actor=principal_of(learner), data=welder.profile())
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
    )
    session.commit()
    sign_in(client, session, advisor)
    query = f"target={quote(WELDER, safe='')}&objective=cheapest"
    noted = client.post(
        f"/planning/clients/{learner.id}/notes",
        data={"body": "Discussed the cheapest plan.", "back": "pathway", "query": query},
        follow_redirects=False,
    )
    assert noted.headers["location"] == f"/planning/clients/{learner.id}/pathway?{query}#notes"


def test_the_client_list_shows_each_clients_latest_activity(
    session: Session, client: TestClient, welder: Welder
) -> None:
    advisor = create_user(session, Role.ADVISOR, institution=create_institution(session))
    busy, quiet = create_user(session), create_user(session)
    planning_service.save_profile(session, actor=principal_of(busy), data=welder.profile())
    for person in (busy, quiet):
        accounts_service.grant_consent(
            session, actor=principal_of(person), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
        )
    planning_service.add_note(session, actor=principal_of(advisor), learner_id=busy.id, body="First call.")
    planning_service.add_note(session, actor=principal_of(advisor), learner_id=busy.id, body="Second call.")
    session.commit()
    sign_in(client, session, advisor)
    page = client.get("/planning/clients").text
    rows = page.split('data-testid="client"')[1:]
    assert busy.display_name in rows[0]
    assert f"{len(welder.essential) - 1} competencies, saved" in rows[0]
    assert 'data-testid="client-notes">2 · last' in rows[0]
    assert quiet.display_name in rows[1]
    assert "Not filled in yet" in rows[1]


def test_every_string_of_the_learner_and_advisor_pages_has_its_french() -> None:
    literal = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
    folder = Path(__file__).resolve().parents[2] / "src" / "bridgeway" / "planning" / "templates" / "planning"
    strings = set()
    for template in folder.glob("*.html"):
        if not template.name.startswith(("employer", "workforce")):
            strings |= {a or b for a, b in literal.findall(template.read_text(encoding="utf-8"))}
    strings |= set(STATUS_WORDS.values()) | set(SUGGESTIONS.values()) | {m[1] for m in METRICS}
    strings |= {zone_words(change) or "" for change in (2.0, 1.0, -1.0)}
    strings |= {
        "Chosen plan",
        "Fastest",
        "Cheapest",
        "held in previous occupation",
        "highly viable",
        "stretch",
    }
    missing = sorted(s for s in strings if s not in catalogue_fr())
    assert not missing, f"no French for: {missing}"


def test_an_employer_sees_bars_and_a_heat_map_of_consenting_employees_only(
    session: Session, client: TestClient, welder: Welder
) -> None:
    employer_user = create_user(session, Role.EMPLOYER)
    consenting = create_user(session)
    other = create_user(session)
    for person in (consenting, other):
        planning_service.save_profile(session, actor=principal_of(person), data=welder.profile())
    accounts_service.grant_consent(
        session,
        actor=principal_of(consenting),
        grantee_kind=ConsentGrantee.EMPLOYER,
        grantee_id=employer_user.employer_id,
    )
    session.commit()
    sign_in(client, session, employer_user)
    page = client.get("/planning/workforce", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="heatmap-row"') == 1
    assert consenting.display_name in page.text
    assert other.display_name not in page.text
    assert 'data-testid="gap-bar"' in page.text
    assert 'data-status="missing"' in page.text
    assert (
        "Lacunes de l’effectif"
        in client.get("/planning/workforce", params={"target": WELDER, "lang": "fr"}).text
    )
