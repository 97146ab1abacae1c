"""Errors of the recognition workflow (portfolio, evidence, cases), each named after its condition."""

from __future__ import annotations

from bridgeway.kit.errors import BridgewayError, Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge


class InvalidTransition(Conflict):
    """The case is not in a state where this can happen."""

    code = "invalid_transition"


class InvalidDecision(InvalidInput):
    """A decision (or another action) lacks reasons or breaks the rules of evidence."""

    code = "invalid_decision"


class InvalidPolicy(InvalidInput):
    """The institution's PLAR policy cannot be read."""

    code = "invalid_plar_policy"


class NotAssignedAssessor(Forbidden):
    """Only the assessor assigned to the case (or its moderator, for moderation) may act."""

    code = "not_assigned"


class WrongParty(Forbidden):
    """Someone other than the party the case waits on tried to act."""

    code = "wrong_party"


class UnknownCase(NotFound):
    """No such recognition case (or not visible to the caller)."""

    code = "unknown_case"


class UnknownEntry(NotFound):
    """No such portfolio entry or evidence document."""

    code = "unknown_portfolio_entry"


class EvidenceTooLarge(PayloadTooLarge):
    """The uploaded file is larger than the limit."""

    code = "evidence_too_large"


class UnreadableEvidence(InvalidInput):
    """The uploaded file is empty, or not a PDF, DOCX or UTF-8 text file whatever its name says."""

    code = "unreadable_evidence"


class IncompleteCase(InvalidInput):
    """A step needs data the case does not have yet (methods, an assessor, decisions)."""

    code = "incomplete_case"


class EvidenceFileMissing(BridgewayError):
    """The document's record exists but its bytes are no longer in evidence storage."""

    status_code = 410
    code = "evidence_file_missing"


class CredentialRefused(InvalidInput):
    """An uploaded credential is malformed, tampered, signed by an unknown key, expired or not yet valid."""

    code = "credential_refused"


class CredentialAlreadyInPortfolio(Conflict):
    """The same credential is already in the learner's portfolio."""

    code = "credential_already_in_portfolio"
