"""Change over time: one case judged on several dates, and the dated facts that moved each result.

A case records when things happened: a ruling, a flow's or a safeguard's change of status, an
authority's standing, an oversight activity, a notice coming into force, a timeline event. Judged
on two dates, the same case can give different results, and a reader needs to know *which* of
those facts moved them, above all where a score rises: a rubric that rewards oversight rises when
an inspector general reports, even if the report found the safeguards failing.

- :func:`dated_facts` lists every dated fact of a case, in date order;
- :func:`date_diff` judges the case on two dates and names, for every criterion level, rubric
  score and residual risk that moved, the facts dated between the two that the moved indicators
  read;
- :func:`case_history` judges the case on every date a fact is dated and keeps the dates on which
  a result moved, with every rubric's score and band after each.

Pure: the case is assessed here with :func:`pia.engine.assess` on the dates asked; nothing reads
a clock or a file. A fact "between" two dates takes effect after the first and on or before the
second (a partial date counts from its first day, as everywhere in pia).
"""

from __future__ import annotations

import graphlib
import pickle
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import Field

from pia.cel.evaluate import Compiled, Outcome
from pia.cel.rubric import LoadedRubric
from pia.cel.values import Recorder, TracedMap
from pia.engine import assess
from pia.engine.diff import RubricInfo
from pia.engine.run import Carried
from pia.engine.view import build_view, undated_after_dated
from pia.model.assessment import Assessment, CriterionResult, RiskResult, RubricResult
from pia.model.case import Case
from pia.model.common import UNKNOWN, Date, Model, partial_start
from pia.model.view import HISTORIES, JOINS

HISTORY_SCHEMA_VERSION: Literal["1.0"] = "1.0"

FactKind = Literal[
    "flow", "flow-status", "safeguard-status", "standing", "notice", "oversight", "lawsuit",
    "ruling", "timeline",
]  # fmt: skip

#: Order of kinds on one day: what a court did first, then what followed from it.
_KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            "lawsuit",
            "ruling",
            "standing",
            "flow",
            "flow-status",
            "safeguard-status",
            "notice",
            "oversight",
            "timeline",
        )
    )
}
Direction = Literal["up", "down", "changed"]


class DatedFact(Model):
    """One thing that happened on a date, as the case records it."""

    date: str
    """As the case writes it: ``2025``, ``2025-08`` or ``2025-08-07``."""
    day: Date
    """The day it takes effect: the first day the date can mean."""
    kind: FactKind
    entry: str | None
    """The entry it belongs to (the flow whose status changed, the ruling); None for an event."""
    text: str
    """One line, in the case's words."""
    by: str | None = None
    """The ruling that set a status or standing, where the case says so."""
    refs: tuple[str, ...] = ()
    """For a timeline event, the entries it concerns."""
    sources: tuple[str, ...] = ()


class IndicatorShift(Model):
    id: str
    description: str
    old_state: str
    new_state: str
    facts: tuple[DatedFact, ...]
    """Facts dated between the two dates among the entries the indicator read on either date
    (and the rulings that set their status). Empty: none of them is dated in between."""


class CriterionShift(Model):
    id: str
    title: str
    old_level: str
    new_level: str
    old_label: str
    new_label: str
    direction: Direction
    indicators: tuple[IndicatorShift, ...]


class RubricShift(Model):
    id: str
    title: str
    old_score: float
    new_score: float
    old_rating: str
    new_rating: str
    old_rating_label: str
    new_rating_label: str
    criteria: tuple[CriterionShift, ...]
    raised_by: tuple[DatedFact, ...]
    """The facts behind the criteria that rose, in date order."""
    lowered_by: tuple[DatedFact, ...]
    """The facts behind the criteria that fell, in date order."""


class RiskShift(Model):
    id: str
    title: str
    old_likelihood: int
    new_likelihood: int
    severity: int
    old_level: str
    new_level: str
    facts: tuple[DatedFact, ...]
    """Facts about the risk or its mitigating safeguards dated between the two dates."""


class DateDiff(Model):
    """The same case judged on two dates."""

    schema_version: Literal["1.0"] = HISTORY_SCHEMA_VERSION
    case_id: str
    title: str
    from_: Date = Field(alias="from")
    to: Date
    rubrics: tuple[RubricInfo, ...]
    moved: bool
    rubric_shifts: tuple[RubricShift, ...]
    risk_shifts: tuple[RiskShift, ...]
    facts: tuple[DatedFact, ...]
    """Every fact dated between the two dates, in date order, whether it moved a result or not."""


class RubricPoint(Model):
    id: str
    score: float
    rating: str
    rating_label: str


class HistoryStep(Model):
    """A date on which at least one result moved, and the state after it."""

    date: Date
    facts: tuple[DatedFact, ...]
    """The facts dated since the previous date judged (so, on this date)."""
    scores: tuple[RubricPoint, ...]
    rubric_shifts: tuple[RubricShift, ...]
    risk_shifts: tuple[RiskShift, ...]


class History(Model):
    schema_version: Literal["1.0"] = HISTORY_SCHEMA_VERSION
    case_id: str
    title: str
    as_of: Date
    rubrics: tuple[RubricInfo, ...]
    start: Date
    """The first date a fact is dated: where the history begins."""
    start_scores: tuple[RubricPoint, ...]
    until: Date
    steps: tuple[HistoryStep, ...]
    dates_judged: int


# --- dated facts -----------------------------------------------------------------------------


def _when(value: str | None) -> tuple[str, date] | None:
    if value is None or value == UNKNOWN:
        return None
    return value, partial_start(value)


def _short(text: str, limit: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _dated(value: str | None, **fields: Any) -> DatedFact | None:
    """The fact dated by ``value``, or None when the date is absent or unknown."""
    when = _when(value)
    return None if when is None else DatedFact(date=when[0], day=when[1], **fields)


def _undated(case: Case) -> Iterator[DatedFact | None]:
    """The statuses a case gives without a date after dated ones: each is in force from the
    case's ``as_of`` (see :mod:`pia.engine.view`), so a result can move on that day."""
    histories: list[tuple[str, str, Sequence[Any]]] = [
        *(("flow-status", f"flow {e.id}", e.status) for e in case.flows),
        *(("safeguard-status", f"safeguard {e.id}", e.status) for e in case.safeguards),
        *(("standing", f"authority {e.id}", e.standing) for e in case.authorities),
    ]
    for kind, name, states in histories:
        after = undated_after_dated([s.since for s in states])
        for state, late in zip(states, after, strict=True):
            if late:
                yield _dated(
                    case.as_of.isoformat(),
                    kind=kind,
                    entry=name.split(" ", 1)[1],
                    text=f"{name}: {state.status} (undated; in force by the case's date)",
                    by=getattr(state, "by", None),
                    sources=state.sources,
                )


def _facts(case: Case) -> Iterator[DatedFact | None]:
    """Every dated fact of the case, with None where an entry's date is absent or unknown."""
    yield from _undated(case)
    for flow in case.flows:
        for value, verb in ((flow.since, "begins"), (flow.until, "ends")):
            yield _dated(
                value,
                kind="flow",
                entry=flow.id,
                text=f"flow {flow.id} {verb}: {_short(flow.title)}",
                sources=flow.sources,
            )
        for state in flow.status:
            by = f" (by {state.by})" if state.by else ""
            for value, what in (
                (state.since, state.status),
                (state.until, f"no longer {state.status}"),
            ):
                yield _dated(
                    value,
                    kind="flow-status",
                    entry=flow.id,
                    text=f"flow {flow.id}: {what}{by}",
                    by=state.by,
                    sources=state.sources,
                )
    for safeguard in case.safeguards:
        starts = {sstate.since for sstate in safeguard.status}
        for sstate in safeguard.status:
            for value, what in (
                (sstate.since, sstate.status),
                (sstate.until, f"no longer {sstate.status}"),
            ):
                if what.startswith("no longer") and value in starts:
                    continue
                yield _dated(
                    value,
                    kind="safeguard-status",
                    entry=safeguard.id,
                    text=f"safeguard {safeguard.id}: {what}",
                    sources=sstate.sources,
                )
    for authority in case.authorities:
        starts = {standing.since for standing in authority.standing}
        for standing in authority.standing:
            by = f" (by {standing.by})" if standing.by else ""
            for value, what in (
                (standing.since, standing.status),
                (standing.until, f"no longer {standing.status}"),
            ):
                if what.startswith("no longer") and value in starts:
                    continue
                yield _dated(
                    value,
                    kind="standing",
                    entry=authority.id,
                    text=f"authority {authority.id}: {what}{by}",
                    by=standing.by,
                    sources=standing.sources,
                )
    for notice in case.notice:
        for value, what in ((notice.since, "in force"), (notice.until, "no longer in force")):
            yield _dated(
                value,
                kind="notice",
                entry=notice.id,
                text=f"notice {notice.id} ({notice.kind}) {what}",
                sources=notice.sources,
            )
    for activity in case.oversight:
        yield _dated(
            activity.date,
            kind="oversight",
            entry=activity.id,
            text=f"oversight {activity.id} ({activity.kind}, {activity.outcome}): "
            f"{_short(activity.activity)}",
            sources=activity.sources,
        )
    for suit in case.litigation:
        yield _dated(
            suit.filed,
            kind="lawsuit",
            entry=suit.id,
            text=f"lawsuit {suit.id} filed: {_short(suit.name)}",
            sources=suit.sources,
        )
        for ruling in suit.rulings:
            yield _dated(
                ruling.date,
                kind="ruling",
                entry=ruling.id,
                text=f"ruling {ruling.id} ({ruling.kind.replace('_', ' ')}, "
                f"{ruling.outcome.replace('_', ' ')}): {_short(ruling.holding)}",
                sources=ruling.sources,
            )
    for event in case.timeline:
        yield _dated(
            event.date,
            kind="timeline",
            entry=None,
            text=_short(event.event),
            refs=event.refs,
            sources=event.sources,
        )


def dated_facts(case: Case) -> list[DatedFact]:
    """Every dated fact of the case, by day, then courts before what followed, then entry."""
    facts = [fact for fact in _facts(case) if fact is not None]
    return sorted(facts, key=lambda f: (f.day, _KIND_ORDER[f.kind], f.entry or "", f.text))


def between(facts: Sequence[DatedFact], start: date, end: date) -> list[DatedFact]:
    """The facts that take effect after ``start`` and on or before ``end``."""
    return [f for f in facts if start < f.day <= end]


# --- linking moved results to facts ---------------------------------------------------------


def facts_about(facts: Sequence[DatedFact], entries: set[str]) -> tuple[DatedFact, ...]:
    """The facts that belong to, are set by, or concern one of ``entries``; with the rulings
    that set the status of those facts when the rulings are among ``facts`` too."""
    linked = [
        f
        for f in facts
        if (f.entry is not None and f.entry in entries)
        or (f.by is not None and f.by in entries)
        or entries.intersection(f.refs)
    ]
    causes = {f.by for f in linked if f.by is not None}
    linked += [f for f in facts if f.kind == "ruling" and f.entry in causes and f not in linked]
    # the events the case's timeline records about those entries and rulings, for their words
    named = entries | causes | {f.entry for f in linked if f.entry is not None}
    linked += [
        f for f in facts if f.kind == "timeline" and named.intersection(f.refs) and f not in linked
    ]
    return tuple(sorted(linked, key=lambda f: (f.day, _KIND_ORDER[f.kind], f.entry or "", f.text)))


def _level_values(result: RubricResult) -> dict[str, float]:
    return {lv.id: lv.value for lv in result.scale}


def _direction(values: dict[str, float], old: str, new: str) -> Direction:
    a, b = values.get(old, 0.0), values.get(new, 0.0)
    return "up" if b > a else "down" if b < a else "changed"


def _criterion_shift(
    old: CriterionResult, new: CriterionResult, values: dict[str, float], facts: Sequence[DatedFact]
) -> CriterionShift:
    before = {i.id: i for i in old.indicators}
    shifts = []
    for ind in new.indicators:
        was = before.get(ind.id)
        if was is not None and was.state == ind.state:
            continue
        read = {e.entry for e in ind.evidence} | {e.entry for e in (was.evidence if was else ())}
        shifts.append(
            IndicatorShift(
                id=ind.id,
                description=ind.description,
                old_state=was.state if was is not None else "unknown",
                new_state=ind.state,
                facts=facts_about(facts, read),
            )
        )
    return CriterionShift(
        id=new.id,
        title=new.title,
        old_level=old.level,
        new_level=new.level,
        old_label=old.label,
        new_label=new.label,
        direction=_direction(values, old.level, new.level),
        indicators=tuple(shifts),
    )


def _union(groups: Sequence[tuple[DatedFact, ...]]) -> tuple[DatedFact, ...]:
    out: list[DatedFact] = []
    for group in groups:
        out += [f for f in group if f not in out]
    return tuple(sorted(out, key=lambda f: (f.day, _KIND_ORDER[f.kind], f.entry or "", f.text)))


def rubric_shifts(
    old: Assessment, new: Assessment, facts: Sequence[DatedFact]
) -> list[RubricShift]:
    before = {r.id: r for r in old.rubrics}
    out = []
    for r in new.rubrics:
        was = before.get(r.id)
        if was is None:
            continue
        values = _level_values(r)
        old_criteria = {c.id: c for c in was.criteria}
        criteria = [
            _criterion_shift(old_criteria[c.id], c, values, facts)
            for c in r.criteria
            if c.id in old_criteria and old_criteria[c.id].level != c.level
        ]
        if not criteria and (was.score, was.rating) == (r.score, r.rating):
            continue

        def behind(
            direction: Direction, crit: list[CriterionShift] = criteria
        ) -> tuple[DatedFact, ...]:
            return _union([i.facts for c in crit if c.direction == direction for i in c.indicators])

        out.append(
            RubricShift(
                id=r.id,
                title=r.title,
                old_score=was.score,
                new_score=r.score,
                old_rating=was.rating,
                new_rating=r.rating,
                old_rating_label=was.rating_label,
                new_rating_label=r.rating_label,
                criteria=tuple(criteria),
                raised_by=behind("up"),
                lowered_by=behind("down"),
            )
        )
    return out


def _risk_shift(old: RiskResult, new: RiskResult, facts: Sequence[DatedFact]) -> RiskShift | None:
    if (old.residual_likelihood, old.residual_level) == (
        new.residual_likelihood,
        new.residual_level,
    ):
        return None
    entries = {
        new.id,
        *(m.safeguard for m in old.mitigations),
        *(m.safeguard for m in new.mitigations),
    }
    return RiskShift(
        id=new.id,
        title=new.title,
        old_likelihood=old.residual_likelihood,
        new_likelihood=new.residual_likelihood,
        severity=new.residual_severity,
        old_level=old.residual_level,
        new_level=new.residual_level,
        facts=facts_about(facts, entries),
    )


def risk_shifts(old: Assessment, new: Assessment, facts: Sequence[DatedFact]) -> list[RiskShift]:
    before = {r.id: r for r in old.risks}
    shifts = [
        _risk_shift(before[r.id], r, facts)
        for r in sorted(new.risks, key=lambda r: r.id)
        if r.id in before
    ]
    return [s for s in shifts if s is not None]


def _rubric_infos(rubrics: Sequence[LoadedRubric]) -> tuple[RubricInfo, ...]:
    return tuple(
        RubricInfo(id=r.rubric.id, version=r.rubric.version, sha256=r.sha256) for r in rubrics
    )


def _points(assessment: Assessment) -> tuple[RubricPoint, ...]:
    return tuple(
        RubricPoint(id=r.id, score=r.score, rating=r.rating, rating_label=r.rating_label)
        for r in assessment.rubrics
    )


def _judge(
    case: Case,
    rubrics: Sequence[LoadedRubric],
    day: date,
    view: dict[str, Any] | None = None,
    reuse: dict[str, Outcome] | None = None,
    carried: Carried | None = None,
) -> Assessment:
    return assess(
        case, rubrics, as_of=day, with_sensitivity=False, view=view, reuse=reuse, carried=carried
    )


#: Sections of the as-of view the engine's own code reads, whatever the rubrics ask: the
#: statuses and standing in force (evidence sources, safeguard statuses) and the risks.
_ENGINE_SECTIONS = frozenset({*HISTORIES, "risks"})
_SECTION = re.compile(r"\bcase\.([A-Za-z_][A-Za-z0-9_]*)")
_CASE = re.compile(r"\bcase\b")


def expression_sections(compiled: Compiled) -> frozenset[str] | None:
    """The sections of the view one expression can read (``case.<section>``, in its text and in
    its static field paths), or None when it mentions ``case`` otherwise."""
    named = _SECTION.findall(compiled.source)
    if len(named) != len(_CASE.findall(compiled.source)):
        return None
    out = set(named)
    for path in compiled.paths:
        root, _, rest = path.partition(".")
        if root != "case" or not rest:
            return None
        out.add(re.split(r"[.\[]", rest, maxsplit=1)[0])
    return frozenset(out)


def sections_read(rubrics: Sequence[LoadedRubric]) -> frozenset[str] | None:
    """Every section of the view that judging the case against ``rubrics`` can read: those the
    expressions name and those the engine reads itself. None when an expression mentions
    ``case`` other than as ``case.<section>`` (then any section could be read)."""
    out: set[str] = set(_ENGINE_SECTIONS)
    for loaded in rubrics:
        for compiled in (*loaded.compiled.values(), *loaded.applies.values()):
            named = expression_sections(compiled)
            if named is None:
                return None
            out.update(named)
    return frozenset(out)


#: section -> the fields the view joins into its entries (entries of other sections)
_JOINED: dict[str, frozenset[str]] = {
    section: frozenset(name for (joining, name) in JOINS if joining == section)
    for section, _ in JOINS
}
#: The sections whose entries others join, each before the sections that join it.
_JOIN_ORDER = tuple(
    graphlib.TopologicalSorter(
        {
            section: {target for (joining, _), (_, target) in JOINS.items() if joining == section}
            for section in _JOINED
        }
    ).static_order()
)

Fingerprint = tuple[Any, ...]


class _Fingerprints:
    """What each section of a view holds, as values equal only when the contents are (same
    structure and types), and each entry's part apart, so that an entry that did not change is
    recognised on its own, on any date.

    An entry is its own fields pickled, with every entry joined into it (a flow's authorities,
    a risk's mitigating safeguards) standing as that entry's token: the entries of the sections
    joined are taken first, so a token says everything the entry holds, joined entries included,
    without pickling each joined entry again inside every entry that joins it. Tokens are
    numbers handed out in order to each distinct content, kept for every date."""

    def __init__(self) -> None:
        self.tokens: dict[tuple[str, bytes, Fingerprint], int] = {}

    def of_view(
        self, view: dict[str, Any], names: Sequence[str] | None = None
    ) -> dict[str, Fingerprint]:
        """The fingerprint of each section of ``view`` named in ``names`` (default: all)."""
        tokens: dict[int, int] = {}  # id of an entry of this view -> its token
        order = [name for name in _JOIN_ORDER if name in view]
        order += [name for name in view if name not in order and (names is None or name in names)]
        out: dict[str, Fingerprint] = {}
        for name in order:
            value = view[name]
            if isinstance(value, list):
                items = tuple(self._token(name, item, tokens) for item in value)
                out[name] = (type(value).__name__, getattr(value, "path", None), items)
            else:
                out[name] = ("value", pickle.dumps(value, protocol=5))
        return out

    def _token(self, section: str, entry: Any, tokens: dict[int, int]) -> int:
        joined = _JOINED.get(section, frozenset()) if isinstance(entry, dict) else frozenset()
        own = {k: v for k, v in entry.items() if k not in joined} if joined else entry
        links = tuple((k, self._link(entry[k], tokens)) for k in sorted(joined) if k in entry)
        token = self.tokens.setdefault(
            (section, pickle.dumps(own, protocol=5), links), len(self.tokens)
        )
        if isinstance(entry, dict):
            tokens[id(entry)] = token
        return token

    @staticmethod
    def _link(value: Any, tokens: dict[int, int]) -> Fingerprint:
        if isinstance(value, list):
            items = tuple(tokens[id(item)] for item in value)
            return (type(value).__name__, getattr(value, "path", None), items)
        return ("value", pickle.dumps(value, protocol=5))


class _Judge:
    """Judges one case on successive dates, reusing the last result where nothing it can read
    differs: the same value (same structure and types) of every section it can read, and the
    same side of the case's ``as_of`` (from which the assessor's judgments govern). On such a
    date a new judgment would evaluate the same expressions on the same values; only
    ``assessed_as_of`` would differ, which a history does not compare.

    On the other dates, most entries are still what they were: each date's view is built from
    the entries already marked, and every entry whose content was converted to CEL on an earlier
    date is not converted again (:class:`pia.engine.run.Carried`)."""

    def __init__(self, case: Case, rubrics: Sequence[LoadedRubric]) -> None:
        self.case, self.rubrics = case, rubrics
        read = sections_read(rubrics)
        self.sections = None if read is None else sorted(read)
        self.last: tuple[Any, Assessment] | None = None
        self.judged = 0
        self.dumped = case.model_dump(mode="json", by_alias=True)
        self.marked: dict[tuple[str, int], Any] = {}
        #: expression source -> the sections it can read (every expression, when ``sections``)
        self.reads = {
            c.source: expression_sections(c) or frozenset()
            for loaded in rubrics
            for c in (*loaded.compiled.values(), *loaded.applies.values())
        }
        #: the outcomes of the last date judged, by expression, and its sections' fingerprints
        self.outcomes: dict[str, Outcome] = {}
        self.values: dict[str, Fingerprint] = {}
        self.fingerprints = _Fingerprints()
        #: an entry's token (see :class:`_Fingerprints`) -> its CEL map, from an earlier date
        self.converted: dict[int, TracedMap] = {}
        self.recorder = Recorder()

    def _still_holding(self, prints: dict[str, Fingerprint]) -> dict[str, Outcome] | None:
        """The last date's outcomes of the expressions that read no section that changed since:
        evaluated again on the same values they would give the same outcome."""
        if self.sections is None:
            return None
        changed = {name for name in self.sections if self.values.get(name) != prints[name]}
        self.values = prints
        return {
            source: outcome
            for source, outcome in self.outcomes.items()
            if not (self.reads[source] & changed)
        }

    def _carry(
        self, view: dict[str, Any], prints: dict[str, Fingerprint]
    ) -> tuple[Carried, list[tuple[int, dict[str, Any]]]]:
        """The CEL maps of the view's entries converted on an earlier date, and the entries
        converted on none (to keep once this date's conversion has made them)."""
        carried = Carried(self.recorder)
        fresh = []
        for name, value in view.items():
            if not isinstance(value, list):
                continue
            for entry, token in zip(value, prints[name][2], strict=True):
                if not isinstance(entry, dict):
                    continue
                known = self.converted.get(token)
                if known is None:
                    fresh.append((token, entry))
                else:
                    carried.memo[id(entry)] = known
        return carried, fresh

    def __call__(self, day: date) -> Assessment:
        view = build_view(self.case, day, self.dumped, self.marked)
        prints = self.fingerprints.of_view(view, self.sections)
        if self.sections is not None:
            # what nothing can read need not be converted to CEL values (sections are lists)
            view = {k: v for k, v in view.items() if k in self.sections or not isinstance(v, list)}
            prints = {name: prints.get(name, ("value", None)) for name in self.sections}
        key = None if self.sections is None else (day >= self.case.as_of, prints)
        if key is not None and self.last is not None and self.last[0] == key:
            return self.last[1]
        reuse = self._still_holding(prints)
        carried, fresh = self._carry(view, prints)
        result = _judge(self.case, self.rubrics, day, view, reuse, carried)
        for known, entry in fresh:
            converted = carried.memo.get(id(entry))
            if isinstance(converted, TracedMap):
                self.converted[known] = converted
        if reuse is not None:
            self.outcomes = reuse
        self.judged += 1
        self.last = None if key is None else (key, result)
        return result


# --- the two questions -----------------------------------------------------------------------


def date_diff(case: Case, rubrics: Sequence[LoadedRubric], start: date, end: date) -> DateDiff:
    """``case`` judged on ``start`` and on ``end``: what moved, and the dated facts behind it."""
    facts = between(dated_facts(case), min(start, end), max(start, end))
    old, new = _judge(case, rubrics, start), _judge(case, rubrics, end)
    shifts = rubric_shifts(old, new, facts)
    risks = risk_shifts(old, new, facts)
    return DateDiff(
        case_id=case.id,
        title=case.title,
        from_=start,
        to=end,
        rubrics=_rubric_infos(rubrics),
        moved=bool(shifts or risks),
        rubric_shifts=tuple(shifts),
        risk_shifts=tuple(risks),
        facts=tuple(facts),
    )


def arrangement_start(case: Case) -> date | None:
    """The first day a flow of the case is known to have begun or been sought: the earliest
    ``since`` of a flow or of a status in its history; None when no flow is dated. Before it,
    the case's older facts (a statute, a policy) describe no arrangement yet."""
    days = [
        partial_start(day)
        for flow in case.flows
        for day in (flow.since, *(state.since for state in flow.status))
        if day is not None
    ]
    return min(days, default=None)


def case_history(
    case: Case,
    rubrics: Sequence[LoadedRubric],
    *,
    until: date | None = None,
    since: date | None = None,
) -> History:
    """``case`` judged on every date a fact is dated (up to ``until``, default its ``as_of``),
    keeping the dates on which a score, rating, criterion level or residual risk moved. With
    ``since``, the history starts on that day, judged with every fact dated up to it."""
    end = until or case.as_of
    facts = [f for f in dated_facts(case) if f.day <= end]
    days = sorted({f.day for f in facts})
    if since is not None and since <= end:
        days = [since, *(day for day in days if day > since)]
    days = days or [end]
    start = days[0]
    judge = _Judge(case, rubrics)
    previous = judge(start)
    first = previous
    steps = []
    for day, prev_day in zip(days[1:], days[:-1], strict=True):
        current = judge(day)
        on_day = between(facts, prev_day, day)
        shifts = rubric_shifts(previous, current, on_day)
        risks = risk_shifts(previous, current, on_day)
        if shifts or risks:
            steps.append(
                HistoryStep(
                    date=day,
                    facts=tuple(on_day),
                    scores=_points(current),
                    rubric_shifts=tuple(shifts),
                    risk_shifts=tuple(risks),
                )
            )
        previous = current
    return History(
        case_id=case.id,
        title=case.title,
        as_of=case.as_of,
        rubrics=_rubric_infos(rubrics),
        start=start,
        start_scores=_points(first),
        until=end,
        steps=tuple(steps),
        dates_judged=len(days),
    )
