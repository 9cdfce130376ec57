"""Criterion and rubric results: levels from indicator states, evidence, judgments, crosswalk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pia.cel.evaluate import Outcome
from pia.cel.rubric import LoadedRubric
from pia.cel.values import Truth
from pia.engine import score
from pia.engine.run import ROOT, TRUTH_VALUES, Run
from pia.model.assessment import (
    BandInfo,
    CriterionResult,
    CrosswalkLink,
    EvidenceRef,
    Finding,
    IndicatorResult,
    JudgmentResult,
    LevelInfo,
    RubricResult,
)
from pia.model.case import Case
from pia.model.rubric import Criterion, Rubric
from pia.model.view import JOINS


def evidence_refs(run: Run, outcome: Outcome) -> tuple[EvidenceRef, ...]:
    """The case entries that decided an indicator, with the fields read and their sources; a
    status read rests first on the sources of the status in force on the date."""
    by_entry: dict[str, set[str]] = {}
    for entry, fld in outcome.evidence:
        if entry in run.entries:
            by_entry.setdefault(entry, set()).add(fld)
    refs = []
    for entry in sorted(by_entry):
        section, confidence, sources = run.entries[entry]
        if by_entry[entry] & {"status", "standing"}:
            # the status in force on the date rests on its own sources (a ruling, an audit)
            extra = run.status_sources.get(entry, ())
            sources = (*extra, *(s for s in sources if s not in extra))
        refs.append(
            EvidenceRef(
                entry=entry,
                section=section,
                fields=tuple(sorted(by_entry[entry])),
                confidence=confidence,
                sources=sources,
            )
        )
    return tuple(refs)


def unknown_reads(run: Run, outcome: Outcome) -> tuple[str, ...]:
    """The facts the case marks unknown among those that decided an indicator: ``entry.field``
    for an entry's field, the section's name for a section the case leaves unknown."""
    found = []
    for entry, fld in sorted(outcome.evidence):
        cel_map = run.maps.get(entry)
        if (
            cel_map is not None
            and cel_map.is_unknown(fld)
            and not grounded_unknown(run, entry, fld)
        ):
            name = fact_name(*fact_of(run, entry, fld))
            if name not in found:
                found.append(name)
    return tuple(found)


def grounded_unknown(run: Run, entry: str, fld: str) -> bool:
    """Whether a field the view derives is unknown because a fact it is derived from is: then
    that fact, not the derived field, is the one to find out."""
    grounds = run.recorder.derived.get((entry, fld), ())
    return any(
        (m := run.maps.get(e)) is not None and f in m and m.is_unknown(f) for e, f in grounds
    )


#: (section, joined field) -> the id field it is joined from (``flows.authority_entries`` is
#: read from ``flows.authorities``): a joined list is the same fact as its ids.
_JOINED_FROM = {key: id_field for key, (id_field, _target) in JOINS.items()}


def fact_of(run: Run, entry: str, field: str) -> tuple[str, str]:
    """The fact a read stands for: the id field for a joined list, else the read itself."""
    if entry == ROOT or entry not in run.entries:
        return entry, field
    return entry, _JOINED_FROM.get((run.entries[entry][0], field), field)


def fact_name(entry: str, field: str) -> str:
    """How a fact is named: ``entry.field``, or a section's name (``litigation``)."""
    return field if entry == ROOT else f"{entry}.{field}"


def criterion_result(run: Run, loaded: LoadedRubric, criterion: Criterion) -> CriterionResult:
    """One criterion's level from its indicators, with their evidence and any judgment."""
    rubric = loaded.rubric
    truths = run.truths(rubric, criterion)
    derived = score.criterion_level(rubric, criterion, truths)
    indicators = []
    evidence_conf: list[str] = []
    for ind in criterion.indicators:
        key = (rubric.id, criterion.id, ind.id)
        outcome = run.outcomes[key]
        applies = key not in run.not_applicable
        refs = evidence_refs(run, outcome) if applies else ()
        if applies and outcome.truth is not Truth.UNKNOWN:
            evidence_conf.extend(r.confidence for r in refs)
        indicators.append(
            IndicatorResult(
                id=ind.id,
                description=ind.description,
                when=ind.when,
                effect=ind.effect,
                weight=ind.weight,
                state=TRUTH_VALUES[outcome.truth] if applies else "not_applicable",
                bearing=score.bearing(ind.effect, outcome.truth) if applies else "none",
                applies_when=ind.applies_when,
                caps=ind.caps,
                evidence=refs,
                unknown_facts=unknown_reads(run, outcome) if applies else (),
            )
        )
    confidence, detail = criterion_confidence(derived.determined, evidence_conf)
    labels = {lv.id: lv.label for lv in rubric.scale}
    judgment = judgment_result(run.case, rubric, criterion, derived.level)
    level, governed_by = governing_level(run, rubric, criterion, derived.level)
    meaning = criterion.levels.get(level, "The indicators could not be settled from the case.")
    at_best_level = level == rubric.scale[0].id
    return CriterionResult(
        id=f"{rubric.id}.{criterion.id}",
        title=criterion.title,
        question=criterion.question,
        why=criterion.why,
        references=tuple(f"{r.framework} {r.ref}" for r in criterion.references),
        weight=criterion.weight,
        critical=criterion.critical,
        level=level,
        label=labels.get(level, "Unknown"),
        tone=score.level_tone(rubric, level),
        governed_by=governed_by,
        derived_level=derived.level,
        derived_label=labels.get(derived.level, "Unknown"),
        basis="established" if derived.best_case_level == derived.level else "not_demonstrated",
        level_meaning=meaning,
        findings=findings(criterion, indicators, {lv.id: lv.value for lv in rubric.scale}),
        score=round(score.level_value(rubric, level) * criterion.weight, 3),
        share=round(derived.share, 3),
        best_case_level=derived.best_case_level,
        capped_by=derived.capped_by,
        confidence=confidence,  # type: ignore[arg-type]
        confidence_detail=detail,
        indicators=tuple(indicators),
        judgment=judgment,
        recommendation=None if at_best_level else criterion.recommendation,
        false_positives=criterion.false_positives,
        dhs_pia_section=criterion.dhs_pia_section,
    )


#: The order findings are told in: what fails, what holds, what is not established.
_BEARING_ORDER = {"bad": 0, "good": 1, "unknown": 2}


def findings(
    criterion: Criterion,
    results: Sequence[IndicatorResult],
    cap_values: Mapping[str, float] | None = None,
) -> tuple[Finding, ...]:
    """One sentence per indicator, in the state it is in: the rubric's ``if_true``/``if_false``
    text for a settled indicator (its description, marked, where the rubric gives none), and
    "Not established" for an unknown one. A level descriptor is never a finding."""
    out = []
    for ind, result in zip(criterion.indicators, results, strict=True):
        if result.state == "not_applicable" or result.bearing == "none":
            continue  # an indicator that does not apply tells nothing about the case
        if result.state == "true":
            text = ind.if_true or ind.description
        elif result.state == "false":
            text = ind.if_false or f"Not so: {_lower_first(ind.description)}"
        else:
            text = f"Not established: {_lower_first(ind.description)}"
        sources = sorted({s for e in result.evidence for s in e.sources}, key=source_order)
        out.append(
            Finding(
                indicator=ind.id,
                state=result.state,
                bearing=result.bearing,
                text=text,
                entries=tuple(e.entry for e in result.evidence),
                sources=tuple(sources),
            )
        )
    # what fails and caps the level is told first, the strictest cap first, then what merely fails
    values = {} if cap_values is None else cap_values
    caps = {r.id: values.get(r.caps, 0.0) for r in results if r.caps and r.bearing == "bad"}
    ranked = sorted(
        enumerate(out),
        key=lambda item: (
            _BEARING_ORDER[item[1].bearing],
            item[1].indicator not in caps,
            caps.get(item[1].indicator, 0.0),
            item[0],
        ),
    )
    return tuple(finding for _, finding in ranked)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def source_order(source: str) -> tuple[str, int, str]:
    """S2 before S10: natural order for numbered ids, plain order otherwise."""
    head = source.rstrip("0123456789")
    tail = source[len(head) :]
    return (head, int(tail) if tail else -1, source)


def criterion_confidence(determined: float, evidence: list[str]) -> tuple[str, str]:
    """High when nothing is unknown and most evidence is confirmed; low when half the indicator
    weight is unknown or most evidence is only reported, alleged or disputed."""
    confirmed = sum(1 for c in evidence if c == "confirmed")
    share = confirmed / len(evidence) if evidence else 0.0
    detail = (
        f"{round(100 * determined)}% of indicator weight settled; "
        f"{confirmed} of {len(evidence)} evidence entries confirmed"
    )
    if determined < 0.5 or (evidence and share < 0.4) or not evidence:
        return "low", detail
    if determined == 1.0 and share >= 0.75:
        return "high", detail
    return "medium", detail


def governing_level(
    run: Run, rubric: Rubric, criterion: Criterion, derived: str
) -> tuple[str, Literal["derived", "judgment"]]:
    """The level that governs a criterion, and what gives it: the assessor's judgment where the
    case gives one on the rubric's scale, else the derived level. A judgment was made as of the
    case's date, on what was known then: it governs from that date on, never on an earlier one
    (its rationale may rest on later facts)."""
    judged = run.case.judgments.get(f"{rubric.id}.{criterion.id}")
    if (
        judged is not None
        and judged.level in {lv.id for lv in rubric.scale}
        and run.day >= run.case.as_of
    ):
        return judged.level, "judgment"
    return derived, "derived"


def judgment_result(
    case: Case, rubric: Rubric, criterion: Criterion, derived: str
) -> JudgmentResult | None:
    """The assessor's judgment of a criterion, if the case gives one, beside the derived level."""
    judged = case.judgments.get(f"{rubric.id}.{criterion.id}")
    if judged is None:
        return None
    labels = {lv.id: lv.label for lv in rubric.scale}
    return JudgmentResult(
        level=judged.level,
        label=labels.get(judged.level, judged.level),
        rationale=judged.rationale,
        sources=judged.sources,
        by=judged.by,
        agrees=judged.level == derived,
    )


def rubric_result(run: Run, loaded: LoadedRubric) -> RubricResult:
    """Every criterion of a rubric, and the rubric's score, rating and level counts."""
    rubric = loaded.rubric
    criteria = [criterion_result(run, loaded, c) for c in rubric.criteria]
    levels = {c.id: cr.level for c, cr in zip(rubric.criteria, criteria, strict=True)}
    total, rating, uncapped, reason = score.rating(rubric, levels)
    bands = {b.id: b.label for b in rubric.bands}
    counts = {lv.id: 0 for lv in rubric.scale} | {score.UNKNOWN_LEVEL: 0}
    for cr in criteria:
        counts[cr.level] += 1
    return RubricResult(
        id=rubric.id,
        title=rubric.title,
        version=rubric.version,
        sha256=loaded.sha256,
        framework=rubric.framework.name,
        framework_citation=rubric.framework.citation,
        binding=rubric.framework.binding,
        score=total,
        rating=rating,
        rating_label=bands[rating],
        rating_tone=score.band_tone(rubric, rating),
        uncapped_rating=uncapped,
        cap_reason=reason,
        scale=tuple(
            LevelInfo(
                id=lv.id,
                label=lv.label,
                value=lv.value,
                meaning=lv.meaning,
                tone=score.tone(i, len(rubric.scale)),
            )
            for i, lv in enumerate(rubric.scale)
        ),
        bands=tuple(
            BandInfo(
                id=b.id,
                label=b.label,
                min=b.min,
                meaning=b.meaning,
                tone=score.tone(i, len(rubric.bands)),
            )
            for i, b in enumerate(rubric.bands)
        ),
        criteria=tuple(criteria),
        level_counts=counts,
    )


def link_crosswalk(
    results: list[RubricResult], rubrics: Sequence[LoadedRubric]
) -> list[RubricResult]:
    """Attach, to each criterion, the level of the criteria in other rubrics it maps onto."""
    by_id = {c.id: c for r in results for c in r.criteria}
    declared = {
        f"{loaded.rubric.id}.{c.id}": c.crosswalk
        for loaded in rubrics
        for c in loaded.rubric.criteria
    }
    out = []
    for result in results:
        criteria = []
        for cr in result.criteria:
            links = tuple(
                CrosswalkLink(
                    criterion=other,
                    title=by_id[other].title,
                    level=by_id[other].level,
                    label=by_id[other].label,
                )
                for other in declared.get(cr.id, ())
                if other in by_id
            )
            criteria.append(cr.model_copy(update={"crosswalk": links}))
        out.append(result.model_copy(update={"criteria": tuple(criteria)}))
    return out


def key_findings(results: Sequence[RubricResult], limit: int = 5) -> tuple[str, ...]:
    """The first rubric's criteria short of its best level: critical ones first, then the
    lowest levels, then the heaviest weights; rubric order breaks ties."""
    if not results:
        return ()
    first = results[0]
    values = {lv.id: lv.value for lv in first.scale}
    short = [c for c in first.criteria if c.level != first.scale[0].id]
    ranked = sorted(
        enumerate(short),
        key=lambda ic: (not ic[1].critical, values.get(ic[1].level, 0.0), -ic[1].weight, ic[0]),
    )
    return tuple(c.id for _, c in ranked[:limit])
