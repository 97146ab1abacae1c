"""Example records for the authorization matrix: PLAR records of the owner, or of the owner's institution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import User
from bridgeway.plar.domain import CaseState
from bridgeway.plar.models import CaseCompetency, EvidenceDocument, RecognitionCase, WorkExperience

URI = "urn:authz:competency"
_n = [0]


def _learner(session: Session, institution_id: str | None, *, consent: bool = True) -> User:
    _n[0] += 1
    learner = accounts_service.create_user(
        session,
        email=f"plar-learner-{_n[0]}-{(institution_id or 'x')[:8]}@authz.example",
        display_name="Learner",
        roles=[Role.LEARNER],
        institution_id=institution_id,
    )
    if consent and institution_id is not None:
        accounts_service.grant_consent(
            session,
            actor=accounts_service.principal_for(learner),
            grantee_kind=ConsentGrantee.INSTITUTION,
            grantee_id=institution_id,
        )
    return learner


def _case(session: Session, *, learner_id: str, institution_id: str, assessor_id: str | None = None) -> str:
    case = RecognitionCase(
        institution_id=institution_id,
        learner_user_id=learner_id,
        target_kind="program",
        target_ref="P",
        target_label="Program",
        courses=[],
        state=CaseState.REQUESTED.value,
        pre_assessment=[],
        assessor_user_id=assessor_id,
        competencies=[CaseCompetency(position=0, competency_uri=URI, label="C", evidence_ids=[], rules={})],
    )
    session.add(case)
    session.flush()
    return case.id


def _staff_case(session: Session, owner: User) -> dict[str, Any]:
    """A case of a consenting learner at the owner's institution."""
    assert owner.institution_id is not None
    learner = _learner(session, owner.institution_id)
    return {"case_id": _case(session, learner_id=learner.id, institution_id=owner.institution_id)}


def _assigned_case(session: Session, owner: User) -> dict[str, Any]:
    """A case at the owner's institution with the owner as its assessor."""
    assert owner.institution_id is not None
    learner = _learner(session, owner.institution_id)
    return {
        "case_id": _case(
            session, learner_id=learner.id, institution_id=owner.institution_id, assessor_id=owner.id
        )
    }


def _own_case(session: Session, owner: User) -> dict[str, Any]:
    """The owner's (a learner's) own case."""
    institution_id = owner.institution_id or accounts_service.list_institutions(session)[0].id
    return {"case_id": _case(session, learner_id=owner.id, institution_id=institution_id)}


def _with(
    make: Callable[[Session, User], dict[str, Any]], body: dict[str, Any]
) -> Callable[[Session, User], dict[str, Any]]:
    def build(session: Session, owner: User) -> dict[str, Any]:
        return {"path": make(session, owner), "json": body}

    return build


def _consenting_learner(session: Session, owner: User) -> dict[str, Any]:
    assert owner.institution_id is not None
    return {"learner_id": _learner(session, owner.institution_id).id}


def _evidence(session: Session, owner: User) -> dict[str, Any]:
    assert owner.institution_id is not None
    learner = _learner(session, owner.institution_id)
    doc = EvidenceDocument(
        learner_user_id=learner.id,
        sha256="0" * 64,
        media_type="text/plain",
        filename="a.txt",
        size_bytes=1,
        description="",
    )
    session.add(doc)
    session.flush()
    return {"evidence_id": doc.id}


def _own_work(session: Session, owner: User) -> dict[str, Any]:
    row = WorkExperience(
        learner_user_id=owner.id, employer="E", title="T", start_on=date(2020, 1, 1), duties=""
    )
    session.add(row)
    session.flush()
    return {"kind": "work", "entry_id": row.id}


P = "/api/v1/plar"
C = P + "/cases/{case_id}"
EXAMPLES: dict[str, Callable[[Session, User], Any]] = {
    f"GET {P}/learners/{{learner_id}}/portfolio": _consenting_learner,
    f"GET {P}/learners/{{learner_id}}/recognised": _consenting_learner,
    f"GET {P}/evidence/{{evidence_id}}": _evidence,
    f"DELETE {P}/portfolio/{{kind}}/{{entry_id}}": _own_work,
    f"GET {C}": _staff_case,
    f"POST {C}/eligibility": _with(_staff_case, {"eligible": True}),
    f"POST {C}/self-assessment": _own_case,
    f"POST {C}/methods": _with(
        _staff_case, {"assessor_user_id": "x", "methods": [{"competency_uri": URI, "method": "portfolio"}]}
    ),
    f"POST {C}/fee": _with(_staff_case, {"amount_cents": 0}),
    f"POST {C}/evidence": _with(_own_case, {"competency_uri": URI, "evidence_ids": []}),
    f"POST {C}/evidence-requests": _with(_assigned_case, {"reason": "More, please."}),
    f"POST {C}/evidence-provided": _own_case,
    f"POST {C}/pre-assessment": _staff_case,
    f"POST {C}/decisions": _with(
        _assigned_case, {"competency_uri": URI, "result": "not_yet", "reasons": "Not enough evidence yet."}
    ),
    f"POST {C}/complete": _assigned_case,
    f"POST {C}/moderation": _with(_staff_case, {"agree": True}),
    f"POST {C}/appeal": _with(_own_case, {"reason": "Please look again."}),
    f"POST {C}/appeal-resolution": _with(_staff_case, {"uphold": False, "reason": "The outcome stands."}),
    f"POST {C}/credentials": _staff_case,
    f"GET {C}/credit": _staff_case,
    f"GET {C}/credit.csv": _staff_case,
    f"GET {C}/gaps": _staff_case,
}


EXAMPLES.update(
    {
        "GET /plar/cases/{case_id}": _staff_case,
        "POST /plar/cases/{case_id}/decisions": lambda session, owner: {
            "path": _assigned_case(session, owner),
            "form": {"competency_uri": URI, "result": "not_yet", "reasons": "Not enough evidence yet."},
        },
    }
)


EXAMPLES.update(
    {
        "POST /plar/cases/{case_id}/steps": lambda session, owner: {
            "path": _staff_case(session, owner),
            "form": {"action": "confirm_eligibility"},
        },
        "POST /plar/cases/{case_id}/methods": lambda session, owner: {
            "path": _staff_case(session, owner),
            "form": {"assessor_email": owner.email, "method_0": "portfolio"},
        },
    }
)
EXAMPLES["POST /plar/cases/{case_id}/self-assessment"] = lambda session, owner: {
    "path": _own_case(session, owner),
    "form": {"rating_0": "3"},
}
EXAMPLES.update(
    {
        "POST /plar/cases/{case_id}/evidence": lambda session, owner: {
            "path": _own_case(session, owner),
            "form": {"competency_uri": URI, "evidence_ids": "none"},
        },
        "POST /plar/cases/{case_id}/evidence/upload": lambda session, owner: {
            "path": _own_case(session, owner),
            "form": {"competency_uri": URI},
        },
        "POST /plar/cases/{case_id}/credentials": _staff_case,
    }
)


def _own_credential(session: Session, owner: User) -> dict[str, Any]:
    """A verifiable credential in the owner's (a learner's) portfolio."""
    from bridgeway.plar.models import PortfolioCredential

    doc = EvidenceDocument(
        learner_user_id=owner.id,
        sha256="1" * 64,
        media_type="application/vc",
        filename="badge.json",
        size_bytes=2,
        description="",
    )
    session.add(doc)
    session.flush()
    row = PortfolioCredential(
        learner_user_id=owner.id,
        evidence_id=doc.id,
        issuer_id="did:key:z6MkAuthz",
        achievement_name="Badge",
        document={},
        outcome="valid",
    )
    session.add(row)
    session.flush()
    return {"entry_id": row.id}


EXAMPLES["POST /plar/credentials/{entry_id}/delete"] = _own_credential
