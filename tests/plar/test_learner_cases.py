"""The learner's side of a recognition case, from the pages: request from the catalogue, evidence, answer, appeal,
outcome (credit, credentials, gaps), in English and French; each refusal says why and saves nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import Institution, User
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.plar import domain
from bridgeway.plar.models import EvidenceDocument, RecognitionCase
from bridgeway.plar.service import cases, outcomes
from bridgeway.web.i18n import catalogue_fr
from tests.conftest import data_dir
from tests.factories.accounts import create_institution, create_user
from tests.factories.catalog import create_esco_skill, create_published, create_staff
from tests.factories.plar import consent_to_institution
from tests.factories.web import sign_in

SKILLS = ("operate welding equipment", "read standard blueprints", "apply health and safety standards")


@dataclass
class Catalogue:
    """A published certificate of three one-competency micro-credentials and a credit course."""

    institution: Institution
    certificate_id: str
    micro_ids: dict[str, str]  # code -> opportunity id
    uris: dict[str, str]  # code -> competency URI


def publish_certificate(session: Session, institution: Institution) -> Catalogue:
    """Publish MC-WLD, MC-BPR and MC-SAF (36 hours, non-credit) and MFG-110 (3 credits) in CERT-WLD (12 credits)."""
    staff = create_staff(session, institution=institution)
    micro_ids, uris = {}, {}
    for code, label in zip(("MC-WLD", "MC-BPR", "MC-SAF"), SKILLS, strict=True):
        skill = create_esco_skill(session, label)
        version = create_published(session, staff, code=code, competency_id=skill.id, title_en=label.title())
        micro_ids[code], uris[code] = version.opportunity_id, skill.uri or ""
    create_published(
        session,
        staff,
        code="MFG-110",
        kind="course",
        title_en="Manufacturing processes",
        is_credit=True,
        credit_value=3,
    )
    cert = create_published(
        session,
        staff,
        code="CERT-WLD",
        kind="certificate",
        title_en="Certificate in Welding",
        is_credit=True,
        credit_value=12,
        components=[{"code": c} for c in ("MC-WLD", "MC-BPR", "MC-SAF", "MFG-110")],
        electives_required=0,
    )
    return Catalogue(institution, cert.opportunity_id, micro_ids, uris)


@dataclass
class Journey:
    """An institution with its catalogue, a consenting learner, an advisor and an assessor."""

    catalogue: Catalogue
    learner: User
    advisor: User
    assessor: User

    @property
    def institution(self) -> Institution:
        """The institution assessing the learner."""
        return self.catalogue.institution


def make_journey(session: Session, *, moderation: str = "never") -> Journey:
    """Set up the people and the catalogue; the learner consents to the institution."""
    institution = create_institution(session)
    institution.plar_policy = {"moderation": moderation}
    catalogue = publish_certificate(session, institution)
    learner = create_user(session, Role.LEARNER, institution=institution)
    consent_to_institution(session, learner, institution.id)
    journey = Journey(
        catalogue,
        learner,
        create_user(session, Role.ADVISOR, institution=institution),
        create_user(session, Role.ASSESSOR, institution=institution),
    )
    session.commit()
    return journey


def request_certificate(client: TestClient, j: Journey) -> str:
    """As the signed-in learner, ask for recognition toward the certificate; return the case id."""
    r = client.post(
        "/plar/request",
        data={"institution_id": j.institution.id, "program_id": j.catalogue.certificate_id},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_non_credit_parts_share_what_the_program_leaves_by_hours_and_credit_courses_keep_theirs() -> None:
    assert domain.apportion_credits(12, [(None, 36), (None, 72), (3, 45)]) == [3.0, 6.0, 3]
    # no program credits (or nothing left to share): one credit per 15 hours, to the half credit, at least 0.5
    assert domain.apportion_credits(None, [(None, 36), (None, 4), (2, 30)]) == [2.5, 0.5, 2]
    assert domain.apportion_credits(3, [(None, 36), (3, 45)]) == [2.5, 3]


def test_the_request_page_offers_only_consented_institutions_and_their_published_catalogue(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    elsewhere = create_institution(session)
    session.commit()
    sign_in(client, session, j.learner)
    page = client.get("/plar/request")
    assert page.status_code == 200
    assert j.institution.name in page.text
    assert elsewhere.name not in page.text
    options = client.get(f"/plar/request?institution_id={j.institution.id}", headers={"HX-Request": "true"})
    assert options.status_code == 200
    assert "<html" not in options.text  # HTMX gets the fragment only
    assert "Certificate in Welding" in options.text
    assert 'data-testid="micro-MC-BPR"' in options.text
    assert 'data-testid="micro-MFG-110"' not in options.text  # a course is not a micro-credential
    refused = client.get(f"/plar/request?institution_id={elsewhere.id}")
    assert "consent" in refused.text
    assert "Certificate in Welding" not in refused.text


def test_a_learner_without_any_consent_is_sent_to_give_one(client: TestClient, session: Session) -> None:
    learner = create_user(session, Role.LEARNER)
    session.commit()
    sign_in(client, session, learner)
    page = client.get("/plar/request")
    assert 'data-testid="no-consent"' in page.text
    assert 'href="/account/consents"' in page.text


def test_a_learner_asks_for_recognition_toward_a_program_and_its_courses_come_from_the_catalogue(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert (case.target_kind, case.target_ref, case.target_label) == (
        "credential",
        "CERT-WLD",
        "Certificate in Welding",
    )
    assert [c.competency_uri for c in case.competencies] == [
        j.catalogue.uris[c] for c in ("MC-WLD", "MC-BPR", "MC-SAF")
    ]
    courses = {c["code"]: c for c in case.courses}
    assert courses["MFG-110"]["credits"] == 3
    assert courses["MFG-110"]["competency_uris"] == []
    # the three 36-hour micro-credentials share the 9 credits the credit course leaves of the certificate's 12
    assert [courses[c]["credits"] for c in ("MC-WLD", "MC-BPR", "MC-SAF")] == [3, 3, 3]
    assert courses["MC-BPR"]["opportunity_id"] == j.catalogue.micro_ids["MC-BPR"]
    home = client.get("/plar")
    assert 'data-testid="my-case"' in home.text
    assert "Requested" in home.text
    assert "an advisor" in home.text


def test_a_learner_asks_for_recognition_of_chosen_micro_credentials(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    ids = [j.catalogue.micro_ids["MC-WLD"], j.catalogue.micro_ids["MC-SAF"]]
    r = client.post(
        "/plar/request", data={"institution_id": j.institution.id, "micro_ids": ids}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    case = session.get(RecognitionCase, r.headers["location"].rsplit("/", 1)[1])
    assert case is not None
    assert case.target_kind == "micro_credentials"
    assert case.target_ref == "MC-WLD, MC-SAF"
    assert {c["opportunity_id"] for c in case.courses} == set(ids)


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({}, "choose a program or credential, or at least one micro-credential"),
        ({"program_id": "CERT", "micro_ids": "MC"}, "not both"),
        ({"program_id": "no-such-program"}, "published catalogue"),
        ({"micro_ids": "no-such-micro"}, "published catalogue"),
    ],
)
def test_a_bad_choice_is_refused_with_its_reason_and_opens_no_case(
    client: TestClient, session: Session, form: dict[str, str], reason: str
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    values = {"CERT": j.catalogue.certificate_id, "MC": j.catalogue.micro_ids["MC-WLD"]}
    data = {"institution_id": j.institution.id, **{k: values.get(v, v) for k, v in form.items()}}
    before = _count(session, RecognitionCase)
    r = client.post("/plar/request", data=data)
    assert r.status_code == 422
    assert reason in r.text
    assert _count(session, RecognitionCase) == before


def test_a_request_to_an_institution_without_consent_or_a_second_open_one_is_refused(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    other = create_institution(session)
    session.commit()
    sign_in(client, session, j.learner)
    r = client.post(
        "/plar/request", data={"institution_id": other.id, "program_id": j.catalogue.certificate_id}
    )
    assert r.status_code == 422
    assert "consent" in r.text
    request_certificate(client, j)
    again = client.post(
        "/plar/request", data={"institution_id": j.institution.id, "program_id": j.catalogue.certificate_id}
    )
    assert again.status_code == 409
    assert "already have an open request toward Certificate in Welding" in again.text
    assert _count(session, RecognitionCase) == 1


def _upload(client: TestClient, case_id: str, uri: str, name: str, content: bytes) -> Any:
    return client.post(
        f"/plar/cases/{case_id}/evidence/upload",
        data={"competency_uri": uri, "description": "Employer letter"},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def test_a_learner_links_portfolio_documents_and_uploads_new_ones_to_a_competency(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    weld, blueprint = j.catalogue.uris["MC-WLD"], j.catalogue.uris["MC-BPR"]
    assert (
        client.post(
            "/plar/evidence",
            files={"file": ("cv.txt", b"Welder for eight years at Acier Nord.", "text/plain")},
            follow_redirects=False,
        ).status_code
        == 303
    )
    [doc] = session.scalars(select(EvidenceDocument).where(EvidenceDocument.learner_user_id == j.learner.id))
    page = client.get(f"/plar/cases/{case_id}")
    assert 'data-testid="link-evidence-form"' in page.text
    r = client.post(
        f"/plar/cases/{case_id}/evidence",
        data={"competency_uri": weld, "evidence_ids": [doc.id]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = _upload(client, case_id, blueprint, "letter.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    assert r.status_code == 303
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    linked = {c.competency_uri: len(c.evidence_ids) for c in case.competencies}
    assert linked[weld] == 1
    assert linked[blueprint] == 1
    page = client.get(f"/plar/cases/{case_id}")
    assert page.text.count('data-testid="linked-document"') == 2
    assert "letter.pdf" in page.text


def test_a_refused_evidence_upload_or_link_saves_neither_the_document_nor_the_link(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    weld = j.catalogue.uris["MC-WLD"]
    bad = _upload(client, case_id, weld, "cv.docx", b"plain text pretending to be Word")
    assert bad.status_code == 422
    assert "unreadable" in bad.text.lower() or "docx" in bad.text.lower()
    unknown = _upload(client, case_id, "urn:not-in-case", "ok.txt", b"A real letter.")
    assert unknown.status_code == 422
    assert "no competency" in unknown.text
    assert _count(session, EvidenceDocument) == 0
    none = client.post(f"/plar/cases/{case_id}/evidence", data={"competency_uri": weld})
    assert none.status_code == 422
    assert "choose at least one document" in none.text
    foreign = client.post(
        f"/plar/cases/{case_id}/evidence", data={"competency_uri": weld, "evidence_ids": "someone-elses"}
    )
    assert foreign.status_code == 422
    assert "not in your portfolio" in foreign.text
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert all(c.evidence_ids == [] for c in case.competencies)


def test_another_learner_cannot_touch_my_case(client: TestClient, session: Session) -> None:
    j = make_journey(session)
    intruder = create_user(session, Role.LEARNER, institution=j.institution)
    session.commit()
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    sign_in(client, session, intruder)
    assert client.get(f"/plar/cases/{case_id}").status_code == 404
    r = _upload(client, case_id, j.catalogue.uris["MC-WLD"], "a.txt", b"Mine now.")
    assert r.status_code == 404
    assert _count(session, EvidenceDocument) == 0


def _to_assessment(session: Session, j: Journey, case_id: str) -> None:
    """Advisor and learner take the case to assessment through the services."""
    from bridgeway.plar import schemas
    from bridgeway.plar.service import portfolio

    p = accounts_service.principal_for
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    cases.decide_eligibility(session, actor=p(j.advisor), case_id=case_id, eligible=True)
    for c in case.competencies:
        portfolio.rate(
            session,
            actor=p(j.learner),
            data=schemas.SelfAssessmentIn(competency_uri=c.competency_uri, label=c.label, rating=3),
        )
    cases.submit_self_assessment(session, actor=p(j.learner), case_id=case_id)
    cases.choose_methods(
        session,
        actor=p(j.advisor),
        case_id=case_id,
        data=schemas.MethodsIn.model_validate(
            {
                "assessor_user_id": j.assessor.id,
                "methods": [
                    {"competency_uri": c.competency_uri, "method": "portfolio"} for c in case.competencies
                ],
            }
        ),
    )
    cases.record_fee(session, actor=p(j.advisor), case_id=case_id, amount_cents=25_000)
    session.commit()


def test_the_learner_answers_an_evidence_request_and_the_case_goes_back_to_the_assessor(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    _to_assessment(session, j, case_id)
    sign_in(client, session, j.assessor)
    asked = client.post(
        f"/plar/cases/{case_id}/steps",
        data={"action": "request_evidence", "reason": "A supervisor's letter about your TIG welding."},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    sign_in(client, session, j.learner)
    page = client.get(f"/plar/cases/{case_id}")
    assert 'data-testid="evidence-request"' in page.text
    assert "A supervisor&#39;s letter about your TIG welding." in page.text
    assert "Your turn." in page.text
    r = _upload(client, case_id, j.catalogue.uris["MC-WLD"], "letter.txt", b"She TIG welds to CWB standard.")
    assert r.status_code == 303
    sent = client.post(
        f"/plar/cases/{case_id}/steps", data={"action": "provide_evidence"}, follow_redirects=False
    )
    assert sent.status_code == 303
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert case.state == "assessment"


def _decide(client: TestClient, case_id: str, uri: str, result: str, reasons: str) -> None:
    rules = {f"rule_{r}": "on" for r in ("valid", "sufficient", "authentic", "current")}
    data = {
        "competency_uri": uri,
        "result": result,
        "reasons": reasons,
        **(rules if result == "recognised" else {}),
    }
    r = client.post(f"/plar/cases/{case_id}/decisions", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_at_the_outcome_the_learner_sees_decisions_credit_credentials_and_gaps_handed_to_planning(
    client: TestClient, session: Session, settings: Settings
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    _to_assessment(session, j, case_id)
    uris = j.catalogue.uris
    sign_in(client, session, j.assessor)
    _decide(client, case_id, uris["MC-WLD"], "recognised", "Eight years of MIG and TIG welding, CWB tickets.")
    _decide(client, case_id, uris["MC-BPR"], "recognised", "Read three shop drawings without error.")
    _decide(client, case_id, uris["MC-SAF"], "not_yet", "No WHMIS training or safety records yet.")
    done = client.post(
        f"/plar/cases/{case_id}/steps", data={"action": "complete_assessment"}, follow_redirects=False
    )
    assert done.status_code == 303
    sign_in(client, session, j.learner)
    page = client.get(f"/plar/cases/{case_id}").text
    assert "No WHMIS training or safety records yet." in page
    assert "2 of 3 competencies recognised." in page
    granted = re.search(r'data-testid="granted-credits">([^<]+)<', page)
    assert granted is not None
    assert "6.0 of 12.0 credits granted" in granted.group(1)
    assert (
        page.count('data-granted="yes"') == 2
    )  # MC-WLD and MC-BPR (3 each, the 50 % cap), not MC-SAF nor MFG-110
    issued = re.findall(r'data-testid="plar-credential" data-credential-id="([^"]+)"', page)
    assert len(issued) == 2
    for credential_id in issued:
        credential = credentials_service.get(session, credential_id=credential_id)
        assert credential.learner_user_id == j.learner.id
        assert credential.kind == "plar"
    assert 'href="/wallet"' in page
    gaps = re.findall(r'data-testid="gap">([^<]+)<', page)
    assert [g.strip() for g in gaps] == ["apply health and safety standards"]
    assert "taught in</small>" not in page
    assert "MC-SAF Apply Health And Safety Standards</small>" in page
    assert 'action="/planning/gaps"' in page
    assert 'name="target"' in page
    assert 'name="taxonomy"' in page
    # the hand-off lands on planning's gap page, which now counts the recognised competencies as evidence
    milling_machine_operator = (
        "http%3A%2F%2Fdata.europa.eu%2Fesco%2Foccupation%2Fa1c9f8b7-c4ce-4b15-ac3c-3378c300d8f2"
    )
    handed = client.get(f"/planning/gaps?target={milling_machine_operator}&taxonomy=esco")
    if (data_dir() / "esco-1.1.1").is_dir():
        assert handed.status_code == 200, handed.text[-500:]
    else:  # without the official data the page says so plainly
        assert 400 <= handed.status_code < 500
        assert "not available" in handed.text
    csv = client.get(f"/api/v1/plar/cases/{case_id}/credit.csv")
    assert csv.status_code == 200
    assert "MC-WLD" in csv.text


def test_an_appeal_needs_grounds_and_then_waits_on_a_second_assessor(
    client: TestClient, session: Session
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    _to_assessment(session, j, case_id)
    sign_in(client, session, j.assessor)
    for uri in j.catalogue.uris.values():
        _decide(client, case_id, uri, "not_yet", "The portfolio shows no evidence for this yet.")
    client.post(f"/plar/cases/{case_id}/steps", data={"action": "complete_assessment"})
    sign_in(client, session, j.learner)
    page = client.get(f"/plar/cases/{case_id}").text
    assert 'data-testid="appeal-form"' in page
    assert "No competency was recognised in full" in page
    refused = client.post(f"/plar/cases/{case_id}/steps", data={"action": "appeal", "reason": "  "})
    assert refused.status_code == 422
    assert "needs a written reason" in refused.text
    assert session.get(RecognitionCase, case_id).state == "outcome"  # type: ignore[union-attr]
    ok = client.post(
        f"/plar/cases/{case_id}/steps",
        data={"action": "appeal", "reason": "My CWB tickets were not looked at."},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert case.state == "appealed"
    assert "a second assessor" in client.get("/plar").text


def test_an_advisor_issues_credentials_a_case_decided_through_the_api_still_lacks(
    client: TestClient, session: Session, settings: Settings
) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    _to_assessment(session, j, case_id)
    from bridgeway.plar import schemas

    p = accounts_service.principal_for(j.assessor)
    all_met = dict.fromkeys(("valid", "sufficient", "authentic", "current"), True)
    for uri in j.catalogue.uris.values():
        cases.decide(
            session,
            actor=p,
            case_id=case_id,
            data=schemas.DecisionIn(
                competency_uri=uri, result="recognised", reasons="Shown at work for years.", rules=all_met
            ),
        )
    cases.complete_assessment(session, actor=p, case_id=case_id)
    session.commit()
    sign_in(client, session, j.advisor)
    page = client.get(f"/plar/cases/{case_id}")
    assert 'data-testid="issue-credentials"' in page.text
    assert client.post(f"/plar/cases/{case_id}/credentials", follow_redirects=False).status_code == 303
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert all(c.credential_id for c in case.competencies)
    assert 'data-testid="issue-credentials"' not in client.get(f"/plar/cases/{case_id}").text
    outcomes.issue_credentials(
        session, settings=settings, actor=accounts_service.principal_for(j.advisor), case_id=case_id
    )
    assert all(c.credential_id for c in case.competencies)


def test_the_learners_case_pages_read_in_french(client: TestClient, session: Session) -> None:
    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    fr = {"Accept-Language": "fr-CA,fr;q=0.9"}
    assert "Demander la reconnaissance" in client.get("/plar/request", headers=fr).text
    page = client.get(f"/plar/cases/{case_id}", headers=fr).text
    assert "Mes preuves pour chaque compétence" in page
    assert "Un·e conseiller·ère vérifie votre admissibilité." in page


TEMPLATES = sorted(
    (Path(__file__).resolve().parents[2] / "src" / "bridgeway" / "plar" / "templates" / "plar").glob("*.html")
)
LITERAL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_string_of_the_plar_templates_has_its_french(template: Path) -> None:
    strings = {a or b for a, b in LITERAL.findall(template.read_text(encoding="utf-8"))}
    missing = sorted(s for s in strings if s not in catalogue_fr())
    assert not missing, f"{template.name} lacks French for: {missing}"


def test_every_message_the_learner_may_read_on_a_case_has_its_french() -> None:
    from bridgeway.plar import case_views
    from bridgeway.plar.pages import STATE_LABELS, WAITING_LABELS

    texts = [*case_views.NEXT_FOR_LEARNER.values(), *STATE_LABELS.values(), *WAITING_LABELS.values()]
    assert not sorted(t for t in texts if t not in catalogue_fr())


def test_when_credentials_cannot_be_issued_yet_the_decisions_still_stand_and_the_assessor_is_told(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bridgeway.kit.errors import Conflict

    def no_signing_key(*args: object, **kwargs: object) -> None:
        raise Conflict("the institution has no signing key yet")

    j = make_journey(session)
    sign_in(client, session, j.learner)
    case_id = request_certificate(client, j)
    _to_assessment(session, j, case_id)
    monkeypatch.setattr(outcomes, "settle", no_signing_key)
    sign_in(client, session, j.assessor)
    for uri in j.catalogue.uris.values():
        _decide(client, case_id, uri, "recognised", "Shown at work for eight years.")
    r = client.post(f"/plar/cases/{case_id}/steps", data={"action": "complete_assessment"})
    assert r.status_code == 200
    assert "the credentials could not be issued yet: the institution has no signing key yet" in r.text
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    assert case.state == "outcome"
    assert not any(c.credential_id for c in case.competencies)
