"""A learner's consent decides who sees their portfolio and profile."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.kit.errors import InvalidInput
from tests.factories.accounts import bearer, create_employer, create_institution, create_user, principal_of
from tests.factories.web import sign_in


def test_nobody_but_the_learner_sees_their_records_without_consent(session: Session) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    assert accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(learner))
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(advisor))
    with pytest.raises(errors.ConsentRequired):
        accounts_service.require_consent(session, learner_id=learner.id, viewer=principal_of(advisor))


def test_consent_to_an_institution_covers_its_staff_and_nobody_elses(session: Session) -> None:
    institution, other = create_institution(session), create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    assessor = create_user(session, Role.ASSESSOR, institution=institution)
    fellow_learner = create_user(session, Role.LEARNER, institution=institution)
    outsider = create_user(session, Role.ASSESSOR, institution=other)
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="institution", grantee_id=institution.id
    )
    assert accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(assessor))
    assert not accounts_service.has_consent(
        session, learner_id=learner.id, viewer=principal_of(fellow_learner)
    )
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(outsider))


def test_consent_to_one_advisor_covers_that_advisor_only(session: Session) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    chosen = create_user(session, Role.ADVISOR, institution=institution)
    colleague = create_user(session, Role.ADVISOR, institution=institution)
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=chosen.id
    )
    assert accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(chosen))
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(colleague))
    assert accounts_service.consenting_learner_ids(session, viewer=principal_of(chosen)) == {learner.id}


def test_consent_to_an_employer_covers_its_employer_users(session: Session) -> None:
    employer, rival = create_employer(session), create_employer(session)
    learner = create_user(session, Role.LEARNER)
    hiring = create_user(session, Role.EMPLOYER, employer=employer)
    competitor = create_user(session, Role.EMPLOYER, employer=rival)
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="employer", grantee_id=employer.id
    )
    assert accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(hiring))
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(competitor))


def test_withdrawing_consent_takes_effect_at_once_and_is_audited(session: Session) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    consent = accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="advisor", grantee_id=advisor.id
    )
    accounts_service.withdraw_consent(session, actor=principal_of(learner), consent_id=consent.id)
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(advisor))
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    events, _ = accounts_service.list_audit(session, actor=principal_of(admin), entity_id=consent.id)
    assert [e.action for e in events] == ["consent.withdrawn", "consent.granted"]


def test_granting_twice_keeps_one_consent(session: Session) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    first = accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="institution", grantee_id=institution.id
    )
    second = accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="institution", grantee_id=institution.id
    )
    assert first.id == second.id
    assert len(accounts_service.list_consents(session, learner_id=learner.id)) == 1


def test_consent_cannot_go_to_a_learner_or_to_nobody(session: Session) -> None:
    learner, other_learner = create_user(session), create_user(session)
    with pytest.raises(InvalidInput):
        accounts_service.grant_consent(
            session, actor=principal_of(learner), grantee_kind="advisor", grantee_id=other_learner.id
        )
    with pytest.raises(InvalidInput):
        accounts_service.grant_consent(
            session, actor=principal_of(learner), grantee_kind="institution", grantee_id="no-such-id"
        )
    with pytest.raises(InvalidInput):
        accounts_service.grant_consent(
            session, actor=principal_of(learner), grantee_kind="everyone", grantee_id="x"
        )


def test_a_learner_cannot_withdraw_another_learners_consent(session: Session) -> None:
    institution = create_institution(session)
    learner, other = (
        create_user(session, institution=institution),
        create_user(session, institution=institution),
    )
    consent = accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind="institution", grantee_id=institution.id
    )
    with pytest.raises(errors.UnknownConsent):
        accounts_service.withdraw_consent(session, actor=principal_of(other), consent_id=consent.id)


def test_the_consent_api_grants_lists_and_withdraws(client: TestClient, session: Session) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    auth = bearer(session, learner)
    granted = client.post(
        "/api/v1/me/consents",
        json={"grantee_kind": "institution", "grantee_id": institution.id},
        headers=auth,
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["grantee_name"] == institution.name
    listed = client.get("/api/v1/me/consents", headers=auth).json()
    assert [c["active"] for c in listed] == [True]
    assert client.delete(f"/api/v1/me/consents/{granted.json()['id']}", headers=auth).status_code == 204
    assert [c["active"] for c in client.get("/api/v1/me/consents", headers=auth).json()] == [False]


def test_the_consent_page_shows_grants_and_withdraws(client: TestClient, session: Session) -> None:
    institution = create_institution(session, name="Prairie Polytechnic")
    learner = create_user(session, Role.LEARNER, institution=institution)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    sign_in(client, session, learner)
    assert 'data-testid="no-consent"' in client.get("/account/consents").text
    response = client.post(
        "/account/consents",
        data={"grantee_kind": "advisor", "advisor_email": advisor.email},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/account/consents")
    assert advisor.display_name in page.text
    consent = accounts_service.list_consents(session, learner_id=learner.id)[0]
    client.post(f"/account/consents/{consent.id}/withdraw")
    assert not accounts_service.has_consent(session, learner_id=learner.id, viewer=principal_of(advisor))
    refused = client.post(
        "/account/consents", data={"grantee_kind": "advisor", "advisor_email": "nobody@x.example"}
    )
    assert refused.status_code == 422
    assert "no staff member with that e-mail" in refused.text


def test_the_consent_page_is_in_french_for_french_speakers(client: TestClient, session: Session) -> None:
    sign_in(client, session, create_user(session, Role.LEARNER))
    page = client.get("/account/consents?lang=fr")
    assert "Qui peut voir votre portfolio et votre profil" in page.text
