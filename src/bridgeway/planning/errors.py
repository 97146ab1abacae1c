"""Errors of the planning domain, named after the condition."""

from __future__ import annotations

from bridgeway.kit.errors import Forbidden, InvalidInput, NotFound


class UnknownOccupation(NotFound):
    """The occupation code is not in the chosen taxonomy."""

    code = "unknown_occupation"


class UnknownTaxonomy(InvalidInput):
    """The taxonomy name is not one of esco, noc, onet."""

    code = "unknown_taxonomy"


class EmptyProfile(InvalidInput):
    """The learner profile has no competency the chosen taxonomy knows."""

    code = "empty_profile"


class InvalidProfile(InvalidInput):
    """The learner profile file cannot be read or does not validate."""

    code = "invalid_profile"


class InvalidCatalog(InvalidInput):
    """The catalogue of learning opportunities is malformed (unknown prerequisite, bad numbers)."""

    code = "invalid_catalog"


class PrerequisiteCycle(InvalidInput):
    """Prerequisites in the catalogue form a cycle; `detail` lists the opportunities in it."""

    code = "prerequisite_cycle"


class NoFeasiblePlan(InvalidInput):
    """No set of opportunities meets the learner's constraints; `detail` names the binding constraint."""

    code = "no_feasible_plan"


class DataUnavailable(NotFound):
    """The official data files needed for this taxonomy are missing."""

    code = "data_unavailable"


class UnknownCompetency(InvalidInput):
    """A competency id that no taxonomy the planner loads knows (ESCO skill, OaSIS or O*NET descriptor)."""

    code = "unknown_competency"


class NotAnEmployer(Forbidden):
    """The caller's account is not attached to an employer organisation."""

    code = "not_an_employer"


class UnknownEmployerRole(NotFound):
    """No role with this id belongs to the caller's employer."""

    code = "unknown_employer_role"


class UnknownWorkforceGroup(NotFound):
    """No group with this id belongs to the caller's employer."""

    code = "unknown_workforce_group"
