"""Credential use cases `(session, *, ...)`: they flush, never commit; the request or command owns the transaction.

Other domains call these, e.g. PLAR: `credentials_service.issue(session, settings=..., institution_id=...,
request=IssueRequest(...), actor=principal)`.
"""

from bridgeway.credentials.service.batch import create_batch, failed_rows, get_batch, parse_csv, run_batch
from bridgeway.credentials.service.catalog_adapter import (
    achievement_from_catalog,
    award_stacks,
    issue_for_completion,
    stack_rules_from_catalog,
)
from bridgeway.credentials.service.issuance import (
    check_achievement,
    get,
    get_for,
    issue,
    issue_document,
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
from bridgeway.credentials.service.stacking import decide as decide_stack_award
from bridgeway.credentials.service.stacking import evaluate as evaluate_stacking
from bridgeway.credentials.service.stacking import pending_awards as pending_stack_awards
from bridgeway.credentials.service.status import (
    change_status,
    revoke,
    status_history,
    status_list_credential,
    suspend,
    unsuspend,
)
from bridgeway.credentials.service.verification import verify_credential, verify_presentation
from bridgeway.credentials.service.wallet import (
    create_share_link,
    export_clr,
    linkedin_url,
    open_share_link,
    presentation,
    share_links,
    verify_url,
    withdraw_share_link,
)

__all__ = [
    "achievement_from_catalog",
    "award_stacks",
    "change_status",
    "check_achievement",
    "create_batch",
    "create_share_link",
    "decide_stack_award",
    "did_document",
    "did_document_by_slug",
    "ensure_issuer_key",
    "evaluate_stacking",
    "export_clr",
    "failed_rows",
    "get",
    "get_batch",
    "get_for",
    "issue",
    "issue_document",
    "issue_for_completion",
    "issue_prepared",
    "issuer_did",
    "linkedin_url",
    "list_for_institution",
    "list_for_learner",
    "open_share_link",
    "parse_csv",
    "pending_stack_awards",
    "presentation",
    "resolve_recipient",
    "revoke",
    "rotate_key",
    "run_batch",
    "share_links",
    "stack_rules_from_catalog",
    "status_history",
    "status_list_credential",
    "suspend",
    "unsuspend",
    "verify_credential",
    "verify_presentation",
    "verify_url",
    "withdraw_share_link",
]
