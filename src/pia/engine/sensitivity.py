"""What would change the rating: settle each unknown or disputed fact both ways and watch.

For every fact an indicator read that the case marks ``unknown`` (or whose status is
``disputed``), each value the case format allows is substituted in turn, and only the indicators
that read that fact are evaluated again. A fact matters when some value moves a criterion level, a
rubric rating or a residual risk level. The list, ranked by how much could move, is a research
agenda: what to find out first.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Any

from celpy.evaluation import CELEvalError

from pia.cel.evaluate import Outcome, evaluate
from pia.cel.values import Truth, to_cel
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
from pia.model.entries import Declared, entries_by_id, entry_label

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
    base_levels = _levels(run)
    base_ratings = _ratings(run, base_levels)
    base_statuses = safeguard_statuses(run.view)
    base_risks = {r.id: risk_result(run, i).residual_level for i, r in enumerate(run.case.risks)}
    declared = entries_by_id(run.case)
    items = []
    for entry, field, kind in _open_facts(run):
        section, _confidence, sources = run.entries[entry]
        readers = [
            key
            for key, outcome in run.outcomes.items()
            if (entry, field) in _relevant_reads(outcome, kind) and _can_move(run, key, kind)
        ]
        if not readers and not (section == "safeguards" and field == "status"):
            continue
        cel_map = run.maps[entry]
        original = cel_map.raw(field)
        outcomes = []
        for value in candidate_values(section, field):
            cel_map.replace(field, to_cel(value, run.recorder))
            try:
                truths = _reevaluate_all(run, readers)
            finally:
                cel_map.replace(field, original)
            levels = _levels(run, truths)
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
                statement=_statement(declared, entry),
                sources=sources,
                read_by=tuple(sorted({f"{r}.{c}/{i}" for r, c, i in readers})),
                outcomes=tuple(outcomes),
                impact=impact,
                where_to_look=_where_to_look(run.case, entry),
            )
        )
    return sorted(items, key=lambda item: (-item.impact, item.fact))


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
    run: Run, keys: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], Truth]:
    """Evaluate the given indicators again; the same CEL text is evaluated once."""
    by_source: dict[str, Truth] = {}
    out = {}
    for rubric_id, criterion_id, indicator_id in keys:
        loaded = next(lr for lr in run.rubrics if lr.rubric.id == rubric_id)
        compiled = loaded.compiled[(criterion_id, indicator_id)]
        if compiled.source not in by_source:
            by_source[compiled.source] = evaluate(compiled, run.activation, run.recorder).truth
        out[(rubric_id, criterion_id, indicator_id)] = by_source[compiled.source]
    return out


def _levels(run: Run, overrides: dict[tuple[str, str, str], Truth] | None = None) -> dict[str, str]:
    out = {}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        for criterion in rubric.criteria:
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


def _statement(declared: Mapping[str, Declared], entry: str) -> str:
    found = declared.get(entry)
    return entry_label(found.entry) if found is not None else entry


def _where_to_look(case: Case, entry: str) -> str | None:
    for question in case.open_questions:
        if entry in question.about:
            return question.where_to_look
    return None
