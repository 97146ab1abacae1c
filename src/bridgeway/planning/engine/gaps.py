"""Gap analysis: every requirement of a target occupation, the learner's status on it, the evidence, readiness."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bridgeway.planning.engine.learner import LearnerVector, evidence_label
from bridgeway.planning.engine.space import KIND_NAMES, OccupationSpace

MET, PARTLY, MISSING = "met", "partly", "missing"


@dataclass(frozen=True)
class RequirementGap:
    """One requirement line: what the occupation asks, where that comes from, and where the learner stands."""

    competency_id: str
    label: str
    source: str
    kind: str
    importance: float
    level_required: float | None
    status: str
    credit: float
    evidence: str | None
    learner_level: float | None
    recognised: bool


@dataclass(frozen=True)
class GapReport:
    """The gap analysis of one learner against one occupation."""

    taxonomy: str
    code: str
    title: str
    readiness: float
    essential_readiness: float
    requirements: list[RequirementGap] = field(default_factory=list)
    met_threshold: float = 0.55

    def by_status(self, status: str) -> list[RequirementGap]:
        """Requirements with the given status."""
        return [r for r in self.requirements if r.status == status]


def _source_text(space: OccupationSpace, kind: str, level: float) -> str:
    if space.taxonomy == "esco":
        return f"ESCO {kind} skill"
    if space.taxonomy == "noc":
        return f"OaSIS rating {level:g} of 5"
    return f"O*NET importance ≥ 3, level {level:.1f} of 7"


def analyse(
    space: OccupationSpace,
    row: int,
    learner: LearnerVector,
    *,
    met_threshold: float = 0.55,
    via: str | None = None,
) -> GapReport:
    """Compare the learner with occupation `row`: met when credit ≥ threshold, partly when > 0, else missing."""
    cols, importance, levels, kinds = space.requirements_of(row)
    pos = np.searchsorted(learner.cols, cols)
    pos = np.minimum(pos, max(len(learner.cols) - 1, 0))
    has = (learner.cols[pos] == cols) if len(learner.cols) else np.zeros(len(cols), bool)
    lines: list[RequirementGap] = []
    got = np.zeros(len(cols))
    for k, (c, imp, lvl, kd) in enumerate(zip(cols, importance, levels, kinds, strict=True)):
        kind = KIND_NAMES.get(int(kd), "rated")
        credit, evidence, learner_level, recognised = 0.0, None, None, False
        if has[k]:
            p = int(pos[k])
            credit = float(learner.strength[p])
            have = learner.level[p]
            if lvl > 0 and not np.isnan(have):
                credit *= min(1.0, float(have) / float(lvl))
                learner_level = float(have)
            claim = learner.claims[p]
            evidence = evidence_label(claim.evidence) if claim else "held in previous occupation"
            recognised = bool(learner.recognised[p]) and credit >= met_threshold
        got[k] = credit
        status = MET if credit >= met_threshold else PARTLY if credit > 0 else MISSING
        source = _source_text(space, kind, float(lvl))
        lines.append(
            RequirementGap(
                competency_id=space.competency_ids[c],
                label=space.competency_labels[c],
                source=f"{source} via {via}" if via else source,
                kind=kind,
                importance=round(float(imp), 3),
                level_required=float(lvl) if lvl > 0 else None,
                status=status,
                credit=round(credit, 3),
                evidence=evidence,
                learner_level=learner_level,
                recognised=recognised,
            )
        )
    met_credit = np.minimum(got / max(met_threshold, 1e-9), 1.0)
    total = float(importance.sum()) or 1.0
    ess = np.isin(kinds, (1, 3))
    ess_total = float(importance[ess].sum()) or 1.0
    order = sorted(
        range(len(lines)),
        key=lambda k: (
            {MISSING: 0, PARTLY: 1, MET: 2}[lines[k].status],
            -lines[k].importance,
            lines[k].label,
        ),
    )
    return GapReport(
        taxonomy=space.taxonomy,
        code=space.codes[row],
        title=space.titles[row],
        readiness=round(float((importance * met_credit).sum()) / total, 4),
        essential_readiness=round(float((importance[ess] * met_credit[ess]).sum()) / ess_total, 4),
        requirements=[lines[k] for k in order],
        met_threshold=met_threshold,
    )


def gap_competencies(report: GapReport, *, include_optional: bool = False) -> list[str]:
    """Competency ids still to close (missing or partly), essential ones unless `include_optional`."""
    return [
        r.competency_id
        for r in report.requirements
        if r.status != MET and (include_optional or r.kind != "optional")
    ]


def recognised_competencies(report: GapReport) -> list[str]:
    """Competency ids the learner has recognised prior learning for (never to be planned)."""
    return [r.competency_id for r in report.requirements if r.recognised]
