"""The audit log: append-only in the ORM and in the database, readable by admins and registrars of one tenant."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent
from tests.factories.accounts import bearer, create_institution, create_user, principal_of
from tests.factories.web import sign_in


def _event(session: Session) -> AuditEvent:
    return accounts_service.record_audit(
        session, actor=None, action="test.happened", entity_type="thing", entity_id="t-1", after={"n": 1}
    )


def test_an_audit_event_cannot_be_changed_or_deleted_through_the_orm(session: Session) -> None:
    event = _event(session)
    event.action = "test.rewritten"
    with pytest.raises(errors.AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    event = _event(session)
    session.delete(event)
    with pytest.raises(errors.AuditLogIsAppendOnly):
        session.flush()


def test_bulk_updates_and_deletes_of_the_audit_log_are_refused(session: Session) -> None:
    _event(session)
    with pytest.raises(errors.AuditLogIsAppendOnly):
        session.execute(update(AuditEvent).values(note="x"))
    with pytest.raises(errors.AuditLogIsAppendOnly):
        session.execute(delete(AuditEvent))


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET note = 'x'", "DELETE FROM audit_event"])
def test_the_database_itself_refuses_to_change_the_audit_log(session: Session, statement: str) -> None:
    event = _event(session)
    with pytest.raises(DBAPIError, match="append-only"):
        with session.begin_nested():
            session.connection().exec_driver_sql(statement)
    session.expire_all()
    assert session.get(AuditEvent, event.id) is not None


def test_an_admin_reads_only_their_institutions_audit_log_page_by_page(
    client: TestClient, session: Session
) -> None:
    institution, other = create_institution(session), create_institution(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    for n in range(3):
        accounts_service.record_audit(
            session, actor=principal_of(admin), action="test.mine", entity_type="thing", entity_id=f"mine-{n}"
        )
    accounts_service.record_audit(
        session,
        actor=None,
        action="test.theirs",
        entity_type="thing",
        entity_id="theirs",
        institution_id=other.id,
    )
    auth = bearer(session, admin)
    first = client.get("/api/v1/audit?action=test.&limit=2", headers=auth).json()
    assert first["total"] == 3
    assert [e["entity_id"] for e in first["items"]] == ["mine-2", "mine-1"]
    second = client.get("/api/v1/audit?action=test.&limit=2&offset=2", headers=auth).json()
    assert [e["entity_id"] for e in second["items"]] == ["mine-0"]
    assert all(e["institution_id"] == institution.id for e in first["items"] + second["items"])


def test_a_registrar_reads_the_audit_log_and_an_assessor_may_not(
    client: TestClient, session: Session
) -> None:
    institution = create_institution(session)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    assessor = create_user(session, Role.ASSESSOR, institution=institution)
    assert client.get("/api/v1/audit", headers=bearer(session, registrar)).status_code == 200
    assert client.get("/api/v1/audit", headers=bearer(session, assessor)).status_code == 403


def test_every_accounts_change_leaves_an_audit_event(session: Session) -> None:
    institution = create_institution(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    actor = principal_of(admin)
    user, _ = accounts_service.add_institution_user(
        session, actor=actor, email="a@example.org", display_name="A", roles=[Role.LEARNER]
    )
    accounts_service.update_institution_user(
        session, actor=actor, user_id=user.id, roles=[Role.LEARNER, Role.ADVISOR]
    )
    accounts_service.update_institution_user(session, actor=actor, user_id=user.id, is_active=False)
    _secret, token = accounts_service.issue_api_token(
        session, user=admin, scopes=["catalog:read"], actor=actor
    )
    accounts_service.revoke_api_token(session, actor=actor, token_id=token.id)
    actions = {e.action for e in accounts_service.list_audit(session, actor=actor, limit=200)[0]}
    assert {
        "institution.created",
        "user.created",
        "user.roles_changed",
        "user.deactivated",
        "api_token.created",
        "api_token.revoked",
    } <= actions


def test_audit_events_never_hold_a_password_hash_or_token_secret(session: Session) -> None:
    institution = create_institution(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    secret, _token = accounts_service.issue_api_token(session, user=admin, scopes=["catalog:read"])
    for event in accounts_service.list_audit(session, actor=principal_of(admin), limit=200)[0]:
        text = repr(event.before) + repr(event.after)
        assert "argon2" not in text
        assert secret not in text


def test_the_audit_page_shows_before_and_after(client: TestClient, session: Session) -> None:
    institution = create_institution(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    user = create_user(session, Role.ADVISOR, institution=institution)
    accounts_service.update_institution_user(
        session, actor=principal_of(admin), user_id=user.id, display_name="Renamed Advisor"
    )
    sign_in(client, session, admin)
    page = client.get(f"/admin/audit?entity_id={user.id}")
    assert page.status_code == 200
    assert "user.updated" in page.text
    assert "Renamed Advisor" in page.text
