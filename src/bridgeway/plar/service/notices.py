"""Case notifications: each step that hands work to someone tells them, in-app and by e-mail, in their language.

Who hears of a step is a pure rule (`domain.parties_to_notify`); this module finds the people behind each party
and writes the notices through `accounts_service.notify` (e-mail leaves only once the transaction commits).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.errors import UnknownUser
from bridgeway.accounts.models import User
from bridgeway.kit.mail import MailSettings
from bridgeway.plar import domain
from bridgeway.plar.domain import CaseState, Party
from bridgeway.plar.models import RecognitionCase

MAX_TITLE = 255  # accounts notifications keep titles this short
OUTCOME_EVENT = "outcome"  # the learner's notice when a step makes the decisions final

# (event, party) -> (title, body); {target}, {reason}, {learner}, {count}, {recognised}, {fee} are filled in
MESSAGES: dict[tuple[str, Party], tuple[str, str]] = {
    (domain.REQUESTED_EVENT, Party.ADVISOR): (
        "New recognition request: {target}",
        "{learner} asks for recognition of {count} competencies toward {target}. Check their eligibility.",
    ),
    ("confirm_eligibility", Party.LEARNER): (
        "You are eligible for recognition: {target}",
        "Rate yourself on each competency of your request and submit your self-assessment.",
    ),
    ("refuse_eligibility", Party.LEARNER): (
        "Your recognition request is not eligible: {target}",
        "The advisor's reason: {reason}",
    ),
    ("submit_self_assessment", Party.ADVISOR): (
        "Self-assessment submitted: {target}",
        "{learner} has rated themselves. Choose an assessment method per competency and an assessor.",
    ),
    ("choose_methods", Party.ASSESSOR): (
        "Recognition case assigned to you: {target}",
        "You assess {count} competencies of {learner}. The assessment starts once the fee is recorded.",
    ),
    ("choose_methods", Party.LEARNER): (
        "Assessment methods chosen: {target}",
        "Your case page shows how each competency will be assessed. Next, the fee is recorded.",
    ),
    ("record_fee", Party.ASSESSOR): (
        "Ready to assess: {target}",
        "The fee is recorded: review the evidence of {learner} and decide each competency with reasons.",
    ),
    ("record_fee", Party.LEARNER): (
        "Your assessment has started: {target}",
        "Fee recorded: {fee}. Link your evidence to each competency on your case page.",
    ),
    ("request_evidence", Party.LEARNER): (
        "More evidence requested: {target}",
        "The assessor asks: {reason}",
    ),
    ("provide_evidence", Party.ASSESSOR): (
        "Evidence provided: {target}",
        "{learner} has answered your request for evidence. The case is back with you.",
    ),
    ("complete_assessment", Party.LEARNER): (
        "Decisions made: {target}",
        "{recognised} of {count} competencies recognised. A second assessor reviews the decisions before "
        "they are final.",
    ),
    ("complete_assessment", Party.MODERATOR): (
        "Moderation needed: {target}",
        "Review the assessor's decisions and reasons on {count} competencies, then confirm or return them.",
    ),
    ("moderate_return", Party.ASSESSOR): (
        "Decisions returned by the moderator: {target}",
        "The moderator's reason: {reason}",
    ),
    ("appeal", Party.ADVISOR): (
        "Appeal lodged: {target}",
        "{learner} appeals the outcome. Grounds: {reason}",
    ),
    ("appeal", Party.MODERATOR): (
        "Appeal to decide: {target}",
        "{learner} appeals the outcome. Grounds: {reason}",
    ),
    ("uphold_appeal", Party.LEARNER): (
        "Your appeal was upheld: {target}",
        "Your case goes back to assessment. Reason: {reason}",
    ),
    ("uphold_appeal", Party.ASSESSOR): (
        "Case reopened after an appeal: {target}",
        "The appeal was upheld: review your decisions. Reason: {reason}",
    ),
    ("dismiss_appeal", Party.LEARNER): (
        "Your appeal was dismissed: {target}",
        "The outcome stands. Reason: {reason}",
    ),
    (OUTCOME_EVENT, Party.LEARNER): (
        "The outcome of your recognition: {target}",
        "{recognised} of {count} competencies recognised. See your credit, your credentials and what is "
        "left to learn.",
    ),
}


@lru_cache(maxsize=1)
def _french() -> dict[str, str]:
    path = resources.files("bridgeway.plar") / "i18n" / "fr.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _say(text: str, locale: str, **values: str) -> str:
    """Translate a notice into the recipient's language (French from plar/i18n/fr.json) and fill it in."""
    return (_french().get(text, text) if locale == "fr" else text).format(**values)


def _users(session: Session, case: RecognitionCase, party: Party) -> list[str]:
    """Return the ids of the people behind a party of this case."""
    if party is Party.LEARNER:
        return [case.learner_user_id]
    if party is Party.ASSESSOR:
        return [case.assessor_user_id] if case.assessor_user_id else []
    if party is Party.ADVISOR:
        if case.advisor_user_id:
            return [case.advisor_user_id]
        return [u.id for u in _staff(session, case, Role.ADVISOR)]
    if party is Party.MODERATOR:
        if case.moderator_user_id:
            return [case.moderator_user_id]
        return [u.id for u in _staff(session, case, Role.ASSESSOR) if u.id != case.assessor_user_id]
    return []


def _staff(session: Session, case: RecognitionCase, role: Role) -> list[User]:
    return accounts_service.staff_with_role(session, institution_id=case.institution_id, role=role)


def _message_key(event: str, party: Party, case: RecognitionCase) -> tuple[str, Party]:
    if (
        party is Party.LEARNER
        and CaseState(case.state) is CaseState.OUTCOME
        and event in ("complete_assessment", "moderate_agree")
    ):
        return (OUTCOME_EVENT, party)
    return (event, party)


def _values(session: Session, case: RecognitionCase) -> dict[str, str]:
    learner = session.get(User, case.learner_user_id)
    return {
        "target": case.target_label,
        "reason": case.last_note or "—",
        "learner": learner.display_name if learner is not None else "—",
        "count": str(len(case.competencies)),
        "recognised": str(sum(1 for c in case.competencies if c.result == domain.Result.RECOGNISED.value)),
    }


def _fee(cents: int | None, locale: str) -> str:
    """Return the fee as a reader of that language writes it: $1,250.00 or 1 250,00 $."""
    if cents is None:
        return "—"
    amount = f"{cents / 100:,.2f}"
    if locale == "fr":
        return amount.replace(",", "\u00a0").replace(".", ",") + "\u00a0$"
    return f"${amount}"


def after_step(
    session: Session, *, case: RecognitionCase, event: str, actor: Principal, settings: MailSettings | None
) -> list[str]:
    """Notify whoever the step hands work to (and the parties it concerns); return the ids notified."""
    values = _values(session, case)
    sent: list[str] = []
    for party in domain.parties_to_notify(event, CaseState(case.state)):
        message = MESSAGES.get(_message_key(event, party, case))
        if message is None:
            continue
        for user_id in _users(session, case, party):
            if user_id == actor.user_id or user_id in sent:
                continue
            _send(session, user_id, event, message, values, case, settings)
            sent.append(user_id)
    return sent


def _send(
    session: Session,
    user_id: str,
    event: str,
    message: tuple[str, str],
    values: dict[str, str],
    case: RecognitionCase,
    settings: MailSettings | None,
) -> None:
    try:
        user = accounts_service.get_user(session, user_id)
    except UnknownUser:
        return  # a deleted account gets no notice; the case still moves on
    filled = {**values, "fee": _fee(case.fee_cents, user.locale)}
    title, body = (_say(t, user.locale, **filled) for t in message)
    accounts_service.notify(
        session,
        user_id=user.id,
        kind=f"plar.case.{event}",
        title=title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…",
        body=body,
        link=f"/plar/cases/{case.id}",
        email=True,
        settings=settings,
    )
