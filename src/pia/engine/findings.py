"""Recommendations from the criteria short of their best level, and quality warnings."""

from __future__ import annotations

from collections.abc import Sequence

from pia.cel.rubric import LoadedRubric
from pia.engine import score
from pia.model.assessment import QualityWarning, Recommendation, RiskResult, RubricResult
from pia.model.case import Case
from pia.model.diagnostics import (
    JUDGMENT_FAR_FROM_DERIVED,
    JUDGMENT_UNKNOWN_CRITERION_NAME,
    JUDGMENT_UNKNOWN_LEVEL,
    UNVERIFIED_MITIGATION,
)


def recommendations(results: Sequence[RubricResult]) -> list[Recommendation]:
    """The recommendation of every criterion short of its best level: high priority for a
    critical criterion at the worst level, medium for the worst or an unknown level, else low."""
    out = []
    for result in results:
        worst = result.scale[-1].id
        for cr in result.criteria:
            if cr.recommendation is None:
                continue
            if cr.critical and cr.level == worst:
                priority = "high"
            elif cr.level in (worst, score.UNKNOWN_LEVEL):
                priority = "medium" if not cr.critical else "high"
            else:
                priority = "low"
            because = tuple(
                i.description if i.effect == "undermines" else f"Not shown: {i.description}"
                for i in cr.indicators
                if i.bearing == "bad"
            ) or tuple(f"Unknown: {i.description}" for i in cr.indicators if i.bearing == "unknown")
            out.append(
                Recommendation(
                    criterion=cr.id,
                    title=cr.title,
                    priority=priority,  # type: ignore[arg-type]
                    text=cr.recommendation,
                    because=because,
                )
            )
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(out, key=lambda r: (order[r.priority], r.criterion))


def quality_warnings(
    results: Sequence[RubricResult],
    risks: Sequence[RiskResult],
    case: Case,
    rubrics: Sequence[LoadedRubric],
) -> list[QualityWarning]:
    """What weakens the assessment itself: residual risks lowered only by unverified
    safeguards, judgments far from the derived level, judgments that match no criterion or level."""
    out: list[QualityWarning] = []
    for risk in risks:
        lowered = risk.residual_likelihood < risk.inherent_likelihood
        if lowered and not any(m.status == "verified" for m in risk.mitigations):
            out.append(
                QualityWarning(
                    code=UNVERIFIED_MITIGATION.name,
                    subject=risk.id,
                    message=f"residual risk of {risk.id} is lowered only by safeguards that nobody "
                    "independent has verified",
                )
            )
    for result in results:
        scale = {lv.id: lv.value for lv in result.scale}
        for cr in result.criteria:
            j = cr.judgment
            if j is None or j.level not in scale:
                continue
            derived = scale.get(cr.derived_level, 0.0)
            if abs(scale[j.level] - derived) >= 0.5:
                out.append(
                    QualityWarning(
                        code=JUDGMENT_FAR_FROM_DERIVED.name,
                        subject=cr.id,
                        message=f"the assessor judged {cr.id} '{j.level}' but the indicators give "
                        f"'{cr.derived_level}'",
                    )
                )
    known = {
        f"{loaded.rubric.id}.{c.id}": loaded.rubric
        for loaded in rubrics
        for c in loaded.rubric.criteria
    }
    loaded_ids = {loaded.rubric.id for loaded in rubrics}
    for key, judged in sorted(case.judgments.items()):
        rubric_id = key.split(".", 1)[0]
        if rubric_id in loaded_ids and key not in known:
            out.append(
                QualityWarning(
                    code=JUDGMENT_UNKNOWN_CRITERION_NAME.name,
                    subject=key,
                    message=f"judgment {key!r} names no criterion of rubric {rubric_id!r}",
                )
            )
        elif key in known and judged.level not in {lv.id for lv in known[key].scale}:
            out.append(
                QualityWarning(
                    code=JUDGMENT_UNKNOWN_LEVEL.name,
                    subject=key,
                    message=f"judgment {key!r} uses level {judged.level!r}, "
                    "which is not on the rubric's scale",
                )
            )
    return out
