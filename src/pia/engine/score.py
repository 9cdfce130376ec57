"""Scoring rules, one small function each. :data:`SCORING_RULES` states them in words: those
words are printed in every report's methodology and in the reference docs, so they live here,
beside the functions that apply them (not in a docstring, which ``python -OO`` strips).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pia.cel.values import Truth
from pia.model.rubric import Criterion, Rubric

UNKNOWN_LEVEL = "unknown"

#: Likelihood steps a mitigating safeguard removes, by status on the assessment date.
MITIGATION_STRENGTH: Mapping[str, float] = {
    "verified": 1.0,
    "implemented": 0.5,
    "stated": 0.25,
    "disputed": 0.0,
    "failed": 0.0,
    "absent": 0.0,
    "unknown": 0.0,
}


Bearing = Literal["good", "bad", "unknown"]
Tone = Literal["good", "mid", "poor", "bad", "unknown"]


def tone(index: int, count: int) -> Tone:
    """Where a step stands on a best-first scale of ``count`` steps, in words a renderer can
    colour by: the best is good, the worst bad, the rest mid (upper half) or poor."""
    if index <= 0:
        return "good"
    if index >= count - 1:
        return "bad"
    return "mid" if index / (count - 1) <= 0.5 else "poor"


def level_tone(rubric: Rubric, level: str) -> Tone:
    """The tone of a criterion level on its rubric's scale (``unknown`` for the unknown level)."""
    ids = [lv.id for lv in rubric.scale]
    return tone(ids.index(level), len(ids)) if level in ids else "unknown"


def band_tone(rubric: Rubric, band: str) -> Tone:
    """The tone of a rating band on its rubric's best-first list of bands."""
    ids = [b.id for b in rubric.bands]
    return tone(ids.index(band), len(ids)) if band in ids else "unknown"


def bearing(effect: str, truth: Truth) -> Bearing:
    """good / bad / unknown, as defined in the module docstring."""
    if truth is Truth.UNKNOWN:
        return "unknown"
    good = (truth is Truth.TRUE) == (effect == "supports")
    return "good" if good else "bad"


@dataclass(frozen=True, slots=True)
class LevelResult:
    level: str
    share: float
    best_case_level: str
    capped_by: tuple[str, ...]
    determined: float


def criterion_level(
    rubric: Rubric, criterion: Criterion, truths: Mapping[str, Truth]
) -> LevelResult:
    """A criterion's level, share, best-case level and caps from its indicators' truths."""
    applicable = [ind for ind in criterion.indicators if ind.id in truths]
    total = sum(ind.weight for ind in applicable)
    good = unknown = 0.0
    caps: list[str] = []
    if not applicable:  # no indicator applies to the case: nothing to judge by
        return LevelResult(UNKNOWN_LEVEL, 0.0, UNKNOWN_LEVEL, (), 0.0)
    for ind in applicable:
        b = bearing(ind.effect, truths[ind.id])
        if b == "good":
            good += ind.weight
        elif b == "unknown":
            unknown += ind.weight
        if (
            ind.caps is not None
            and ind.effect == "undermines"
            and truths[ind.id] is not Truth.FALSE
        ):
            caps.append(ind.id)
    share = good / total
    determined = (total - unknown) / total
    if unknown == total:
        return LevelResult(UNKNOWN_LEVEL, 0.0, level_for_share(rubric, 1.0), (), 0.0)
    level = level_for_share(rubric, share)
    cap_levels = [ind.caps for ind in applicable if ind.id in caps and ind.caps]
    for cap in cap_levels:
        level = worse_level(rubric, level, cap)
    best = level_for_share(rubric, (good + unknown) / total)
    for ind in applicable:
        if ind.id in caps and ind.caps and truths[ind.id] is Truth.TRUE:
            best = worse_level(rubric, best, ind.caps)
    return LevelResult(level, share, best, tuple(caps), determined)


def level_for_share(rubric: Rubric, share: float) -> str:
    """The best scale level whose threshold the share reaches."""
    for level in rubric.scale:  # best first
        if share + 1e-9 >= rubric.thresholds[level.id]:
            return level.id
    return rubric.scale[-1].id


def level_value(rubric: Rubric, level: str) -> float:
    """The share of a criterion's weight a level earns (the unknown level earns nothing)."""
    if level == UNKNOWN_LEVEL:
        return 0.0
    return next(lv.value for lv in rubric.scale if lv.id == level)


def worse_level(rubric: Rubric, a: str, b: str) -> str:
    """The lower of two levels on the rubric's scale."""
    return a if level_value(rubric, a) <= level_value(rubric, b) else b


def rubric_score(rubric: Rubric, levels: Mapping[str, str]) -> float:
    """The earned share of all criterion weight, 0-100."""
    total = sum(c.weight for c in rubric.criteria)
    earned = sum(level_value(rubric, levels[c.id]) * c.weight for c in rubric.criteria)
    return round(100.0 * earned / total, 1)


def band_for_score(rubric: Rubric, score: float) -> str:
    """The best band whose minimum the score reaches."""
    for band in rubric.bands:  # best first
        if score + 1e-9 >= band.min:
            return band.id
    return rubric.bands[-1].id


def rating(rubric: Rubric, levels: Mapping[str, str]) -> tuple[float, str, str, str | None]:
    """(score, rating, uncapped rating, reason for the cap or None)."""
    score = rubric_score(rubric, levels)
    uncapped = band_for_score(rubric, score)
    worst = rubric.scale[-1].id
    failing = [c.id for c in rubric.criteria if c.critical and levels[c.id] == worst]
    band_index = {b.id: i for i, b in enumerate(rubric.bands)}
    if failing and band_index[uncapped] < band_index[rubric.critical_cap]:
        reason = f"critical criteria at '{worst}': {', '.join(failing)}"
        return score, rubric.critical_cap, uncapped, reason
    return score, uncapped, uncapped, None


def mitigation_reduction(statuses: Iterable[str]) -> float:
    """Likelihood steps removed by safeguards with these statuses."""
    return sum(MITIGATION_STRENGTH.get(s, 0.0) for s in statuses)


def residual_likelihood(likelihood: int, statuses: Sequence[str]) -> int:
    """Likelihood after mitigation: whole steps only, never below 1."""
    return max(1, math.ceil(likelihood - mitigation_reduction(statuses) - 1e-9))


def risk_level(likelihood: int, severity: int) -> str:
    """CNIL-style map: the product of the two 1-4 scales, in four bands."""
    product = likelihood * severity
    if product >= 12:
        return "critical"
    if product >= 8:
        return "high"
    if product >= 4:
        return "moderate"
    return "low"


#: The risk level of every likelihood (rows) and severity (columns), 1-4: the map's background.
RISK_MATRIX: tuple[tuple[str, ...], ...] = tuple(
    tuple(risk_level(likelihood, severity) for severity in range(1, 5))
    for likelihood in range(1, 5)
)


#: The rules above in words, as (heading, text). Keep each in step with its function.
SCORING_RULES: tuple[str, ...] = (
    "Indicators to a criterion level: An indicator bears good when it supports the criterion and "
    "is true, or undermines it and is false; bad in the two opposite cases; unknown when it is "
    "unknown. The criterion's share is the weight of good indicators over the weight of all its "
    "indicators, so an unknown indicator never counts as met. The level is the best scale level "
    "whose threshold the share reaches. An undermining indicator that is true and has caps holds "
    "the level at or below that cap. When every indicator is unknown the level is unknown (worth "
    "nothing), not the worst level. A capping indicator that is unknown caps too: a fact turning "
    "unknown never raises a level.",
    "Indicators that do not apply: An indicator with an applies_when condition that is false on "
    "the case (an agreement between parties, where the case shows no disclosure to another "
    "party) does not apply: it is shown as not applicable, gives no finding, and its weight "
    "leaves the criterion. Where the condition is unknown, a false indicator reads as unknown "
    "(it may not apply).",
    "One governing level per criterion: The level the indicators give governs, unless the case "
    "gives an assessor judgment on the rubric's scale, which then governs with its rationale and "
    "sources, from the case's as_of date on; the derived level stays beside it as the check. A "
    "derived level is established when no unknown fact could raise it, and not demonstrated when "
    "it rests on facts the case does not know (unknown never counts as met, so such a level "
    "measures missing evidence, not a finding of failure).",
    "Criteria to a rubric rating: A criterion earns its governing level's value times its "
    "weight; the rubric score is the earned share of all weight, 0-100. The rating is the best "
    "band whose minimum the score reaches. If a critical criterion sits at the worst level, the "
    "rating is at most the rubric's critical_cap band.",
    "Risks: Inherent level comes from the case's likelihood x severity (CNIL 1-4 scales), rated "
    "before any safeguard: a rating that counted a safeguard would count it twice. Each "
    "mitigating safeguard lowers likelihood by its strength on the assessment date: verified 1, "
    "implemented 0.5, stated 0.25; disputed, failed, absent or unknown 0. Only whole steps count "
    "(the residual likelihood is rounded up) and it never goes below 1. Severity is unchanged: a "
    "safeguard makes harm less likely, not less harmful. For a risk whose residual level is its "
    "inherent level, each mitigation that, verified, would lower the residual likelihood is "
    "named with the likelihood and level it would give.",
    "What would change the rating: Each unknown or disputed fact an indicator read is settled "
    "to every value the case format allows for it, one at a time; every value that moves a "
    "criterion's governing level, a rubric rating or a residual risk is shown, whether it "
    "improves or worsens the result. A value is read by its field (a notice settled as provided, "
    "whatever the wording of its statement). A list the case leaves unknown (a whole section, or "
    "an entry's list of references) is settled to none, and to at least one entry of which "
    "nothing else is known: that entry moves only what asks whether one exists, and is never "
    "cited as a fact.",
)
