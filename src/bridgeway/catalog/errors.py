"""Catalogue errors, each naming its condition."""

from bridgeway.kit.errors import Conflict, Forbidden, InvalidInput, NotFound

__all__ = [
    "AlreadyEndorsed",
    "DuplicateCode",
    "IllegalTransition",
    "ImportRowInvalid",
    "InvalidInput",
    "InvalidRubric",
    "InvalidStackingRule",
    "NotAMicroCredential",
    "NotPublished",
    "NotReadyForReview",
    "OpenVersionExists",
    "OtherInstitution",
    "PrerequisiteCycle",
    "QaNotPassed",
    "SecondCompetency",
    "SelfApproval",
    "TimeBasedCompletion",
    "UnknownCompetency",
    "UnknownOpportunity",
    "UnknownProposal",
    "UnknownVersion",
    "VersionImmutable",
    "WorkflowRoleMissing",
]


class UnknownOpportunity(NotFound):
    """No learning opportunity with that id or code (or the caller may not see it)."""

    code = "unknown_opportunity"


class UnknownVersion(NotFound):
    """No version with that id or number."""

    code = "unknown_version"


class UnknownCompetency(InvalidInput):
    """The competency named for an alignment does not exist."""

    code = "unknown_competency"


class UnknownProposal(NotFound):
    """No competency proposal with that id."""

    code = "unknown_proposal"


class DuplicateCode(Conflict):
    """The institution already has an opportunity (or competency) with that code."""

    code = "duplicate_code"


class SecondCompetency(Conflict):
    """A micro-credential is aligned to exactly one workplace competency (principle 4)."""

    code = "second_competency"


class IllegalTransition(Conflict):
    """The workflow does not allow that action from the version's current state."""

    code = "illegal_transition"


class VersionImmutable(Conflict):
    """Only drafts can be changed; a published version never changes (edit makes a new version)."""

    code = "version_immutable"


class OpenVersionExists(Conflict):
    """The opportunity already has a version in draft, review or approval."""

    code = "open_version_exists"


class QaNotPassed(Conflict):
    """Approval needs a QA review whose checklist was passed item by item."""

    code = "qa_not_passed"


class SelfApproval(Forbidden):
    """The author of a version may not review or approve it (principles 2 and 9)."""

    code = "self_approval"


class OtherInstitution(Forbidden):
    """Staff act only within their own institution."""

    code = "other_institution"


class WorkflowRoleMissing(Forbidden):
    """The actor lacks the role this workflow step needs."""

    code = "workflow_role_missing"


class NotReadyForReview(InvalidInput):
    """The draft lacks what quality review needs; `detail` lists each problem."""

    code = "not_ready_for_review"


class InvalidRubric(InvalidInput):
    """The rubric lacks criteria, levels or a mastery threshold among its levels."""

    code = "invalid_rubric"


class TimeBasedCompletion(InvalidInput):
    """A completion rule based on time spent was given; micro-credentials complete on mastery (principle 7)."""

    code = "time_based_completion"


class InvalidStackingRule(InvalidInput):
    """A stacking rule that cannot be satisfied or names itself or unknown components."""

    code = "invalid_stacking_rule"


class PrerequisiteCycle(InvalidInput):
    """Prerequisites (or stacking components) would form a cycle."""

    code = "prerequisite_cycle"


class NotAMicroCredential(InvalidInput):
    """The action applies to micro-credentials only."""

    code = "not_a_micro_credential"


class NotPublished(Conflict):
    """The action needs a published version."""

    code = "not_published"


class AlreadyEndorsed(Conflict):
    """This employer already endorsed that version."""

    code = "already_endorsed"


class ImportRowInvalid(InvalidInput):
    """A row of an import file is invalid; the message names the row."""

    code = "import_row_invalid"
