"""Credential use cases `(session, *, ...)`: they flush, never commit; the request or command owns the transaction.

Other domains call these, e.g. PLAR: `credentials_service.issue(session, settings=..., institution_id=...,
request=IssueRequest(...), actor=principal)`.
"""

from bridgeway.credentials.service.batch import create_batch, failed_rows, get_batch, parse_csv, run_batch
from bridgeway.credentials.service.issuance import (
    check_achievement,
    get,
    get_for,
    issue,
    issue_prepared,
    list_for_institution,
    list_for_learner,
    resolve_recipient,
)
from bridgeway.credentials.service.keys import (
    did_document,
    did_document_by_slug,
    ensure_issuer_key,
    issuer_did,
    rotate_key,
)
from bridgeway.credentials.service.status import (
    change_status,
    revoke,
    status_history,
    status_list_credential,
    suspend,
    unsuspend,
)

__all__ = [
    "change_status",
    "check_achievement",
    "create_batch",
    "did_document",
    "did_document_by_slug",
    "ensure_issuer_key",
    "failed_rows",
    "get",
    "get_batch",
    "get_for",
    "issue",
    "issue_prepared",
    "issuer_did",
    "list_for_institution",
    "list_for_learner",
    "parse_csv",
    "resolve_recipient",
    "revoke",
    "rotate_key",
    "run_batch",
    "status_history",
    "status_list_credential",
    "suspend",
    "unsuspend",
]
