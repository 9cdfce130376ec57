"""``pia explain``: everything needed to check one criterion's level by hand, computed once.

The Assessment says which indicators were true, false or unknown and which entries they read.
To *check* a level a reader also needs the arithmetic: each indicator's weight and its share of
the criterion's weight, the share in good state, and the scale's thresholds with the one that
share reaches. And to know where to look first, which indicators *decided* the level: an
indicator decides it when, had it come out the other way (or either way, for an unknown), the
criterion would have another level. The entries those indicators read are the deciding entries.

Within an indicator, the entries that decided its own state (its evidence: for ``exists`` that
came out true, the elements that were true) are told apart from the entries it merely read (the
other flows an ``exists`` looked at): given the case, the criterion's indicators are evaluated
once more to learn what they read.

Pure: from an Assessment, the rubrics it was made with and (for the entries read) the case; the
renderer (:mod:`pia.render.explain`) lays this out and computes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pia.cel.evaluate import evaluate
from pia.cel.rubric import LoadedRubric, too_costly
from pia.cel.values import CostExceeded, Truth
from pia.engine import score
from pia.engine.run import prepare
from pia.model.assessment import Assessment, CriterionResult, IndicatorResult
from pia.model.case import Case
from pia.model.rubric import Criterion, Rubric
from pia.model.view import field_words

_TRUTHS = {"true": Truth.TRUE, "false": Truth.FALSE, "unknown": Truth.UNKNOWN}
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort ids as people read them: S4 < S10 < S102 (digit runs compare as numbers)."""
    parts = _DIGITS.split(text)
    return tuple(
        (1, int(part), part) if i % 2 else (0, 0, part.casefold()) for i, part in enumerate(parts)
    )


@dataclass(frozen=True, slots=True)
class Threshold:
    level: str
    label: str
    minimum: float
    """The minimum share of indicator weight in good state (0-1) for this level."""
    reached: bool
    """Whether the share reaches it (before any cap)."""


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    result: IndicatorResult
    share_of_weight: float
    """The indicator's weight over the criterion's total indicator weight (0-1)."""
    deciding: bool
    """Whether the level would differ had this indicator come out the other way."""
    also_read: tuple[str, ...] = ()
    """Entries the indicator read that did not decide its state, in natural order."""
    fields_read: tuple[str, ...] = ()
    """For each entry of the evidence, in order, the fields read, in plain words."""
    unknown_words: tuple[str, ...] = ()
    """The unknown facts that decided it, in plain words (``a-mou: standing``)."""
    state_words: str = ""
    """The state and bearing in words: ``true (good)``, ``not applicable``."""
    caps_label: str | None = None
    """The title of the level it caps at, if it caps."""


@dataclass(frozen=True, slots=True)
class Explanation:
    criterion: CriterionResult
    rubric_id: str
    framework: str
    total_weight: float
    good_weight: float
    unknown_weight: float
    thresholds: tuple[Threshold, ...]
    """Best level first, as the rubric's scale."""
    derived_from_share: str
    """The level the share alone reaches, before caps (and ``unknown`` if nothing is settled)."""
    best_case_label: str
    """The title of the level the criterion would reach if every unknown went well."""
    indicators: tuple[IndicatorLine, ...]
    deciding_entries: frozenset[str]
    sources: tuple[str, ...]
    """Every source the indicators' evidence cites, in natural order."""


def level_labels(rubric: Rubric) -> dict[str, str]:
    """Level id -> its title on the rubric's scale (``partially_met`` -> ``Partially met``)."""
    return {lv.id: lv.label for lv in rubric.scale} | {score.UNKNOWN_LEVEL: "Unknown"}


def state_words(result: IndicatorResult) -> str:
    """An indicator's state and bearing as a reader says them."""
    if result.state == "not_applicable":
        return "not applicable"
    return f"{result.state} ({result.bearing})"


def fact_words(fact: str) -> str:
    """An unknown fact in plain words: ``a-mou.standing`` -> ``a-mou: standing``; a section the
    case leaves unknown reads as the section's title."""
    entry, dot, name = fact.rpartition(".")
    if not dot:
        info = Case.model_fields.get(fact)
        return info.title if info is not None and info.title else field_words(fact)
    return f"{entry}: {field_words(name)}"


def find_criterion(assessment: Assessment, name: str) -> tuple[CriterionResult | None, list[str]]:
    """The criterion ``name`` names (a qualified id, or a bare id found in one rubric only), or
    None with the qualified ids it could mean (empty when it names none)."""
    everything = [c for r in assessment.rubrics for c in r.criteria]
    exact = [c for c in everything if c.id == name]
    if exact:
        return exact[0], []
    bare = [c for c in everything if c.id.split(".", 1)[1] == name]
    if len(bare) == 1:
        return bare[0], []
    return None, [c.id for c in bare]


def _criterion_of(rubrics: Sequence[LoadedRubric], qualified: str) -> tuple[Rubric, Criterion]:
    rubric_id, _, criterion_id = qualified.partition(".")
    for loaded in rubrics:
        if loaded.rubric.id == rubric_id:
            for criterion in loaded.rubric.criteria:
                if criterion.id == criterion_id:
                    return loaded.rubric, criterion
    raise KeyError(qualified)


def _deciding(rubric: Rubric, criterion: Criterion, result: CriterionResult) -> set[str]:
    truths = {i.id: _TRUTHS[i.state] for i in result.indicators if i.state in _TRUTHS}
    level = score.criterion_level(rubric, criterion, truths).level
    out: set[str] = set()
    for ind in result.indicators:
        if ind.id not in truths:
            continue  # does not apply: it decides nothing
        others = {
            Truth.TRUE: (Truth.FALSE,),
            Truth.FALSE: (Truth.TRUE,),
            Truth.UNKNOWN: (Truth.TRUE, Truth.FALSE),
        }[truths[ind.id]]
        for other in others:
            if score.criterion_level(rubric, criterion, {**truths, ind.id: other}).level != level:
                out.add(ind.id)
    return out


def entries_read(
    case: Case, rubrics: Sequence[LoadedRubric], day: date, qualified: str
) -> dict[str, frozenset[str]]:
    """Indicator id -> the entries it read, for one criterion evaluated on ``day``."""
    rubric_id, _, criterion_id = qualified.partition(".")
    loaded = next(lr for lr in rubrics if lr.rubric.id == rubric_id)
    run = prepare(case, [loaded], day)
    criterion = next(c for c in loaded.rubric.criteria if c.id == criterion_id)
    out = {}
    for ind in criterion.indicators:
        try:
            outcome = evaluate(
                loaded.compiled[(criterion_id, ind.id)], run.activation, run.recorder
            )
        except CostExceeded as exc:
            raise too_costly(loaded, criterion_id, ind.id, exc) from None
        out[ind.id] = frozenset(entry for entry, _field in outcome.reads if entry in run.entries)
    return out


def explain_criterion(
    assessment: Assessment,
    rubrics: Sequence[LoadedRubric],
    result: CriterionResult,
    case: Case | None = None,
) -> Explanation:
    """The arithmetic behind ``result``'s level and the indicators and entries that decided it;
    given the case, also the entries each indicator read without their deciding its state."""
    rubric, criterion = _criterion_of(rubrics, result.id)
    read = (
        entries_read(case, rubrics, assessment.assessed_as_of, result.id)
        if case is not None
        else {}
    )
    total = sum(i.weight for i in result.indicators if i.bearing != "none")
    good = sum(i.weight for i in result.indicators if i.bearing == "good")
    unknown = sum(i.weight for i in result.indicators if i.bearing == "unknown")
    from_share = (
        score.UNKNOWN_LEVEL if unknown == total else score.level_for_share(rubric, good / total)
    )
    thresholds = tuple(
        Threshold(
            level=lv.id,
            label=lv.label,
            minimum=rubric.thresholds[lv.id],
            reached=unknown != total and good / total + 1e-9 >= rubric.thresholds[lv.id],
        )
        for lv in rubric.scale
    )
    deciding = _deciding(rubric, criterion, result)
    labels = level_labels(rubric)
    lines = tuple(
        IndicatorLine(
            i,
            i.weight / total if total and i.bearing != "none" else 0.0,
            i.id in deciding,
            tuple(
                sorted(read.get(i.id, frozenset()) - {e.entry for e in i.evidence}, key=natural_key)
            ),
            tuple(", ".join(field_words(f) for f in e.fields) for e in i.evidence),
            tuple(fact_words(f) for f in i.unknown_facts),
            state_words(i),
            labels.get(i.caps, i.caps) if i.caps else None,
        )
        for i in result.indicators
    )
    entries = frozenset(e.entry for i in result.indicators if i.id in deciding for e in i.evidence)
    sources = {s for i in result.indicators for e in i.evidence for s in e.sources}
    rubric_result = next(r for r in assessment.rubrics if r.id == rubric.id)
    return Explanation(
        criterion=result,
        rubric_id=rubric.id,
        framework=rubric_result.framework,
        total_weight=total,
        good_weight=good,
        unknown_weight=unknown,
        thresholds=thresholds,
        derived_from_share=from_share,
        best_case_label=labels.get(result.best_case_level, "Unknown"),
        indicators=lines,
        deciding_entries=entries,
        sources=tuple(sorted(sources, key=natural_key)),
    )
