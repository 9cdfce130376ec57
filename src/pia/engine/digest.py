"""The report's front matter, chosen from the Assessment: pure, no I/O.

A privacy officer reads page one and decides. This module picks what page one says (the governing
conclusion under the profile's primary rubric and the three to five findings that matter most),
consolidates the recommendations of every rubric into one list tied to the case's actions, and
places each criterion and risk in the profile section that discusses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pia.model.assessment import Assessment, CriterionResult, RubricResult
from pia.model.case import Case
from pia.model.digest import ConsolidatedRecommendation, Digest, SectionPlan, TopFinding
from pia.model.entries import entries_by_id
from pia.model.profile import Profile

MIN_TOP_FINDINGS = 3
MAX_TOP_FINDINGS = 5
MAX_RECOMMENDATIONS = 12
_PRIORITY = {"high": 0, "medium": 1, "low": 2}


def primary_result(assessment: Assessment, profile: Profile) -> RubricResult:
    """The profile's primary rubric, or the first rubric assessed when it was not loaded."""
    for result in assessment.rubrics:
        if result.id == profile.primary_rubric:
            return result
    return assessment.rubrics[0]


def digest(assessment: Assessment, case: Case, profile: Profile) -> Digest:
    primary = primary_result(assessment, profile)
    sections, unplaced = section_plans(assessment, case, profile, primary)
    return Digest(
        profile=profile.id,
        primary_rubric=primary.id,
        conclusion=conclusion(primary, assessment, case),
        rating=rating_words(primary),
        top_findings=top_findings(primary),
        recommendations=consolidated_recommendations(assessment, case, primary),
        sections=sections,
        unplaced_risks=unplaced,
    )


def _worst(result: RubricResult) -> str:
    return result.scale[-1].id


def record_is_older(latest_fact: str, as_of: date) -> bool:
    """Whether the latest fact a case knows (a partial date, perhaps approximate or a range)
    ends before the assessment date: ``2024-08`` before 2026-11-25, not ``2026-11`` before it."""
    latest = latest_fact.split("/")[-1].rstrip("~")
    return latest < as_of.isoformat()[: len(latest)]


def conclusion(primary: RubricResult, assessment: Assessment, case: Case) -> str:
    """One sentence: how the arrangement stands against the primary framework, and why. It is
    dated truthfully: where the latest fact the case knows is older than the assessment date,
    the arrangement is not known as it stood on that date, so the sentence speaks of the public
    record ("As the public record stood (latest fact known 2024-08; assessed 25 November
    2026), it rates ...")."""
    band = next((b for b in primary.bands if b.id == primary.rating), None)
    meaning = band.meaning.rstrip(".") if band is not None else primary.rating_label
    worst = [c for c in primary.criteria if c.level == _worst(primary)]
    critical = [c.title for c in worst if c.critical]
    total = len(primary.criteria)
    verb = "is" if len(worst) == 1 else "are"
    counted = f"{len(worst)} of its {total} criteria {verb} {primary.scale[-1].label.lower()}"
    if critical:
        counted += f", among them {_join(critical)}, which the framework treats as critical"
    as_of = assessment.assessed_as_of
    cutoff = case.knowledge_cutoff
    if cutoff is not None and record_is_older(str(cutoff.latest_fact), as_of):
        when = f"As the public record stood (latest fact known {cutoff.latest_fact}; assessed "
        when += f"{as_of:%-d %B %Y})"
    else:
        when = f"As the arrangement stood on {as_of:%-d %B %Y}"
    return (
        f"{when}, it rates “{primary.rating_label}” against the {primary.title}: "
        f"{meaning[:1].lower()}{meaning[1:]}; {counted}."
    )


def rating_words(primary: RubricResult) -> str:
    text = f"{primary.rating_label} ({primary.score:.1f} of 100)"
    if primary.cap_reason:
        uncapped = next((b.label for b in primary.bands if b.id == primary.uncapped_rating), "")
        if uncapped and uncapped != primary.rating_label:
            text += f"; held at this rating because a critical criterion is {_worst_label(primary)}"
    return text


def _worst_label(primary: RubricResult) -> str:
    return primary.scale[-1].label.lower()


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def top_findings(primary: RubricResult) -> tuple[TopFinding, ...]:
    """The criteria short of the best level (critical first, then lowest level, then heaviest
    weight; rubric order breaks ties), at most five, each with the sentence that decided it: the
    first failing finding, else the first not established."""
    values = {lv.id: lv.value for lv in primary.scale}
    short = [c for c in primary.criteria if c.level != primary.scale[0].id]
    ranked = sorted(
        enumerate(short),
        key=lambda ic: (not ic[1].critical, values.get(ic[1].level, 0.0), -ic[1].weight, ic[0]),
    )
    chosen = [c for _, c in ranked[:MAX_TOP_FINDINGS]]
    if len(chosen) < MIN_TOP_FINDINGS:
        rest = [c for c in primary.criteria if c not in chosen]
        chosen += rest[: MIN_TOP_FINDINGS - len(chosen)]
    return tuple(_top_finding(c) for c in chosen)


def _top_finding(c: CriterionResult) -> TopFinding:
    order = {"bad": 0, "unknown": 1, "good": 2}
    findings = sorted(c.findings, key=lambda f: order[f.bearing])
    if c.governed_by == "judgment" and c.judgment is not None:
        text, sources = c.judgment.rationale, c.judgment.sources
    elif findings:
        text, sources = findings[0].text, findings[0].sources
    else:
        text, sources = c.level_meaning, ()
    return TopFinding(
        criterion=c.id,
        title=c.title,
        label=c.label,
        tone=c.tone,
        critical=c.critical,
        governed_by_judgment=c.governed_by == "judgment",
        text=text,
        sources=tuple(sources),
    )


def consolidated_recommendations(
    assessment: Assessment, case: Case, primary: RubricResult
) -> tuple[ConsolidatedRecommendation, ...]:
    """Every rubric's recommendations as one list: each criterion of the primary rubric that falls
    short leads a group, and another rubric's recommendation joins the first group whose leader
    its crosswalk names (the same principle); the rest group the same way among themselves, the
    highest priority leading. Past twelve groups, groups on the same topic merge. A group takes
    its highest priority, and lists the case's actions that name one of its criteria."""
    criteria = {c.id: c for r in assessment.rubrics for c in r.criteria}
    by_rec = {r.criterion: r for r in assessment.recommendations}
    order = {c: i for i, c in enumerate(criteria)}

    def rank(criterion: str) -> tuple[int, int, int]:
        first = 0 if criterion.split(".", 1)[0] == primary.id else 1
        return (first, _PRIORITY[by_rec[criterion].priority], order[criterion])

    def linked(a: str, b: str) -> bool:
        return any(x.criterion == b for x in criteria[a].crosswalk) or any(
            x.criterion == a for x in criteria[b].crosswalk
        )

    groups: dict[str, list[str]] = {}
    for crit in sorted(by_rec, key=rank):
        home = next((lead for lead in groups if linked(lead, crit)), None)
        groups.setdefault(home or crit, []).append(crit)
    if len(groups) > MAX_RECOMMENDATIONS:
        merged: dict[str, list[str]] = {}
        by_topic: dict[str, str] = {}
        for lead, members in groups.items():
            topic = criteria[lead].dhs_pia_section
            if topic in by_topic:
                merged[by_topic[topic]] += members
            else:
                by_topic[topic] = lead
                merged[lead] = list(members)
        groups = merged
    out = []
    for lead, members in groups.items():
        ids = tuple(members)
        priority = min((by_rec[m].priority for m in ids), key=_PRIORITY.__getitem__)
        actions = tuple(a.id for a in case.actions if any(_names(c, ids) for c in a.criteria))
        out.append(
            ConsolidatedRecommendation(
                text=by_rec[lead].text,
                priority=priority,
                criteria=ids,
                titles=tuple(_title(assessment, criteria[m]) for m in ids),
                actions=actions,
            )
        )
    return tuple(sorted(out, key=lambda r: _PRIORITY[r.priority]))


def _names(written: str, ids: Sequence[str]) -> bool:
    """An action's criterion matches a qualified id, or a bare id any rubric uses."""
    return written in ids or any(i.split(".", 1)[1] == written for i in ids)


def _title(assessment: Assessment, c: CriterionResult) -> str:
    rubric = next(r for r in assessment.rubrics if c.id.startswith(r.id + "."))
    return f"{c.title} ({rubric.title})"


def section_plans(
    assessment: Assessment, case: Case, profile: Profile, primary: RubricResult
) -> tuple[tuple[SectionPlan, ...], tuple[str, ...]]:
    """Each topic section's criteria (the primary rubric's, by topic; the first section naming a
    topic takes it) and risks (a risk goes where most of the entries it rests on are described;
    profile order breaks ties). A profile without risk-bearing topic sections places none."""
    topics = [s for s in profile.sections if s.kind == "topic"]
    taken: set[str] = set()
    crit_of: dict[str, list[str]] = {s.id: [] for s in topics}
    for s in topics:
        for c in primary.criteria:
            if c.dhs_pia_section in s.topics and c.id not in taken:
                crit_of[s.id].append(c.id)
                taken.add(c.id)
    entries = entries_by_id(case)
    risk_of: dict[str, list[str]] = {s.id: [] for s in topics}
    unplaced: list[str] = []
    bearing = [s for s in topics if s.risks]
    for risk in assessment.risks:
        sections = [entries[b].section.split(".")[0] for b in risk.basis if b in entries]
        counts = [(sum(sec in s.facts for sec in sections), -i) for i, s in enumerate(bearing)]
        best = max(counts, default=(0, 0))
        if best[0] == 0:
            unplaced.append(risk.id)
        else:
            risk_of[bearing[-best[1]].id].append(risk.id)
    plans = tuple(
        SectionPlan(section=s.id, criteria=tuple(crit_of[s.id]), risks=tuple(risk_of[s.id]))
        for s in topics
    )
    return plans, tuple(unplaced)
