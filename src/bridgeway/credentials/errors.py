"""Credential errors, each naming its condition."""

from bridgeway.kit.errors import Conflict, Forbidden, InvalidInput, NotFound


class UnknownCredential(NotFound):
    """No credential with that id (or the caller may not see it)."""

    code = "unknown_credential"


class UnknownStatusList(NotFound):
    """No status list at that address."""

    code = "unknown_status_list"


class UnknownBatch(NotFound):
    """No batch job with that id."""

    code = "unknown_batch"


class UnknownShareLink(NotFound):
    """The share link does not exist, was withdrawn or has expired."""

    code = "unknown_share_link"


class UnknownStackAward(NotFound):
    """No pending stack award with that id."""

    code = "unknown_stack_award"


class NoIssuerKey(Conflict):
    """The institution has no active signing key."""

    code = "no_issuer_key"


class KeyDecryptionFailed(Conflict):
    """A stored private key could not be decrypted: the key-encryption key changed or the row was altered."""

    code = "key_decryption_failed"


class InvalidAchievement(InvalidInput):
    """The achievement definition lacks what an Open Badges 3.0 achievement needs."""

    code = "invalid_achievement"


class InvalidRecipient(InvalidInput):
    """The recipient has neither a usable DID nor an e-mail address."""

    code = "invalid_recipient"


class InvalidBatch(InvalidInput):
    """The batch file or request cannot be read."""

    code = "invalid_batch"


class IdempotencyMismatch(Conflict):
    """The idempotency key was already used for a different request."""

    code = "idempotency_mismatch"


class CredentialRevoked(Conflict):
    """The credential is revoked; its status can no longer change."""

    code = "credential_revoked"


class StatusTransitionRefused(Conflict):
    """The status change does not apply to the credential's current status."""

    code = "status_transition_refused"


class StatusListFull(Conflict):
    """Every index of the status list is allocated."""

    code = "status_list_full"


class NotYourCredential(Forbidden):
    """The credential belongs to another learner or institution."""

    code = "not_your_credential"


class FetchRefused(Forbidden):
    """The fetcher refused a URL: not allow-listed, private address, too large or too slow."""

    code = "fetch_refused"


class StackApprovalRefused(Conflict):
    """The stack award is not waiting for approval."""

    code = "stack_approval_refused"


class MissingReason(InvalidInput):
    """A status change needs a reason the learner can read."""

    code = "missing_reason"


class UnsignableDocument(InvalidInput):
    """The document cannot be signed: unknown context, undefined term, or a shape the issuer refuses."""

    code = "unsignable_document"


class ClrUnavailable(Conflict):
    """A CLR 2.0 export cannot be produced (nothing to export, or the CLR context is not available offline)."""

    code = "clr_unavailable"
