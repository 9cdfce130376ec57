"""``assess(case, rubrics)``: a pure function from facts and criteria to an Assessment.

No I/O, no clock, no randomness: the date to judge at is an argument (default: the case's
``as_of``), the rubric hashes come in with the rubrics, and every collection is walked in a
declared order (rubric order for criteria, case order for entries, sorted ids for sets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pia import __version__
from pia.diagnostics import Diagnostic, DiagnosticError
from pia.engine import score
from pia.engine.sensitivity import sensitivity
from pia.engine.view import build_view
from pia.expr import Outcome, Recorder, TracedMap, Truth, Unknown, evaluate, to_cel
from pia.model.assessment import (
    Assessment,
    BandInfo,
    CaseInfo,
    CriterionResult,
    CrosswalkLink,
    EvidenceRef,
    IndicatorResult,
    JudgmentResult,
    LevelInfo,
    MitigationResult,
    QualityWarning,
    Recommendation,
    RiskResult,
    RubricResult,
    TruthValue,
)
from pia.model.case import ID_SECTIONS, Case
from pia.model.rubric import Criterion, Rubric
from pia.rubrics import LoadedRubric

TRUTH_VALUES: dict[Truth, TruthValue] = {
    Truth.TRUE: "true",
    Truth.FALSE: "false",
    Truth.UNKNOWN: "unknown",
}


@dataclass
class Run:
    """Everything one assessment run evaluates, shared by scoring and the sensitivity analysis."""

    case: Case
    rubrics: Sequence[LoadedRubric]
    day: date
    view: dict[str, Any]
    recorder: Recorder
    activation: dict[str, Any]
    #: entry id -> the CEL map standing for it (for substituting one fact at a time)
    maps: dict[str, TracedMap]
    #: entry id -> (section, confidence, sources)
    entries: dict[str, tuple[str, str, tuple[str, ...]]]
    outcomes: dict[tuple[str, str, str], Outcome] = field(default_factory=dict)
    #: entry id -> sources of the status in force on the date (flows, safeguards, authorities)
    status_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def truths(self, rubric: Rubric, criterion: Criterion) -> dict[str, Truth]:
        return {
            ind.id: self.outcomes[(rubric.id, criterion.id, ind.id)].truth
            for ind in criterion.indicators
        }

    def evaluate_all(self) -> None:
        """Evaluate every indicator once. Rubrics often ask the same question (the same CEL
        text); within one run the answer is the same, so it is computed once."""
        problems: list[Diagnostic] = []
        by_source: dict[str, Outcome] = {}
        for loaded in self.rubrics:
            for criterion in loaded.rubric.criteria:
                for ind in criterion.indicators:
                    compiled = loaded.compiled[(criterion.id, ind.id)]
                    outcome = by_source.get(compiled.source)
                    if outcome is None:
                        outcome = evaluate(compiled, self.activation, self.recorder)
                        by_source[compiled.source] = outcome
                    if outcome.error is not None:
                        line, col = loaded.positions[(criterion.id, ind.id)]
                        problems.append(
                            Diagnostic(
                                loaded.path,
                                line,
                                col,
                                "PIA-E032",
                                f"indicator {criterion.id}/{ind.id} failed on case "
                                f"{self.case.id!r}: {outcome.error}",
                                "an error is never read as false; fix the expression",
                            )
                        )
                    self.outcomes[(loaded.rubric.id, criterion.id, ind.id)] = outcome
        if problems:
            raise DiagnosticError(problems)


def prepare(case: Case, rubrics: Sequence[LoadedRubric], day: date) -> Run:
    view = build_view(case, day)
    recorder = Recorder()
    root = to_cel(view, recorder)
    maps: dict[str, TracedMap] = {}
    for section in [*ID_SECTIONS, "litigation"]:
        for item in root.get(section, []):
            if isinstance(item, TracedMap) and item.entry is not None:
                maps[item.entry] = item
    for suit in root.get("litigation", []):
        for ruling in suit.get("rulings", []):
            if isinstance(ruling, TracedMap) and ruling.entry is not None:
                maps[ruling.entry] = ruling
    recorder.reset()
    status_sources = {
        e["id"]: tuple(e.get("status_sources") or ())
        for section in ("flows", "safeguards", "authorities")
        for e in view.get(section, [])
    }
    return Run(
        case,
        rubrics,
        day,
        view,
        recorder,
        {"case": root},
        maps,
        entry_index(case),
        status_sources=status_sources,
    )


def entry_index(case: Case) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for section in ID_SECTIONS:
        for entry in getattr(case, section):
            sources = tuple(getattr(entry, "sources", ()))
            out[entry.id] = (section, getattr(entry, "confidence", "confirmed"), sources)
    for suit in case.litigation:
        for ruling in suit.rulings:
            out[ruling.id] = ("litigation", ruling.confidence, tuple(ruling.sources))
    return out


def assess(
    case: Case,
    rubrics: Sequence[LoadedRubric],
    *,
    as_of: date | None = None,
    case_sha256: str = "",
    with_sensitivity: bool = True,
) -> Assessment:
    """Score ``case`` against ``rubrics`` as the arrangement stood on ``as_of``.

    ``with_sensitivity=False`` skips the "what would change the rating" analysis (its list is
    then empty), for callers that only compare results, like ``pia diff``."""
    day = as_of or case.as_of
    run = prepare(case, rubrics, day)
    run.evaluate_all()
    rubric_results = [rubric_result(run, loaded) for loaded in rubrics]
    rubric_results = link_crosswalk(rubric_results, rubrics)
    risks = sorted(
        (risk_result(run, risk_index) for risk_index in range(len(case.risks))),
        key=lambda r: (
            -r.residual_likelihood * r.residual_severity,
            -r.inherent_likelihood * r.inherent_severity,
        ),
    )
    return Assessment(
        pia_version=__version__,
        assessed_as_of=day,
        case=CaseInfo(
            id=case.id,
            title=case.title,
            sha256=case_sha256,
            as_of=case.as_of,
            knowledge_cutoff=case.knowledge_cutoff.latest_fact if case.knowledge_cutoff else None,
        ),
        rubrics=tuple(rubric_results),
        key_findings=key_findings(rubric_results),
        risks=tuple(risks),
        recommendations=tuple(recommendations(rubric_results)),
        sensitivity=tuple(sensitivity(run)) if with_sensitivity else (),
        warnings=tuple(quality_warnings(rubric_results, risks, case, rubrics)),
        scoring_rules=score.SCORING_RULES,
    )


# --- criteria and rubrics --------------------------------------------------------------------


def evidence_refs(run: Run, outcome: Outcome) -> tuple[EvidenceRef, ...]:
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
    found = []
    for entry, fld in sorted(outcome.evidence):
        cel_map = run.maps.get(entry)
        if cel_map is not None and cel_map.is_unknown(fld):
            found.append(f"{entry}.{fld}")
    return tuple(found)


def criterion_result(run: Run, loaded: LoadedRubric, criterion: Criterion) -> CriterionResult:
    rubric = loaded.rubric
    truths = run.truths(rubric, criterion)
    lr = score.criterion_level(rubric, criterion, truths)
    indicators = []
    evidence_conf: list[str] = []
    for ind in criterion.indicators:
        outcome = run.outcomes[(rubric.id, criterion.id, ind.id)]
        refs = evidence_refs(run, outcome)
        if outcome.truth is not Truth.UNKNOWN:
            evidence_conf.extend(r.confidence for r in refs)
        indicators.append(
            IndicatorResult(
                id=ind.id,
                description=ind.description,
                when=ind.when,
                effect=ind.effect,
                weight=ind.weight,
                state=TRUTH_VALUES[outcome.truth],
                bearing=score.bearing(ind.effect, outcome.truth),
                caps=ind.caps,
                evidence=refs,
                unknown_facts=unknown_reads(run, outcome),
            )
        )
    confidence, detail = criterion_confidence(lr.determined, evidence_conf)
    levels = {lv.id: lv for lv in rubric.scale}
    label = levels[lr.level].label if lr.level in levels else "Unknown"
    meaning = criterion.levels.get(lr.level, "The indicators could not be settled from the case.")
    judgment = judgment_result(run.case, rubric, criterion, lr.level)
    worst_ok = lr.level == rubric.scale[0].id
    return CriterionResult(
        id=f"{rubric.id}.{criterion.id}",
        title=criterion.title,
        question=criterion.question,
        why=criterion.why,
        references=tuple(f"{r.framework} {r.ref}" for r in criterion.references),
        weight=criterion.weight,
        critical=criterion.critical,
        level=lr.level,
        label=label,
        level_meaning=meaning,
        score=round(score.level_value(rubric, lr.level) * criterion.weight, 3),
        share=round(lr.share, 3),
        best_case_level=lr.best_case_level,
        capped_by=lr.capped_by,
        confidence=confidence,  # type: ignore[arg-type]
        confidence_detail=detail,
        indicators=tuple(indicators),
        judgment=judgment,
        recommendation=None if worst_ok else criterion.recommendation,
        false_positives=criterion.false_positives,
        dhs_pia_section=criterion.dhs_pia_section,
    )


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


def judgment_result(
    case: Case, rubric: Rubric, criterion: Criterion, derived: str
) -> JudgmentResult | None:
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
        uncapped_rating=uncapped,
        cap_reason=reason,
        scale=tuple(
            LevelInfo(id=lv.id, label=lv.label, value=lv.value, meaning=lv.meaning)
            for lv in rubric.scale
        ),
        bands=tuple(
            BandInfo(id=b.id, label=b.label, min=b.min, meaning=b.meaning) for b in rubric.bands
        ),
        criteria=tuple(criteria),
        level_counts=counts,
    )


def link_crosswalk(
    results: list[RubricResult], rubrics: Sequence[LoadedRubric]
) -> list[RubricResult]:
    """Attach, to each criterion, the level of the criteria in other rubrics it maps onto."""
    by_id = {c.id: c for r in results for c in r.criteria}
    declared = {f"{lr.rubric.id}.{c.id}": c.crosswalk for lr in rubrics for c in lr.rubric.criteria}
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


# --- risks -------------------------------------------------------------------------------------


def safeguard_statuses(view: Mapping[str, Any]) -> dict[str, str]:
    """Safeguard id -> status on the assessment date (``unknown`` when not known)."""
    out = {}
    for sg in view.get("safeguards", []):
        status = sg.get("status")
        out[sg["id"]] = "unknown" if isinstance(status, Unknown) else str(status)
    return out


def risk_result(run: Run, index: int, statuses: Mapping[str, str] | None = None) -> RiskResult:
    risk = run.case.risks[index]
    statuses = statuses if statuses is not None else safeguard_statuses(run.view)
    titles = {sg.id: sg.title for sg in run.case.safeguards}
    sources = {sg.id: tuple(sg.sources) for sg in run.case.safeguards}
    mitigations = []
    for sg in risk.mitigations:
        status = statuses.get(sg, "absent")  # not yet in existence on the date: no effect
        mitigations.append(
            MitigationResult(
                safeguard=sg,
                title=titles.get(sg, sg),
                status=status,
                reduction=score.MITIGATION_STRENGTH.get(status, 0.0),
                sources=sources.get(sg, ()),
            )
        )
    residual = score.residual_likelihood(risk.likelihood, [m.status for m in mitigations])
    return RiskResult(
        id=risk.id,
        title=risk.title,
        description=risk.description,
        feared_event=risk.feared_event,
        rationale=risk.rationale,
        inherent_likelihood=risk.likelihood,
        inherent_severity=risk.severity,
        inherent_level=score.risk_level(risk.likelihood, risk.severity),
        residual_likelihood=residual,
        residual_severity=risk.severity,
        residual_level=score.risk_level(residual, risk.severity),
        mitigations=tuple(mitigations),
        basis=tuple(risk.basis),
        sources=tuple(risk.sources),
    )


# --- recommendations and warnings -----------------------------------------------------------


def recommendations(results: Sequence[RubricResult]) -> list[Recommendation]:
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
    out: list[QualityWarning] = []
    for risk in risks:
        lowered = risk.residual_likelihood < risk.inherent_likelihood
        if lowered and not any(m.status == "verified" for m in risk.mitigations):
            out.append(
                QualityWarning(
                    code="unverified-mitigation",
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
            derived = scale.get(cr.level, 0.0)
            if abs(scale[j.level] - derived) >= 0.5:
                out.append(
                    QualityWarning(
                        code="judgment-far-from-derived",
                        subject=cr.id,
                        message=f"the assessor judged {cr.id} '{j.level}' but the indicators give "
                        f"'{cr.level}'",
                    )
                )
    known = {f"{lr.rubric.id}.{c.id}": lr.rubric for lr in rubrics for c in lr.rubric.criteria}
    loaded_ids = {lr.rubric.id for lr in rubrics}
    for key, judged in sorted(case.judgments.items()):
        rubric_id = key.split(".", 1)[0]
        if rubric_id in loaded_ids and key not in known:
            out.append(
                QualityWarning(
                    code="judgment-unknown-criterion",
                    subject=key,
                    message=f"judgment {key!r} names no criterion of rubric {rubric_id!r}",
                )
            )
        elif key in known and judged.level not in {lv.id for lv in known[key].scale}:
            out.append(
                QualityWarning(
                    code="judgment-unknown-level",
                    subject=key,
                    message=f"judgment {key!r} uses level {judged.level!r}, "
                    "which is not on the rubric's scale",
                )
            )
    return out
