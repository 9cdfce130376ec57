"""What would change the rating: settle each unknown or disputed fact both ways and watch.

For every fact an indicator read that the case marks ``unknown`` (or whose status is
``disputed``), each value the case format allows is substituted in turn, and only the indicators
that read that fact are evaluated again. A fact matters when some value moves a criterion level, a
rubric rating or a residual risk level. The list, ranked by how much could move, is a research
agenda: what to find out first.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from celpy.evaluation import CELEvalError

from pia.cel.evaluate import Compiled, Outcome, evaluate
from pia.cel.rubric import too_costly
from pia.cel.values import CostExceeded, Memo, Truth, to_cel
from pia.engine import score
from pia.engine.risks import risk_result, safeguard_statuses
from pia.engine.run import Run
from pia.model.assessment import Change, Movement, SensitivityItem
from pia.model.case import (
    Authority,
    Case,
    Flow,
    Safeguard,
)
from pia.model.entries import entries_by_id, entry_label

#: For entries with a status history, the candidate values of the resolved status.
_HISTORY_TYPES: dict[str, Any] = {
    "safeguards": Safeguard,
    "flows": Flow,
    "authorities": Authority,
}
_TEXT_PLACEHOLDER = "(stated in the case)"


#: For the status scales, settling a fact to its two ends shows the whole range of movement
#: (the indicators are monotone in these scales), at a third of the cost of every value.
_EXTREMES: dict[tuple[str, str], list[object]] = {
    ("safeguards", "status"): ["verified", "failed"],
    ("flows", "status"): ["active", "blocked"],
    ("authorities", "standing"): ["in_force", "enjoined"],
}


def candidate_values(section: str, field: str) -> list[object]:
    """The values a fact could be settled to, from the case format itself."""
    if (section, field) in _EXTREMES:
        return list(_EXTREMES[(section, field)])
    if field == "confidence":
        return ["confirmed", "alleged"]
    annotation = _field_annotation(section, field)
    if annotation is None:
        return []
    values: list[object] = []
    for inner in _flatten(annotation):
        if inner is bool:
            values += [True, False]
        elif typing.get_origin(inner) is typing.Literal:
            values += [v for v in typing.get_args(inner) if v != "unknown"]
        elif inner is str:
            values.append(_TEXT_PLACEHOLDER)
    seen: list[object] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def _field_annotation(section: str, field: str) -> Any:
    info = Case.model_fields.get(section)
    if info is None:
        return None
    entry_type = _entry_type(info.annotation)
    if entry_type is None:
        return None
    fields = {(f.alias or n): f for n, f in entry_type.model_fields.items()}
    if section in _HISTORY_TYPES and field in ("status", "standing") and field in fields:
        state_type = _entry_type(fields[field].annotation)
        if state_type is not None:
            return state_type.model_fields["status"].annotation
    if field not in fields:
        return None
    return fields[field].annotation


def _entry_type(annotation: Any) -> Any:
    for inner in _flatten(annotation):
        if typing.get_origin(inner) in (tuple, list):
            item = typing.get_args(inner)[0]
            if isinstance(item, type):
                return item
    return None


def _flatten(t: Any) -> Iterator[Any]:
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        yield from _flatten(typing.get_args(t)[0])
    elif origin in (typing.Union, __import__("types").UnionType):
        for arg in typing.get_args(t):
            yield from _flatten(arg)
    else:
        yield t


def _open_facts(run: Run) -> list[tuple[str, str, str]]:
    """(entry, field, kind) for every unknown or disputed fact some indicator read."""
    read: set[tuple[str, str]] = set()
    for outcome in run.outcomes.values():
        read |= outcome.reads
    facts = []
    for entry, field in sorted(read):
        cel_map = run.maps.get(entry)
        if cel_map is None or field not in cel_map:
            continue
        raw = cel_map.raw(field)
        if isinstance(raw, CELEvalError):
            facts.append((entry, field, "unknown"))
        elif field in ("status", "standing", "confidence") and str(raw) == "disputed":
            facts.append((entry, field, "disputed"))
    return facts


def sensitivity(run: Run) -> list[SensitivityItem]:
    """Every open fact that would move a level, a rating or a residual risk, most impact first.

    Linear in the size of the case: the indicators that read each fact are found in an index,
    only they are evaluated again, and each of them re-evaluates only the macro elements that
    read the fact (:class:`pia.cel.values.Memo`); only the criteria those indicators belong to
    are scored again."""
    base_levels = _levels(run)
    base_ratings = _ratings(run, base_levels)
    base_statuses = safeguard_statuses(run.view)
    base_risks = {r.id: risk_result(run, i).residual_level for i, r in enumerate(run.case.risks)}
    facts = _open_facts(run)
    readers_of = _readers_index(run)
    compiled_of = _compiled_index(run)
    statements = _statements(run.case)
    where = _where_to_look_index(run.case)
    memo = _record_memo(run, {key for keys in readers_of.values() for key in keys}, compiled_of)
    items = []
    try:
        for entry, field, kind in facts:
            section, _confidence, sources = run.entries[entry]
            readers = [
                key
                for key in readers_of.get((kind == "disputed", entry, field), ())
                if _can_move(run, key, kind)
            ]
            if not readers and not (section == "safeguards" and field == "status"):
                continue
            cel_map = run.maps[entry]
            original = cel_map.raw(field)
            memo.recording = False
            memo.changed = frozenset({(entry, field)})
            outcomes = []
            for value in candidate_values(section, field):
                cel_map.replace(field, to_cel(value, run.recorder))
                try:
                    truths = _reevaluate_all(run, readers, compiled_of)
                finally:
                    cel_map.replace(field, original)
                levels = _levels(run, truths, base_levels)
                ratings = _ratings(run, levels)
                moved_criteria = tuple(
                    Change(id=cid, before=base_levels[cid], after=levels[cid])
                    for cid in base_levels
                    if levels[cid] != base_levels[cid]
                )
                moved_ratings = tuple(
                    Change(id=rid, before=base_ratings[rid], after=ratings[rid])
                    for rid in base_ratings
                    if ratings[rid] != base_ratings[rid]
                )
                moved_risks: tuple[Change, ...] = ()
                if section == "safeguards" and field == "status":
                    statuses = dict(base_statuses) | {entry: str(value)}
                    moved = []
                    for i, risk in enumerate(run.case.risks):
                        if entry in risk.mitigations:
                            level = risk_result(run, i, statuses).residual_level
                            if level != base_risks[risk.id]:
                                moved.append(
                                    Change(id=risk.id, before=base_risks[risk.id], after=level)
                                )
                    moved_risks = tuple(moved)
                if moved_criteria or moved_ratings or moved_risks:
                    outcomes.append(
                        Movement(
                            value=str(value).lower() if isinstance(value, bool) else str(value),
                            criteria=moved_criteria,
                            ratings=moved_ratings,
                            risks=moved_risks,
                        )
                    )
            if not outcomes:
                continue
            impact = max(len(m.criteria) + 3 * len(m.ratings) + 2 * len(m.risks) for m in outcomes)
            items.append(
                SensitivityItem(
                    fact=f"{entry}.{field}",
                    entry=entry,
                    field=field,
                    section=section,
                    kind=kind,  # type: ignore[arg-type]
                    statement=statements.get(entry, entry),
                    sources=sources,
                    read_by=tuple(sorted({f"{r}.{c}/{i}" for r, c, i in readers})),
                    outcomes=tuple(outcomes),
                    impact=impact,
                    where_to_look=where.get(entry),
                )
            )
    finally:
        run.recorder.memo = None
    return sorted(items, key=lambda item: (-item.impact, item.fact))


IndicatorKey = tuple[str, str, str]


def _readers_index(run: Run) -> dict[tuple[bool, str, str], list[IndicatorKey]]:
    """(disputed?, entry, field) -> the indicators whose relevant reads include it, in run
    order: built once, instead of scanning every indicator for every fact."""
    index: dict[tuple[bool, str, str], list[IndicatorKey]] = {}
    for key, outcome in run.outcomes.items():
        for disputed in (False, True):
            for entry, field in _relevant_reads(outcome, "disputed" if disputed else "unknown"):
                index.setdefault((disputed, entry, field), []).append(key)
    return index


def _compiled_index(run: Run) -> dict[IndicatorKey, Compiled]:
    return {
        (loaded.rubric.id, criterion_id, indicator_id): compiled
        for loaded in run.rubrics
        for (criterion_id, indicator_id), compiled in loaded.compiled.items()
    }


def _record_memo(
    run: Run, keys: set[IndicatorKey], compiled_of: dict[IndicatorKey, Compiled]
) -> Memo:
    """Evaluate each indicator that reads an open fact once more, keeping its macros' element
    results for the re-evaluations (the case is unchanged, so the results are the run's)."""
    memo = Memo()
    run.recorder.memo = memo
    seen: set[int] = set()
    for key in sorted(keys):
        compiled = compiled_of[key]
        if id(compiled) not in seen:
            seen.add(id(compiled))
            _evaluate(run, key, compiled)
    return memo


def _evaluate(run: Run, key: IndicatorKey, compiled: Compiled) -> Outcome:
    """Evaluate one indicator again; past the run's step budget, a located error naming it."""
    try:
        return evaluate(compiled, run.activation, run.recorder)
    except CostExceeded as exc:
        loaded = next(lr for lr in run.rubrics if lr.rubric.id == key[0])
        raise too_costly(loaded, key[1], key[2], exc) from None


def _relevant_reads(outcome: Outcome, kind: str) -> frozenset[tuple[str, str]]:
    """Which reads could move an indicator. For an unknown result, only the elements whose own
    result was unknown (the evidence): an element already false or true stays so whatever its
    unknowns turn out to be. A disputed value is stated, so anything read may matter."""
    return outcome.reads if kind == "disputed" else outcome.evidence


def _can_move(run: Run, key: tuple[str, str, str], kind: str) -> bool:
    """Kleene logic is monotone: settling an unknown fact cannot change an indicator that is
    already true or false. Only unknown indicators need evaluating again, plus any that ask
    ``known(...)`` (which turns true once a fact is settled). A disputed fact is a stated value,
    so every indicator that read it may move."""
    if kind == "disputed" or run.outcomes[key].truth is Truth.UNKNOWN:
        return True
    loaded = next(lr for lr in run.rubrics if lr.rubric.id == key[0])
    return "known(" in loaded.compiled[(key[1], key[2])].source


def _reevaluate_all(
    run: Run, keys: list[IndicatorKey], compiled_of: dict[IndicatorKey, Compiled]
) -> dict[IndicatorKey, Truth]:
    """Evaluate the given indicators again; the same CEL text is evaluated once."""
    by_source: dict[str, Truth] = {}
    out = {}
    for key in keys:
        compiled = compiled_of[key]
        if compiled.source not in by_source:
            by_source[compiled.source] = _evaluate(run, key, compiled).truth
        out[key] = by_source[compiled.source]
    return out


def _levels(
    run: Run,
    overrides: dict[IndicatorKey, Truth] | None = None,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every criterion's level; with ``base``, only the criteria of the ``overrides`` are
    scored again (the others keep their base level)."""
    touched = {(r, c) for r, c, _i in overrides or {}}
    out = dict(base) if base is not None else {}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        for criterion in rubric.criteria:
            if base is not None and (rubric.id, criterion.id) not in touched:
                continue
            truths = run.truths(rubric, criterion)
            for key, truth in (overrides or {}).items():
                if key[0] == rubric.id and key[1] == criterion.id:
                    truths[key[2]] = truth
            out[f"{rubric.id}.{criterion.id}"] = score.criterion_level(
                rubric, criterion, truths
            ).level
    return out


def _ratings(run: Run, levels: dict[str, str]) -> dict[str, str]:
    out = {}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        mine = {c.id: levels[f"{rubric.id}.{c.id}"] for c in rubric.criteria}
        out[rubric.id] = score.rating(rubric, mine)[1]
    return out


def _statements(case: Case) -> dict[str, str]:
    """Entry id -> the name it goes by (:func:`pia.model.entries.entry_label`)."""
    return {d.id: entry_label(d.entry) for d in entries_by_id(case).values()}


def _where_to_look_index(case: Case) -> dict[str, str | None]:
    """Entry id -> where the first open question about it says to look."""
    out: dict[str, str | None] = {}
    for question in case.open_questions:
        for entry in question.about:
            out.setdefault(entry, question.where_to_look)
    return out
