"""Verifiable credentials in the portfolio: checked on upload, refused with a reason, re-checked when read."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import User
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.plar import credential_rules as rules
from bridgeway.plar import errors
from bridgeway.plar.models import EvidenceDocument, PortfolioCredential
from bridgeway.plar.service import credentials, portfolio
from bridgeway.web.i18n import catalogue_fr
from tests.factories.accounts import bearer, create_user, principal_of
from tests.factories.credentials import institution_and_learner, issue_credential
from tests.factories.web import sign_in

P = "/api/v1/plar"
ESCO_WELD = "http://data.europa.eu/esco/skill/0d0d2e7b-2d59-4d02-8b5f-2a3f6f5a8f9b"
WEB_DID = "did:web:badges.elsewhere.example"
STATUS_URL = "https://badges.elsewhere.example/status/1"


def foreign_credential(
    learner: User | None,
    *,
    keypair: vc.Ed25519KeyPair | None = None,
    issuer: str | None = None,
    method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    valid_until: datetime | None = None,
    status_index: int | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """A signed Open Badge from another college, aligned to an ESCO skill and an OaSIS descriptor."""
    keypair = keypair or vc.generate_ed25519_keypair()
    issuer = issuer or keypair.did_key
    achievement = vc.Achievement(
        id="https://elsewhere.example/achievements/mig-welding",
        name="MIG welding of structural steel",
        description="Welds structural steel with GMAW in flat and horizontal positions.",
        criteria_narrative="Passes a practical test and a bend test.",
        alignment=[
            vc.Alignment(
                target_name="weld metal pieces",
                target_url=ESCO_WELD,
                target_type="ext:ESCOSkill",
                target_framework="ESCO 1.1.1",
            ),
            vc.Alignment(
                target_name="Welding",
                target_url="https://noc.esdc.gc.ca/OaSIS",
                target_type="ext:OaSISDescriptor",
                target_code="skills:Welding",
                target_framework="OaSIS 2023",
            ),
        ],
    )
    subject = vc.AchievementSubject(
        achievement=achievement,
        identifier=vc.IdentityObject.hashed_email(email or (learner.email if learner else "x@example.org")),
    )
    status = (
        vc.status_entry(list_credential_url=STATUS_URL, index=status_index)
        if status_index is not None
        else None
    )
    document = vc.build_open_badge_credential(
        issuer=vc.Profile(id=issuer, name="Elsewhere College"),
        subject=subject,
        valid_from=datetime(2024, 5, 1, tzinfo=UTC),
        valid_until=valid_until,
        credential_status=status,
    )
    return vc.sign_credential(
        document,
        private_key=keypair.private_key,
        verification_method=method or keypair.did_key_verification_method,
        cryptosuite=cryptosuite,
    )


class WebIssuer:
    """Another college publishing its did:web document and a revocation list over (mocked) HTTPS."""

    def __init__(self) -> None:
        self.keypair = vc.generate_ed25519_keypair()
        self.status = vc.StatusList.new()
        self.requests: list[str] = []

    def credential(self, learner: User, index: int = 7) -> dict[str, Any]:
        return foreign_credential(
            learner, keypair=self.keypair, issuer=WEB_DID, method=f"{WEB_DID}#key-1", status_index=index
        )

    def _status_credential(self) -> dict[str, Any]:
        unsigned = vc.build_status_list_credential(
            url=STATUS_URL, issuer=WEB_DID, status_list=self.status, valid_from=datetime.now(UTC)
        )
        return vc.sign_credential(
            unsigned, private_key=self.keypair.private_key, verification_method=f"{WEB_DID}#key-1"
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        if url == "https://badges.elsewhere.example/.well-known/did.json":
            return httpx.Response(
                200, json=vc.did_web_document(WEB_DID, [("key-1", self.keypair.public_key)])
            )
        if url == STATUS_URL:
            return httpx.Response(200, json=self._status_credential())
        return httpx.Response(404)

    def fetcher(self, host: str = "badges.elsewhere.example") -> HttpFetcher:
        return HttpFetcher(
            [host], transport=httpx.MockTransport(self.handler), resolve=lambda h, p: ["93.184.216.34"]
        )


def _count(session: Session, model: type[Any], learner: User) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.learner_user_id == learner.id))
        or 0
    )


# --- pure rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alignment", "expected"),
    [
        (
            {"url": ESCO_WELD.replace("http:", "https:"), "code": None, "type_": None, "framework": None},
            (ESCO_WELD, "esco"),
        ),
        (
            {"url": None, "code": "oasis:skills:Welding", "type_": None, "framework": None},
            ("oasis:skills:Welding", "oasis"),
        ),
        (
            {"url": "https://x", "code": "skills:Welding", "type_": "ext:OaSISDescriptor", "framework": None},
            ("oasis:skills:Welding", "oasis"),
        ),
        ({"url": "https://x", "code": "72106", "type_": "ext:NOC", "framework": None}, ("noc:72106", "noc")),
        (
            {"url": "https://x", "code": "2.A.1.a", "type_": None, "framework": "O*NET 29.0"},
            ("onet:2.A.1.a", "onet"),
        ),
        (
            {
                "url": "https://college.example/c/7",
                "code": "C7",
                "type_": "ext:InstitutionCompetency",
                "framework": "InnoCert",
            },
            ("https://college.example/c/7", "other"),
        ),
    ],
)
def test_each_alignment_maps_to_the_competency_id_planning_uses(
    alignment: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert rules.competency_id(**alignment) == expected


def test_the_recipient_is_matched_by_hashed_email_or_did_and_someone_else_is_told_apart() -> None:
    mine = foreign_credential(None, email="Ana.Lopez@Example.org")
    assert rules.recipient_matches(mine, email="ana.lopez@example.org", did=None) is True
    assert rules.recipient_matches(mine, email="someone@example.org", did=None) is False
    anonymous = {"credentialSubject": {"type": ["AchievementSubject"]}}
    assert rules.recipient_matches(anonymous, email="ana.lopez@example.org", did=None) is None
    by_did = {"credentialSubject": {"id": "did:key:z6MkAna"}}
    assert rules.recipient_matches(by_did, email=None, did="did:key:z6MkAna") is True
    assert rules.counts("valid", True)
    assert not rules.counts("valid", False)
    assert not rules.counts("revoked", True)


# --- upload through the API -----------------------------------------------------------------------------------


def test_a_learner_adds_another_colleges_did_key_badge_and_sees_issuer_achievement_and_alignments(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    badge = foreign_credential(learner)
    r = client.post(f"{P}/portfolio/credentials", headers=h, json=badge)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["outcome"] == "valid"
    assert got["counts_as_verified"] is True
    assert got["issuer_name"] == "Elsewhere College"
    assert got["issuer_id"].startswith("did:key:")
    assert got["achievement_name"] == "MIG welding of structural steel"
    assert [(a["competency_id"], a["taxonomy"]) for a in got["alignments"]] == [
        (ESCO_WELD, "esco"),
        ("oasis:skills:Welding", "oasis"),
    ]
    words = {c["name"]: c["words"] for c in got["checks"]}
    assert words["signature"] == "The signature matches: nothing was changed."
    assert words["recipient"].startswith("The credential names you")
    # stored as a content-addressed evidence document, listed in the portfolio
    doc = session.get(EvidenceDocument, got["evidence_id"])
    assert doc is not None
    assert doc.media_type == credentials.MEDIA_TYPE
    assert json.loads((settings.evidence_dir / doc.sha256[:2] / doc.sha256).read_bytes()) == badge
    listed = client.get(f"{P}/portfolio", headers=h).json()
    assert [c["id"] for c in listed["credentials"]] == [got["id"]]


def test_a_jcs_signed_vc_pasted_in_a_vc_api_body_or_uploaded_as_a_file_is_accepted(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    jcs = foreign_credential(learner, cryptosuite="eddsa-jcs-2022")
    r = client.post(f"{P}/portfolio/credentials", headers=h, json={"credential": jcs})
    assert r.status_code == 201, r.text
    other = foreign_credential(learner)
    r = client.post(
        f"{P}/portfolio/credentials",
        headers=h,
        files={"file": ("badge.json", json.dumps(other).encode(), "application/json")},
    )
    assert r.status_code == 201, r.text
    assert _count(session, PortfolioCredential, learner) == 2


@pytest.mark.parametrize(
    ("mangle", "outcome", "why"),
    [
        (lambda d: json.dumps(d)[:-5], "malformed", "not readable JSON"),
        (lambda d: '{"a": 1, "a": 2}', "malformed", "duplicate"),
        (lambda d: "   ", "malformed", "empty"),
        (lambda d: "[1, 2]", "malformed", "JSON object"),
        (lambda d: json.dumps({**d, "name": "Master welder"}), "tampered", "refused"),
        (
            lambda d: json.dumps(
                {"@context": ["https://example.org/evil"], "type": ["VerifiableCredential"]}
            ),
            "malformed",
            "refused",
        ),
        (
            lambda d: json.dumps({"type": ["VerifiablePresentation"], "@context": []}),
            "malformed",
            "presentation",
        ),
    ],
)
def test_malformed_and_tampered_credentials_are_refused_with_the_reason_and_nothing_is_saved(
    client: TestClient, session: Session, settings: Settings, mangle: Any, outcome: str, why: str
) -> None:
    learner = create_user(session, Role.LEARNER)
    body = mangle(foreign_credential(learner))
    r = client.post(
        f"{P}/portfolio/credentials",
        headers={**bearer(session, learner), "Content-Type": "application/json"},
        content=body.encode(),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "credential_refused"
    assert r.json()["detail"]["outcome"] == outcome
    assert why in r.json()["message"]
    assert _count(session, PortfolioCredential, learner) == 0
    assert _count(session, EvidenceDocument, learner) == 0
    assert not settings.evidence_dir.exists() or not any(settings.evidence_dir.rglob("*"))


def test_an_unknown_key_and_an_expired_credential_are_refused_with_each_check_in_words(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    real, stranger = vc.generate_ed25519_keypair(), vc.generate_ed25519_keypair()
    forged = foreign_credential(
        learner, keypair=stranger, issuer=real.did_key, method=real.did_key_verification_method
    )
    r = client.post(f"{P}/portfolio/credentials", headers=h, json=forged)
    assert r.status_code == 422
    assert r.json()["detail"]["outcome"] in ("unknown_issuer", "tampered")
    expired = foreign_credential(learner, valid_until=datetime(2024, 6, 1, tzinfo=UTC))
    r = client.post(f"{P}/portfolio/credentials", headers=h, json=expired)
    assert r.status_code == 422
    assert r.json()["detail"]["outcome"] == "expired"
    failed = [c for c in r.json()["detail"]["checks"] if not c["passed"]]
    assert failed
    assert failed[0]["name"] == "validity"
    assert failed[0]["words"]


def test_an_oversized_credential_is_refused_with_413(client: TestClient, session: Session) -> None:
    learner = create_user(session, Role.LEARNER)
    r = client.post(
        f"{P}/portfolio/credentials",
        headers=bearer(session, learner),
        files={"file": ("big.json", b" " * (credentials.MAX_CREDENTIAL_BYTES + 1), "application/json")},
    )
    assert r.status_code == 413
    assert r.json()["error"] == "evidence_too_large"


def test_a_multipart_request_without_a_credential_is_refused(client: TestClient, session: Session) -> None:
    learner = create_user(session, Role.LEARNER)
    r = client.post(
        f"{P}/portfolio/credentials", headers=bearer(session, learner), data={"something": "else"}, files={}
    )
    assert r.status_code == 422


def test_the_same_credential_twice_is_a_conflict(client: TestClient, session: Session) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    badge = foreign_credential(learner)
    assert client.post(f"{P}/portfolio/credentials", headers=h, json=badge).status_code == 201
    again = client.post(
        f"{P}/portfolio/credentials", headers=h, json={"credential": json.dumps(badge, indent=1)}
    )
    assert again.status_code == 409
    assert again.json()["error"] == "credential_already_in_portfolio"


# --- other issuers over did:web, status lists, re-checks -------------------------------------------------------


def test_a_did_web_credential_is_verified_through_the_allow_listed_fetcher_and_revocation_is_seen_later(
    session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    actor = principal_of(learner)
    college = WebIssuer()
    row = credentials.add(
        session,
        settings=settings,
        actor=actor,
        content=json.dumps(college.credential(learner)).encode(),
        http=college.fetcher(),
    )
    assert row.outcome == "valid"
    assert college.requests == [
        "https://badges.elsewhere.example/.well-known/did.json",
        STATUS_URL,
    ]
    college.status.set(7)  # the college revokes it after the upload
    read = portfolio.get(
        session, viewer=actor, learner_id=learner.id, settings=settings, http=college.fetcher()
    )
    assert read.credentials[0].outcome == "revoked"
    assert read.credentials[0].outcome_changed_at is not None
    assert not read.credentials[0].counts_as_verified
    assert "The issuer has revoked this credential." in [c.words for c in read.credentials[0].checks]
    assert credentials.verified_credential_competencies(session, learner_id=learner.id) == []


def test_a_host_off_the_allow_list_is_never_fetched_and_the_credential_is_refused(
    session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    college = WebIssuer()
    with pytest.raises(errors.CredentialRefused) as exc:
        credentials.add(
            session,
            settings=settings,
            actor=principal_of(learner),
            content=json.dumps(college.credential(learner)).encode(),
            http=college.fetcher(host="other.example.org"),
        )
    assert exc.value.detail["outcome"] == "unknown_issuer"
    assert college.requests == []


def test_a_status_list_that_cannot_be_read_is_recorded_and_does_not_count(
    session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    college = WebIssuer()
    original = college.handler
    college.handler = lambda request: (  # type: ignore[method-assign]
        httpx.Response(503) if str(request.url) == STATUS_URL else original(request)
    )
    row = credentials.add(
        session,
        settings=settings,
        actor=principal_of(learner),
        content=json.dumps(college.credential(learner)).encode(),
        http=college.fetcher(),
    )
    assert row.outcome == "status_unavailable"
    assert credentials.verified_credential_competencies(session, learner_id=learner.id) == []


def test_bridgeways_own_credential_is_accepted_and_its_later_revocation_shows_on_the_next_read(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issued = issue_credential(session, settings, institution=institution, learner=learner)
    h = bearer(session, learner)
    r = client.post(f"{P}/portfolio/credentials", headers=h, json=issued.document)
    assert r.status_code == 201, r.text
    assert r.json()["issued_by_bridgeway_id"] == issued.id
    assert r.json()["counts_as_verified"] is True
    credentials_service.revoke(
        session, settings=settings, credential_id=issued.id, reason="Issued in error", actor=None
    )
    session.commit()
    got = client.get(f"{P}/portfolio", headers=h).json()
    assert got["credentials"][0]["outcome"] == "revoked"
    assert got["issued_credentials"][0]["status"] == "revoked"


def test_a_suspended_credential_is_recorded_and_counts_again_once_reinstated(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issued = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.suspend(
        session, settings=settings, credential_id=issued.id, reason="Review", actor=None
    )
    actor = principal_of(learner)
    row = credentials.add(
        session, settings=settings, actor=actor, content=json.dumps(issued.document).encode()
    )
    assert row.outcome == "suspended"
    assert not credentials.read(row).counts_as_verified
    credentials_service.unsuspend(
        session, settings=settings, credential_id=issued.id, reason="Done", actor=None
    )
    read = portfolio.get(session, viewer=actor, learner_id=learner.id, settings=settings)
    assert read.credentials[0].outcome == "valid"


def test_a_credential_naming_someone_else_is_kept_for_an_assessor_but_does_not_count(
    session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    badge = foreign_credential(learner, email="somebody.else@example.org")
    row = credentials.add(
        session, settings=settings, actor=principal_of(learner), content=json.dumps(badge).encode()
    )
    assert row.outcome == "valid"
    assert row.recipient_match is False
    assert not credentials.read(row).counts_as_verified
    assert credentials.verified_credential_competencies(session, learner_id=learner.id) == []


def test_verified_credential_competencies_lists_valid_uploads_and_bridgeway_credentials_with_issuer_and_date(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issued = issue_credential(session, settings, institution=institution, learner=learner)
    credentials.add(
        session,
        settings=settings,
        actor=principal_of(learner),
        content=json.dumps(foreign_credential(learner)).encode(),
    )
    found = {
        v.competency_id: v
        for v in credentials.verified_credential_competencies(session, learner_id=learner.id)
    }
    assert set(found) == {ESCO_WELD, "oasis:skills:Welding"}
    # the ESCO skill is in both; the most recent award is kept (ours, issued today)
    assert found[ESCO_WELD].credential == f"issued:{issued.id}"
    assert found[ESCO_WELD].issuer_name == institution.name
    assert found["oasis:skills:Welding"].issuer_name == "Elsewhere College"
    assert found["oasis:skills:Welding"].awarded_on is not None
    assert found["oasis:skills:Welding"].awarded_on.isoformat() == "2024-05-01"
    assert all(v.evidence == "verified_credential" for v in found.values())
    later = datetime.now(UTC) + timedelta(days=1)
    credentials_service.revoke(
        session, settings=settings, credential_id=issued.id, reason="Error", actor=None
    )
    found = {
        v.competency_id: v
        for v in credentials.verified_credential_competencies(session, learner_id=learner.id, now=later)
    }
    assert found[ESCO_WELD].credential.startswith("portfolio:")


# --- removal, consent, pages ------------------------------------------------------------------------------------


def test_removing_a_credential_removes_its_document_and_the_file_once_committed(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    got = client.post(f"{P}/portfolio/credentials", headers=h, json=foreign_credential(learner)).json()
    doc = session.get(EvidenceDocument, got["evidence_id"])
    assert doc is not None
    path = settings.evidence_dir / doc.sha256[:2] / doc.sha256
    assert path.is_file()
    assert client.delete(f"{P}/portfolio/credentials/{got['id']}", headers=h).status_code == 204
    session.commit()
    assert _count(session, PortfolioCredential, learner) == 0
    assert _count(session, EvidenceDocument, learner) == 0
    assert not path.exists()


def test_removing_the_credentials_evidence_document_removes_the_credential_too(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    got = client.post(f"{P}/portfolio/credentials", headers=h, json=foreign_credential(learner)).json()
    assert client.delete(f"{P}/portfolio/evidence/{got['evidence_id']}", headers=h).status_code == 204
    assert _count(session, PortfolioCredential, learner) == 0


def test_staff_see_the_credentials_only_with_consent(client: TestClient, session: Session) -> None:
    institution, learner = institution_and_learner(session)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    client.post(
        f"{P}/portfolio/credentials", headers=bearer(session, learner), json=foreign_credential(learner)
    )
    r = client.get(f"{P}/learners/{learner.id}/portfolio", headers=bearer(session, advisor))
    assert r.status_code == 403


def test_the_portfolio_page_adds_a_pasted_credential_and_shows_each_check_in_french(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    sign_in(client, session, learner)
    r = client.post(
        "/plar/credentials",
        data={"credential": json.dumps(foreign_credential(learner))},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get("/plar?lang=fr")
    assert page.status_code == 200
    section = page.text[page.text.index('data-testid="plar-credentials"') :]
    assert "MIG welding of structural steel" in section
    assert "Elsewhere College" in section
    assert "weld metal pieces" in section
    assert ESCO_WELD in section
    assert "La signature correspond" in section
    assert "Titres vérifiables" in section


def test_the_portfolio_page_shows_why_a_tampered_credential_was_refused(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    sign_in(client, session, learner)
    tampered = copy.deepcopy(foreign_credential(learner))
    tampered["name"] = "Master welder"
    r = client.post("/plar/credentials", data={"credential": json.dumps(tampered)})
    assert r.status_code == 422
    assert 'data-testid="credential-error"' in r.text
    assert "The signature does not match" in r.text
    assert _count(session, PortfolioCredential, learner) == 0


def test_the_page_refuses_an_empty_form_takes_a_file_and_removes_a_credential(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    sign_in(client, session, learner)
    r = client.post("/plar/credentials", data={"credential": ""})
    assert r.status_code == 422
    assert "empty" in r.text
    badge = json.dumps(foreign_credential(learner)).encode()
    r = client.post(
        "/plar/credentials",
        data={"credential": ""},
        files={"file": ("badge.json", badge, "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    again = client.post("/plar/credentials", files={"file": ("badge.json", badge, "application/json")})
    assert again.status_code == 409
    assert "already in your portfolio" in again.text
    entry = session.scalars(
        select(PortfolioCredential).where(PortfolioCredential.learner_user_id == learner.id)
    ).one()
    r = client.post(f"/plar/credentials/{entry.id}/delete", follow_redirects=False)
    assert r.status_code == 303
    assert _count(session, PortfolioCredential, learner) == 0


TEMPLATES = sorted(
    (Path(__file__).resolve().parents[2] / "src/bridgeway/plar/templates/plar").glob(
        "_portfolio_credentials*.html"
    )
)
LITERAL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_string_of_the_credentials_section_has_its_french(template: Path) -> None:
    strings = {a or b for a, b in LITERAL.findall(template.read_text(encoding="utf-8"))}
    missing = sorted(s for s in strings if s not in catalogue_fr())
    assert not missing, f"{template.name} lacks French for: {missing}"


def test_the_plain_words_of_every_check_and_outcome_have_their_french() -> None:
    words = [*credentials.RECIPIENT_WORDS.values()]
    assert not [w for w in words if w not in catalogue_fr()]
    assert TEMPLATES, "the credentials section templates exist"


def test_an_alignment_url_that_is_not_http_is_shown_as_text_not_as_a_link(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    keypair = vc.generate_ed25519_keypair()
    document = vc.build_open_badge_credential(
        issuer=vc.Profile(id=keypair.did_key, name="Odd Issuer"),
        subject=vc.AchievementSubject(
            achievement=vc.Achievement(
                id="https://odd.example/a/1",
                name="Odd badge",
                description="An alignment pointing at a script.",
                criteria_narrative="None.",
                alignment=[vc.Alignment(target_name="clickme", target_url="javascript:alert(1)")],
            ),
            identifier=vc.IdentityObject.hashed_email(learner.email),
        ),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )
    signed = vc.sign_credential(
        document, private_key=keypair.private_key, verification_method=keypair.did_key_verification_method
    )
    sign_in(client, session, learner)
    assert client.post("/plar/credentials", data={"credential": json.dumps(signed)}).status_code in (200, 303)
    page = client.get("/plar").text
    assert "clickme" in page
    assert 'href="javascript:' not in page
