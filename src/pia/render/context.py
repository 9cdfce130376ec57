"""Everything the report template shows, gathered in one place so the template only lays out.

The numbers come from the Assessment; the facts from the case; the statuses on the assessment
date from the engine's as-of view. What is gathered here is presentation: anchors, citation
back-references, chart images and the flow diagram.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from pia.engine.criteria import source_order
from pia.engine.digest import digest as make_digest
from pia.engine.digest import primary_result
from pia.model.assessment import (
    Assessment,
    CriterionResult,
    Finding,
    Movement,
    Recommendation,
    RiskResult,
)
from pia.model.case import (
    DECISION_WORDS,
    DECISIONS,
    DPIA_TRIGGERS,
    ID_SECTIONS,
    Case,
    DpiaTrigger,
    Flow,
    Oversight,
    System,
)
from pia.model.common import CONFIDENCE_MEANINGS
from pia.model.diagnostics import (
    JUDGMENT_FAR_FROM_DERIVED,
    RULES_BY_CODE,
    UNVERIFIED_MITIGATION,
)
from pia.model.entries import declared_entries, entry_label
from pia.model.facts import is_unknown_list
from pia.model.profile import Paper, Profile
from pia.render import charts
from pia.render.diagram import flow_alt, flow_svg
from pia.render.wording import flow_labels, settled_as, words

#: Headings of a US federal PIA, in the order agency privacy offices read them. The research
#: brief notes the DHS 2010 template's exact headings were not retrieved; these are the
#: commonly used section topics, not a quotation of the template.
DHS_SECTIONS: tuple[tuple[str, str], ...] = (
    ("authorities", "Authorities and other requirements"),
    ("characterization", "Characterization of the information"),
    ("uses", "Uses of the information"),
    ("notice", "Notice"),
    ("retention", "Data retention"),
    ("sharing", "Information sharing"),
    ("redress", "Redress"),
    ("auditing", "Auditing and accountability"),
)


MAX_EVIDENCE_ENTRIES = 5


@dataclass(frozen=True)
class EvidenceView:
    """An indicator's evidence as the report shows it: a few entries, their sources once."""

    entries: tuple[str, ...]
    more: int
    sources: tuple[str, ...]


def evidence_view(indicator: Any) -> EvidenceView:
    entries = tuple(e.entry for e in indicator.evidence)
    sources = sorted(
        {s for e in indicator.evidence[:MAX_EVIDENCE_ENTRIES] for s in e.sources}, key=source_order
    )
    return EvidenceView(
        entries[:MAX_EVIDENCE_ENTRIES], max(0, len(entries) - MAX_EVIDENCE_ENTRIES), tuple(sources)
    )


def evidence_repeats(assessment: Assessment) -> dict[tuple[str, str], tuple[str, str]]:
    """(criterion, indicator) -> the (criterion, indicator) of the first row of the trace that
    shows the same evidence (entries, sources and unknown facts), for every row that repeats
    one: rubrics often ask the same question, and the trace prints its evidence once."""
    first: dict[tuple[Any, ...], tuple[str, str]] = {}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for r in assessment.rubrics:
        for c in r.criteria:
            for i in c.indicators:
                ev = evidence_view(i)
                if not (ev.entries or ev.sources or i.unknown_facts):
                    continue
                key = (ev.entries, ev.more, ev.sources, tuple(i.unknown_facts))
                if key in first:
                    out[(c.id, i.id)] = first[key]
                else:
                    first[key] = (c.id, i.id)
    return out


@dataclass
class Citations:
    """Source id -> where the report cites it (section labels, in report order, each once), and
    the criteria whose findings rest on it, per rubric (title -> criterion ids)."""

    places: dict[str, list[str]] = field(default_factory=dict)
    findings: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def add(self, sources: Sequence[str], label: str) -> None:
        for sid in sources:
            spots = self.places.setdefault(sid, [])
            if label not in spots:
                spots.append(label)

    def add_finding(self, sources: Sequence[str], rubric_title: str, criterion: str) -> None:
        for sid in sources:
            self.findings.setdefault(sid, {}).setdefault(rubric_title, set()).add(criterion)

    def cited_in(self, sid: str) -> tuple[list[str], list[str]]:
        """Where ``sid`` is cited, and per rubric how many criteria's findings rest on it. Words,
        not links: the reader reached the source by following a citation, and every link the
        PDF carries costs layout time."""
        rests = [f"{len(ids)} in {title}" for title, ids in self.findings.get(sid, {}).items()]
        return list(self.places.get(sid, [])), rests


def _states(assessment: Assessment, section: str) -> dict[str, str]:
    return {st.entry: st.status for st in assessment.states if st.section == section}


def _last_known(assessment: Assessment) -> dict[str, str]:
    """For an entry whose status on the date is unknown: the last status the case does know,
    with its date ("enjoined since 2026-02-05"), so a later unknown does not hide it."""
    out = {}
    for st in assessment.states:
        if st.last_known is not None:
            when = f" since {st.last_known_since}" if st.last_known_since else ""
            out[st.entry] = f"{st.last_known.replace('_', ' ')}{when}"
    return out


#: CSS page sizes by paper.
PAGE_SIZES: dict[str, str] = {"letter": "letter", "a4": "A4"}
#: Findings per criterion in the body; the rest are in the appendix trace.
BODY_FINDINGS = 3
#: Facts in the body's "what would change the rating"; the rest are in the appendix.
BODY_GAPS = 8
#: Party roles that take part in the arrangement (the body lists these; the appendix lists all).
ACTING_ROLES = frozenset({"discloser", "recipient", "requester", "signatory", "processor"})
#: Party roles that speak for the people concerned.
REPRESENTING_ROLES = frozenset({"subject_representative"})


def build_context(
    assessment: Assessment,
    case: Case,
    *,
    profile: Profile,
    paper: Paper,
    history: charts.HistorySeries | None = None,
) -> dict[str, Any]:
    cites = Citations()
    for d in declared_entries(case):
        if d.parent is not None or d.section in CITED_ELSEWHERE:
            continue
        sources = list(getattr(d.entry, "sources", ()))
        for nested in ("status", "standing", "count", "volume", "people", "rulings", "sides"):
            for item in getattr(d.entry, nested, ()) or ():
                sources += list(getattr(item, "sources", ()))
        cites.add(sources, section_title(d.section))
    for _key, _label, trigger in dpia_triggers(case):
        if trigger is not None:
            cites.add(trigger.sources, "DPIA triggers")
    for event in case.timeline:
        cites.add(event.sources, "Timeline")
    for result in assessment.rubrics:
        for c in result.criteria:
            srcs = [s for i in c.indicators for e in i.evidence for s in e.sources]
            if c.judgment:
                srcs += list(c.judgment.sources)
            cites.add_finding(srcs, result.title, c.id)
    for number, risk in enumerate(assessment.risks, start=1):
        cites.add(risk.sources, f"Risk R{number}")
    criteria = {c.id: c for r in assessment.rubrics for c in r.criteria}
    cited_in = {sid: cites.cited_in(sid) for sid in cites.places.keys() | cites.findings.keys()}
    groups = recommendation_groups(assessment)
    words = MoveWords(assessment)
    digest = make_digest(assessment, case, profile)
    primary = primary_result(assessment, profile)
    flow_parties = {f.from_ for f in case.flows} | {f.to for f in case.flows}
    body_parties = [
        p for p in case.parties if p.id in flow_parties or ACTING_ROLES.intersection(p.roles)
    ]
    risk_numbers = {r.id: n for n, r in enumerate(assessment.risks, start=1)}
    labels = flow_labels([f.id for f in case.flows])
    register = next(
        (s for s in profile.sections if s.kind == "risks"),
        next((s for s in profile.sections if s.kind == "action_plan"), profile.sections[0]),
    )
    figures = ["flows"] if case.flows else []
    figures += ["risk_map"] + (["history"] if history and history.points else [])
    return {
        "profile": profile,
        "paper": paper,
        "page_size": PAGE_SIZES[paper],
        "digest": digest,
        "conclusion": digest.conclusion,
        "residual_line": residual_line(assessment),
        "could_rise_to": {
            c.id: words.criteria[c.id][1].get(c.best_case_level, _say(c.best_case_level)).lower()
            for r in assessment.rubrics
            for c in r.criteria
            if c.basis == "not_demonstrated" and c.best_case_level != c.level
        },
        "primary": primary,
        "others": [r for r in assessment.rubrics if r.id != primary.id],
        "plans": {plan.section: plan for plan in digest.sections},
        "risks": {r.id: r for r in assessment.risks},
        "risk_titles": {r.id: r.title for r in assessment.risks},
        "body_findings": {c.id: body_findings(c) for c in primary.criteria},
        "decision_options": (
            case.sign_off.decision_options if case.sign_off is not None else DECISIONS
        ),
        "decision_words": DECISION_WORDS,
        "sign_off_anchor": next(
            (s.id for s in profile.sections if s.kind == "sign_off"), "decision"
        ),
        "has_officials": any(s.kind == "officials" for s in profile.sections),
        "risk_register_anchor": register.id,
        "risk_register_title": (f"{register.number}. " if register.number else "") + register.title,
        "scope": scope_text(case),
        "body_parties": body_parties,
        "hidden_parties": others_named(
            [p.name for p in case.parties if p.id not in {b.id for b in body_parties}],
            HIDDEN_PARTIES_NAMED,
        ),
        "representatives": [p for p in case.parties if REPRESENTING_ROLES.intersection(p.roles)],
        "flow_alt": flow_alt(case, assessment.states) if case.flows else "",
        "figure_numbers": {name: n for n, name in enumerate(figures, start=1)},
        "action_names": {act.id: _shorten(act.what, 80) for act in case.actions},
        "action_criteria": {
            act.id: [words.criteria.get(c, (c, {}))[0] for c in act.criteria]
            for act in case.actions
        },
        "top_gaps": list(assessment.sensitivity[:BODY_GAPS]),
        "history_chart": (
            (charts.data_uri(charts.history_svg(history)), charts.history_alt(history))
            if history and history.points
            else None
        ),
        "history_start": history.points[0][0] if history and history.points else None,
        "history_from_flow": bool(history and history.from_first_flow),
        "waiver_titles": {code: rule.summary.rstrip(".") for code, rule in RULES_BY_CODE.items()},
        "warning_text": [warning_words(w.code, w.subject, assessment) for w in assessment.warnings],
        "evidence_repeats": evidence_repeats(assessment),
        "evidence": {
            (c.id, i.id): evidence_view(i)
            for r in assessment.rubrics
            for c in r.criteria
            for i in c.indicators
        },
        "a": assessment,
        "case": case,
        "sources": sorted(case.sources, key=lambda s: source_order(s.id)),
        "cited_in": cited_in,
        "flow_labels": labels,
        "fact_labels": fact_labels(assessment, labels),
        "flow_notes": {
            note: flow_links(note, labels)
            for f in case.flows
            for note in (f.note, *(st.note for st in f.status))
            if note
        },
        "flow_status": _states(assessment, "flows"),
        "safeguard_status": _states(assessment, "safeguards"),
        "standing": _states(assessment, "authorities"),
        "last_known": _last_known(assessment),
        "oversight": by_date(case.oversight),
        "party_names": {p.id: p.name for p in case.parties},
        "data_names": {d.id: d.name for d in case.data},
        "subject_names": {s.id: s.name for s in case.subjects},
        "purpose_text": {
            p.id: (f"(alleged) {p.statement}" if p.kind == "alleged" else p.statement)
            for p in case.purposes
        },
        "indicator_state": {
            (c.id, i.id): i.state
            for r in assessment.rubrics
            for c in r.criteria
            for i in c.indicators
        },
        "arrangement_sections": arrangement_sections(case),
        "authority_names": {a.id: a.citation for a in case.authorities},
        "safeguard_names": {s.id: s.title for s in case.safeguards},
        "flow_svg": charts.data_uri(flow_svg(case, assessment.states)) if case.flows else None,
        "scorecards": {
            r.id: (charts.data_uri(charts.scorecard_svg(r)), charts.scorecard_alt(r))
            for r in assessment.rubrics
        },
        "risk_map": (
            charts.data_uri(charts.risk_map_svg(assessment.risks, assessment.risk_matrix)),
            charts.risk_map_alt(assessment.risks),
        ),
        "criteria": criteria,
        "key_findings": [criteria[k] for k in assessment.key_findings],
        "top_risks": list(assessment.risks[:3]),
        "recommendation_groups": groups,
        "top_recommendations": [rec for rec, _ in groups if rec.priority == "high"][:3],
        "dhs_sections": [
            (key, title, [c for c in criteria.values() if c.dhs_pia_section == key])
            for key, title in DHS_SECTIONS
        ],
        "risk_numbers": risk_numbers,
        "open_questions": case.open_questions,
        "criterion_names": {ident: name for ident, (name, _) in words.criteria.items()},
        "moves": {
            (item.fact, m.value): words.moves(m)
            for item in assessment.sensitivity
            for m in item.outcomes
        },
        "settled_as": {
            (item.fact, m.value): settled_as(item.section, item.field, m.value, m.setting)
            for item in assessment.sensitivity
            for m in item.outcomes
        },
        "entry_names": _entry_names(case),
        "confidence_meanings": CONFIDENCE_MEANINGS,
        "flow_route": {f.id: flow_route(f, case) for f in case.flows},
        "flow_kind": {f.id: flow_kind(f) for f in case.flows},
        "flow_via": {f.id: flow_via(f, case) for f in case.flows},
        "system_rows": {s.id: system_row(s, case) for s in case.systems},
        "risk_safeguards": {r.id: risk_safeguards(r) for r in assessment.risks},
        "risk_plan": {r.id: risk_plan(r, case) for r in assessment.risks},
        "risk_still": {r.id: risk_still(r) for r in assessment.risks},
        "dpia_triggers": dpia_triggers(case),
        "dpia_trigger_known": sum(
            t is not None and t.applies != "unknown" for _, _, t in dpia_triggers(case)
        ),
        "dpia_trigger_count": sum(
            t is not None and t.applies is True for _, _, t in dpia_triggers(case)
        ),
    }


def by_date(entries: Sequence[Oversight]) -> list[Oversight]:
    """Oversight in the order it happened, so the table reads as a timeline: by date (a partial
    date before the full dates it covers, an approximate one as if exact), the case's order
    among equal dates, undated last."""

    def key(entry: Oversight) -> tuple[bool, str]:
        when = "" if entry.date == "unknown" else str(entry.date)
        return (not when, when.replace("~", ""))

    return sorted(entries, key=key)


@dataclass(frozen=True)
class ResidualLine:
    """Page one's line on residual risk: how many risks, whether the safeguards in effect lower
    any, and how many stand at the most serious residual level, naming the first of them
    (``before`` + the risk's title, linked + ``after``)."""

    before: str
    named: RiskResult | None = None
    after: str = ""


def residual_line(assessment: Assessment) -> ResidualLine:
    risks = assessment.risks
    if not risks:
        return ResidualLine("The case records no privacy risk.")
    total = len(risks)
    lowered = sum(r.residual_likelihood < r.inherent_likelihood for r in risks)
    if lowered == 0:
        effect = "no safeguard in effect lowers " + ("any" if total > 1 else "it")
    elif lowered == total:
        effect = "the safeguards in effect lower " + ("all of them" if total > 1 else "it")
    else:
        effect = f"the safeguards in effect lower {lowered} of them"
    head = f"{total} privacy risk{'s' if total > 1 else ''}; {effect}. "
    worst = risks[0].residual_level  # the engine lists the most serious residual risk first
    at_worst = sum(r.residual_level == worst for r in risks)
    if at_worst == 1:
        return ResidualLine(
            head + "The most serious after safeguards is “", risks[0], f"” ({worst})."
        )
    if at_worst == total:
        return ResidualLine(head + f"All {total} are {worst} after safeguards.")
    return ResidualLine(
        head + f"{at_worst} are {worst} after safeguards, including “", risks[0], "”."
    )


def flow_links(text: str, labels: dict[str, str]) -> Markup:
    """A case's note with every flow it names by id named by the report's label, linked to that
    flow's record: a note that says "see F4a" reads "see F4" in a report that numbers that flow
    F4 (the case's id may be another flow's label)."""
    safe = str(escape(text))
    if not labels:
        return Markup(safe)
    ids = sorted(labels, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return Markup(
        pattern.sub(lambda m: f'<a href="#entry-{m.group(1)}">{labels[m.group(1)]}</a>', safe)
    )


def fact_labels(
    assessment: Assessment, labels: dict[str, str]
) -> dict[str, tuple[str | None, str]]:
    """Each fact the trace and Appendix C name (``entry.field``) -> (the flow it is about, or
    None, and how it is printed): a flow's fact under the flow's label (``F9 automated
    matching``), not the case's id for it, which may be another flow's label; other facts as
    the case names them."""
    facts = {
        f
        for r in assessment.rubrics
        for c in r.criteria
        for i in c.indicators
        for f in i.unknown_facts
    }
    facts |= {item.fact for item in assessment.sensitivity}
    out: dict[str, tuple[str | None, str]] = {}
    for fact in sorted(facts):
        flow = next(
            (fid for fid in sorted(labels, key=len, reverse=True) if fact.startswith(fid + ".")),
            None,
        )
        if flow is None:
            out[fact] = (None, fact)
        else:
            out[fact] = (flow, f"{labels[flow]} {words(fact[len(flow) + 1 :])}")
    return out


def recommendation_groups(
    assessment: Assessment,
) -> list[tuple[Recommendation, list[Recommendation]]]:
    """Each recommendation with those of other rubrics' criteria it names as the same principle
    (its crosswalk), so one gap seen through four frameworks is one row, not four. The first
    recommendation of a group (highest priority, then rubric order) leads it."""
    crosswalk = {
        c.id: {x.criterion for x in c.crosswalk} for r in assessment.rubrics for c in r.criteria
    }
    grouped: set[str] = set()
    groups = []
    for rec in assessment.recommendations:
        if rec.criterion in grouped:
            continue
        grouped.add(rec.criterion)
        same = [
            other
            for other in assessment.recommendations
            if other.criterion not in grouped
            and (
                other.criterion in crosswalk[rec.criterion]
                or rec.criterion in crosswalk[other.criterion]
            )
        ]
        grouped.update(other.criterion for other in same)
        groups.append((rec, same))
    return groups


class MoveWords:
    """Movements in words: "Oversight (pia core): Not met → Partially met", not
    "core.oversight: not_met -> partially_met"; the name tables are built once per report."""

    def __init__(self, assessment: Assessment) -> None:
        self.criteria = {
            c.id: (f"{c.title} ({r.title})", {lv.id: lv.label for lv in r.scale})
            for r in assessment.rubrics
            for c in r.criteria
        }
        self.ratings = {
            r.id: (r.title, {b.id: b.label for b in r.bands}) for r in assessment.rubrics
        }
        self.risks = {r.id: r.title for r in assessment.risks}

    def moves(self, move: Movement) -> list[str]:
        out = []
        for c in move.criteria:
            name, labels = self.criteria.get(c.id, (c.id, {}))
            out.append(f"{name}: {labels.get(c.before, c.before)} → {labels.get(c.after, c.after)}")
        for c in move.ratings:
            name, bands = self.ratings.get(c.id, (c.id, {}))
            out.append(
                f"{name} rating: {bands.get(c.before, c.before)} → {bands.get(c.after, c.after)}"
            )
        for c in move.risks:
            out.append(f"Residual risk “{self.risks.get(c.id, c.id)}”: {c.before} → {c.after}")
        return out


def _entry_names(case: Case) -> dict[str, str]:
    """Entry id -> a short human name, for links that would otherwise show an id."""
    return {d.id: _shorten(entry_label(d.entry)) for d in declared_entries(case)}


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def section_title(section: str) -> str:
    """A case section's heading, as the case format defines it."""
    info = Case.model_fields.get(section)
    return info.title if info is not None and info.title else section


#: Sections cited under their own headings (risks as R1, R2...), not as facts.
CITED_ELSEWHERE = frozenset({"risks", "open_questions"})
#: Sections the report gives one heading together, with the title of that heading.
COMBINED_SECTIONS = (("retention", "notice", "redress", "data_quality"), "other-facts")


def arrangement_sections(case: Case) -> list[tuple[str, str]]:
    """(anchor, heading) of each section of the arrangement that has entries."""
    combined, anchor = COMBINED_SECTIONS
    out: list[tuple[str, str]] = []
    described = [n for n in Case.model_fields if n in ID_SECTIONS or n == "timeline"]
    for section in (n for n in described if n not in CITED_ELSEWHERE):
        if section in combined:
            if section == combined[0] and any(getattr(case, name) for name in combined):
                titles = [section_title(name).lower() for name in combined]
                heading = ", ".join(titles[:-1]) + " and " + titles[-1]
                out.append((anchor, heading[:1].upper() + heading[1:]))
        elif section == "parties" or getattr(case, section):
            out.append((section, section_title(section)))
    return out


def body_findings(c: CriterionResult) -> list[Finding]:
    """The few findings the body prints for a criterion: what fails first, then what is not
    established, then what holds (the engine's order within each)."""
    order = {"bad": 0, "unknown": 1, "good": 2}
    return sorted(c.findings, key=lambda f: order[f.bearing])[:BODY_FINDINGS]


def scope_text(case: Case) -> str:
    """The arrangement in two sentences: the case's own ``report.scope`` if it gives one, else
    the first paragraph of its summary."""
    if case.report is not None and case.report.scope:
        return " ".join(case.report.scope.split())
    first = case.summary.strip().split("\n\n", 1)[0]
    return " ".join(first.replace("**", "").split())


def warning_words(code: str, subject: str, assessment: Assessment) -> str:
    """A quality warning as the reader is told it: names, not ids."""
    risks = {r.id: r.title for r in assessment.risks}
    criteria = {c.id: c for r in assessment.rubrics for c in r.criteria}
    if code == UNVERIFIED_MITIGATION.name and subject in risks:
        return (
            f"The residual risk “{risks[subject]}” is lowered only by safeguards that nobody "
            "independent has verified."
        )
    if code == JUDGMENT_FAR_FROM_DERIVED.name and subject in criteria:
        c = criteria[subject]
        return (
            f"The assessor rated {c.title} “{c.label.lower()}”; the facts alone give "
            f"“{c.derived_label.lower()}”."
        )
    rule = next((r for r in RULES_BY_CODE.values() if r.name == code), None)
    return rule.summary if rule is not None else code


def _say(value: str) -> str:
    return value.replace("_", " ")


def _names(ids: Sequence[str], names: dict[str, str]) -> str:
    """A list of references in names; ``unknown`` when the case leaves it unknown, ``none``
    when it says there is none."""
    if is_unknown_list(ids):
        return "unknown"
    return ", ".join(names.get(i, i) for i in ids) or "none"


def _node_names(case: Case) -> dict[str, str]:
    return {p.id: p.name for p in case.parties} | {s.id: s.name for s in case.systems}


#: How a flow's direction joins its ends.
ARROWS = {"one_way": "→", "two_way": "↔", "unknown": "→"}


def flow_route(flow: Flow, case: Case) -> str:
    """``IRS → Kiteworks → ICE``: the flow's ends and what it passes through, with ``↔`` for a
    two-way flow."""
    names = _node_names(case)
    stops = [flow.from_, *flow.via, flow.to]
    return f" {ARROWS[flow.direction]} ".join(names.get(i, i) for i in stops)


def flow_via(flow: Flow, case: Case) -> str:
    """What a flow passes through on its way, in order: ``direct`` when the case says nothing
    does, ``unknown`` when it does not say."""
    if is_unknown_list(flow.via):
        return "unknown"
    names = _node_names(case)
    return " → ".join(names.get(i, i) for i in flow.via) or "direct"


def flow_kind(flow: Flow) -> tuple[str, str]:
    """(``disclosure``, ``one way``): each ``... unknown`` where the case leaves it unknown."""
    kind = "kind unknown" if flow.kind == "unknown" else _say(flow.kind)
    direction = "direction unknown" if flow.direction == "unknown" else _say(flow.direction)
    return kind, direction


def _period(since: object, until: object) -> str:
    """``2023-09 – 2024-03: ``, ``from 2023-09: ``, ``until 2024-03: `` or nothing."""
    if since and until:
        return f"{since} – {until}: "
    if since:
        return f"from {since}: "
    return f"until {until}: " if until else ""


def system_row(system: System, case: Case) -> tuple[str, str, str, str, str]:
    """(owner, operator, hosting, dated status, predecessors and successors) in words."""
    names = _node_names(case)
    hosting = _say(system.hosting)
    if system.hosted_by:
        hosting += f" ({_names(system.hosted_by, names)})"
    history = "; ".join(_period(st.since, st.until) + _say(st.status) for st in system.status)
    lineage = []
    if system.predecessors:
        lineage.append(f"replaces {_names(system.predecessors, names)}")
    if system.successors:
        lineage.append(f"replaced by {_names(system.successors, names)}")
    return (
        _names(system.owners, names),
        _names(system.operators, names),
        hosting,
        history or "unknown",
        "; ".join(lineage),
    )


def risk_plan(risk: RiskResult, case: Case) -> str:
    """The treatment, owner and target the case gives a risk, in one sentence (empty when it
    gives none)."""
    parts = []
    if risk.treatment and risk.treatment != "unknown":
        parts.append(f"Treatment: {_say(risk.treatment)}")
    if risk.owner:
        parts.append(f"owner: {_node_names(case).get(risk.owner, risk.owner)}")
    target = risk.target
    if target is not None:
        scales = ", ".join(
            f"{name} {value}"
            for name, value in (("likelihood", target.likelihood), ("severity", target.severity))
            if value is not None
        )
        text = "target: " + (target.level or "")
        text += f" ({scales})" if target.level and scales else scales
        if target.by:
            text += f" by {target.by}"
        parts.append(text.replace(":  ", ": "))
    if not parts:
        return ""
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def risk_safeguards(risk: RiskResult) -> str:
    """The safeguards recorded against a risk, each with its status and what it takes off the
    likelihood, as one sentence; "No safeguard recorded." when the case records none, and empty
    when it leaves them unknown (:func:`risk_still` says so)."""
    if is_unknown_list(risk.mitigations):
        return ""
    if not risk.mitigations:
        return "No safeguard recorded."
    return (
        "; ".join(
            f"{m.title} ({words(m.status)}"
            + (f", lowers likelihood by {m.reduction:g}" if m.reduction else "")
            + ")"
            for m in risk.mitigations
        )
        + "."
    )


#: How many of the parties outside the flows page one's party table names before "N more".
HIDDEN_PARTIES_NAMED = 6


def others_named(names: Sequence[str], limit: int) -> str:
    """``A, B and C``; past ``limit`` names, the first ``limit - 1`` and ``N more``; empty for
    none."""
    if not names:
        return ""
    if len(names) > limit:
        shown = list(names[: limit - 1])
        return _listed([*shown, f"{len(names) - len(shown)} more"], "and")
    return _listed(names, "and")


def _or(items: Sequence[str]) -> str:
    return _listed(items, "or")


def _listed(items: Sequence[str], conjunction: str) -> str:
    """``A, B and C`` (or ``A, B or C``)."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def risk_still(risk: RiskResult) -> str:
    """For a risk whose residual level is its inherent level: what would move it, naming each
    safeguard whose verification would lower its likelihood and to what (the engine's
    ``if_verified``); empty for a risk whose level moves."""
    if risk.residual_level != risk.inherent_level:
        return ""
    lead = "Its level does not move"
    if risk.if_verified:
        outcomes: dict[tuple[int, str], list[str]] = {}
        for e in risk.if_verified:
            outcomes.setdefault((e.residual_likelihood, e.residual_level), []).append(e.title)
        recorded = [m.title for m in risk.mitigations]
        if len(outcomes) == 1 and len(recorded) > 1 and set(*outcomes.values()) == set(recorded):
            # The register has just listed them all: not again, in full.
            (likelihood, level), _ = next(iter(outcomes.items()))
            return (
                f"{lead}: verifying any one of these safeguards would lower its likelihood to "
                f"{likelihood} ({level})."
            )
        moves = "; ".join(
            ("verifying " if len(names) == 1 else "verifying any one of ")
            + _or(names)
            + f" would lower its likelihood to {likelihood} ({level})"
            for (likelihood, level), names in outcomes.items()
        )
        return f"{lead}: {moves}."
    if is_unknown_list(risk.mitigations):
        return f"{lead}: the case does not establish which safeguards mitigate it."
    if not risk.mitigations:
        return f"{lead}: no safeguard is recorded against it."
    return f"{lead}, and verifying any one of its safeguards would not lower its likelihood."


def dpia_triggers(case: Case) -> list[tuple[str, str, DpiaTrigger | None]]:
    """(key, name, what the case says or None) for each of the EDPB's nine criteria, in the
    guidelines' order; None is a criterion the case leaves unknown."""
    given = case.dpia_triggers
    return [
        (key, label, getattr(given, key) if given is not None else None)
        for key, label in DPIA_TRIGGERS.items()
    ]
