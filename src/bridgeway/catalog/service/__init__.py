"""Catalogue use cases `(session, *, ...)`: they flush, never commit; the request or command owns the transaction.

Other domains call these: credentials use `achievement_data` / `published_achievement_data` and `stacking_rules`;
planning uses `planning_catalogue` and `stacking_rules`.
"""

from bridgeway.catalog.service.authoring import (
    align,
    create_institution_competency,
    create_opportunity,
    get_opportunity,
    get_opportunity_by_code,
    get_version,
    institution_competencies,
    new_version,
    unalign,
    update_draft,
    update_operations,
)
from bridgeway.catalog.service.employers import (
    endorse,
    get_proposal,
    proposals_for,
    propose_competency,
    respond_to_proposal,
)
from bridgeway.catalog.service.importing import import_opportunities, read_rows
from bridgeway.catalog.service.reads import (
    achievement_data,
    can_see_drafts,
    opportunities,
    planning_catalogue,
    published_achievement_data,
    read_opportunity,
    read_version,
    search,
    stacking_rule_of,
    stacking_rules,
    stacks_into,
    versions,
    visible_version,
)
from bridgeway.catalog.service.workflow import (
    approve,
    publish,
    qa_reviews,
    queue,
    retire,
    review,
    send_back,
    submit,
)

__all__ = [
    "achievement_data",
    "align",
    "approve",
    "can_see_drafts",
    "create_institution_competency",
    "create_opportunity",
    "endorse",
    "get_opportunity",
    "get_opportunity_by_code",
    "get_proposal",
    "get_version",
    "import_opportunities",
    "institution_competencies",
    "new_version",
    "opportunities",
    "planning_catalogue",
    "proposals_for",
    "propose_competency",
    "publish",
    "published_achievement_data",
    "qa_reviews",
    "queue",
    "read_opportunity",
    "read_rows",
    "read_version",
    "respond_to_proposal",
    "retire",
    "review",
    "search",
    "send_back",
    "stacking_rule_of",
    "stacking_rules",
    "stacks_into",
    "submit",
    "unalign",
    "update_draft",
    "update_operations",
    "versions",
    "visible_version",
]
