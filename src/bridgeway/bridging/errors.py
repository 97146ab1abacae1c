"""Errors of bridge-training intake, each named after its condition."""

from __future__ import annotations

from bridgeway.kit.errors import Conflict, Forbidden, InvalidInput, NotFound


class UnknownIntake(NotFound):
    """No such intake, or not one the caller may see."""

    code = "unknown_intake"


class UnknownPlanItem(NotFound):
    """No such item in this intake's learning plan."""

    code = "unknown_plan_item"


class UnknownEvaluation(NotFound):
    """No such credential evaluation in this intake."""

    code = "unknown_evaluation"


class UnknownOccupationCode(InvalidInput):
    """The occupation code is not in the imported taxonomy (or not one a target can be)."""

    code = "unknown_occupation"


class UnknownReference(InvalidInput):
    """A linked record (language result, prior credential, PLAR case, catalogue entry) is not the learner's."""

    code = "unknown_reference"


class InvalidClb(InvalidInput):
    """A Canadian Language Benchmark outside 1–12."""

    code = "invalid_clb"


class InvalidDates(InvalidInput):
    """Dates in the wrong order, or in the future for something already done."""

    code = "invalid_dates"


class NotYourItem(Forbidden):
    """A learner tried to change an item someone else carries out."""

    code = "not_your_item"


class IntakeClosed(Conflict):
    """The intake is closed: its plan no longer changes."""

    code = "intake_closed"


class IntakeExists(Conflict):
    """The learner already has an intake in progress at this institution."""

    code = "intake_exists"


class NothingToShare(Conflict):
    """The plan is empty, or has not changed since it was last shared."""

    code = "nothing_to_share"
