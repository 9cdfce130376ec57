"""What would change the rating: settle each unknown or disputed fact both ways and watch.

For every fact an indicator read that the case marks ``unknown`` (or whose status is
``disputed``), each value the case format allows is substituted in turn, and only the indicators
that read that fact are evaluated again. A list the case leaves unknown (a whole section, such as
``litigation: unknown``, or an entry's list of references, such as a flow's ``authorities``) is
settled both ways the open-world rule allows, and no further: *none* (``[]``), and *at least one*,
an entry that exists and of which nothing else is known (:class:`pia.cel.values.SomeEntry`, or an
unknown id). The second moves only indicators that ask whether an entry exists; it invents no
entry, is never evidence, and is reported as "at least one, not yet known".

A fact matters when some value moves a criterion's governing level, a rubric rating or a residual
risk level; every such value is kept, whether it improves or worsens the result (its direction),
so a reader sees what is at stake either way. The list, ranked by how much could move, is a
research agenda: what to find out first.
"""

from __future__ import annotations

import typing
from typing import Any

from celpy.celtypes import ListType
from celpy.evaluation import CELEvalError
from pydantic import BaseModel

from pia.cel.evaluate import Compiled, Outcome, evaluate
from pia.cel.rubric import too_costly
from pia.cel.values import CostExceeded, Memo, SomeEntry, Truth, to_cel, unknown_error
from pia.engine import score
from pia.engine.criteria import fact_name, fact_of, governing_level, grounded_unknown
from pia.engine.risks import risk_result, safeguard_statuses
from pia.engine.run import ROOT, Run, with_applicability
from pia.engine.view import build_view
from pia.model.assessment import Change, Direction, Movement, SensitivityItem
from pia.model.case import Case
from pia.model.entries import entries_by_id, entry_label
from pia.model.facts import is_open_world
from pia.model.introspect import field_info, item_type, models_in, unwrap
from pia.model.view import JOINS

_TEXT_PLACEHOLDER = "(stated in the case)"

#: Risk levels, best first (the order :func:`pia.engine.score.risk_level` gives them).
_RISK_ORDER = ("low", "moderate", "high", "critical")


def candidate_values(model: type[BaseModel], field: str, current: object = None) -> list[object]:
    """Every value a fact could be settled to, from the case format itself (the field's
    annotation, read through :mod:`pia.model.introspect`): each allowed value but ``unknown``
    and the value the fact holds now. A dated history (a flow's, safeguard's or authority's
    ``status``/``standing``) is settled through the ``status`` of its entries."""
    info = field_info(model, field)
    if info is None:
        return []
    annotation = info.annotation
    for state in models_in(annotation):
        status = field_info(state, "status")
        if status is not None:
            annotation = status.annotation
            break
    values: list[object] = []
    for inner in unwrap(annotation):
        item = item_type(inner)
        for t in unwrap(item) if item is not None else [inner]:
            if t is bool:
                values += [True, False]
            elif typing.get_origin(t) is typing.Literal:
                values += list(typing.get_args(t))
            elif t is str:
                values.append(_TEXT_PLACEHOLDER)
    out: list[object] = []
    for v in values:
        if v != "unknown" and v != current and v not in out:
            out.append(v)
    return out


def _open_facts(run: Run) -> list[tuple[str, str, str]]:
    """(entry, field, kind) for every unknown or disputed fact some indicator read; a section the
    case leaves unknown is the fact ``(ROOT, section)``, a joined list the fact of its ids."""
    read: set[tuple[str, str]] = set()
    for outcome in run.outcomes.values():
        read |= outcome.reads
    facts: set[tuple[str, str, str]] = set()
    for entry, field in read:
        cel_map = run.maps.get(entry)
        if cel_map is None or field not in cel_map:
            continue
        raw = cel_map.raw(field)
        if isinstance(raw, CELEvalError) and not grounded_unknown(run, entry, field):
            facts.add((*fact_of(run, entry, field), "unknown"))
        elif field in ("status", "standing", "confidence") and str(raw) == "disputed":
            facts.add((entry, field, "disputed"))
    return sorted(facts)


#: One way to settle a fact: (value word, the setting in words, field -> CEL value to substitute,
#: the plain value for the risk analysis).
_Setting = tuple[str, str, dict[str, Any], object]


def _settings(
    run: Run, entry: str, field: str, section: str, model: type[BaseModel], current: object
) -> list[_Setting]:
    """Every way the format allows a fact to be settled: an open-world list to none or to at
    least one entry (its joined list with it), any other field to each value it allows."""
    words = field.replace("_", " ")
    info = field_info(model, field)
    if info is not None and is_open_world(info.metadata):
        path = field if entry == ROOT else f"{section}[{entry}].{field}"
        joined = [
            name for (sec, name), (ids, _t) in JOINS.items() if sec == section and ids == field
        ]
        item: Any = SomeEntry(f"{path}[0]")
        if not models_in(info.annotation):
            item = unknown_error(f"{path}[0]")  # an id nobody has established
        none = {field: ListType([])} | {name: ListType([]) for name in joined}
        some = {field: ListType([item])} | {
            name: ListType([SomeEntry(f"{path}[0]")]) for name in joined
        }
        return [
            ("none", f"{words}: none", none, ()),
            ("some", f"{words}: at least one, not yet known", some, None),
        ]
    out: list[_Setting] = []
    for value in candidate_values(model, field, current):
        word = str(value).lower() if isinstance(value, bool) else str(value)
        setting = f"{words}: {word.replace('_', ' ')}"
        out.append((word, setting, {field: to_cel(value, run.recorder)}, value))
    return out


def sensitivity(run: Run) -> list[SensitivityItem]:
    """Every open fact that would move a level, a rating or a residual risk, most impact first,
    with every value that moves something: for the better or for the worse.

    Levels are governing levels: a criterion the assessor judged keeps the judged level however a
    fact is settled (the derived level is only its check). Linear in the size of the case: the
    indicators that read each fact are found in an index, only they are evaluated again, and each
    of them re-evaluates only the macro elements that read the fact
    (:class:`pia.cel.values.Memo`); only the criteria those indicators belong to are scored
    again."""
    base_levels = _levels(run)
    base_ratings = _ratings(run, base_levels)
    base_statuses = safeguard_statuses(run.view)
    base_risks = {r.id: risk_result(run, i).residual_level for i, r in enumerate(run.case.risks)}
    facts = _open_facts(run)
    readers_of = _readers_index(run)
    compiled_of = _compiled_index(run)
    declared = entries_by_id(run.case)
    where = _where_to_look_index(run.case)
    better = _orders(run)
    memo = run.recorder.memo
    if memo is None or not memo.recording:
        memo = _record_memo(run, {key for keys in readers_of.values() for key in keys}, compiled_of)
    titles = _titles(run)
    items = []
    try:
        for entry, field, kind in facts:
            model: type[BaseModel]
            sources: tuple[str, ...]
            if entry == ROOT:
                section, sources, model = field, (), Case
                statement = Case.model_fields[field].title or field
            else:
                section, _confidence, sources = run.entries[entry]
                model = type(declared[entry].entry)
                statement = entry_label(declared[entry].entry)
            readers = [
                key
                for key in readers_of.get((kind == "disputed", entry, field), ())
                if _can_move(run, key, kind)
            ]
            if not readers and not (section == "safeguards" and field == "status"):
                continue
            cel_map = run.maps[entry]
            current = "disputed" if kind == "disputed" else None
            settings = _settings(run, entry, field, section, model, current)
            memo.recording = False
            dependents = [
                d for d, grounds in run.recorder.derived.items() if (entry, field) in grounds
            ]
            memo.changed = frozenset(
                (entry, f) for _w, _s, subs, _v in settings for f in subs
            ) | frozenset(dependents)
            outcomes = []
            for word, setting, substitutes, value in settings:
                changes = [(cel_map, f, v) for f, v in substitutes.items()]
                changes += _derived_settled(run, entry, field, value, dependents)
                originals = [(m, f, m.raw(f)) for m, f, _v in changes]
                for m, f, cel_value in changes:
                    m.replace(f, cel_value)
                try:
                    truths = _reevaluate_all(run, readers, compiled_of)
                finally:
                    for m, f, original in originals:
                        m.replace(f, original)
                levels = _levels(run, truths, base_levels)
                ratings = _ratings(run, levels)
                moved_criteria = tuple(
                    _change(cid, base_levels[cid], levels[cid], titles)
                    for cid in base_levels
                    if levels[cid] != base_levels[cid]
                )
                moved_ratings = tuple(
                    _change(rid, base_ratings[rid], ratings[rid], titles)
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
                                moved.append(_change(risk.id, base_risks[risk.id], level, titles))
                    moved_risks = tuple(moved)
                if moved_criteria or moved_ratings or moved_risks:
                    outcomes.append(
                        Movement(
                            value=word,
                            setting=setting,
                            direction=_direction(
                                better, moved_criteria, moved_ratings, moved_risks
                            ),
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
                    fact=fact_name(entry, field),
                    entry=entry,
                    field=field,
                    section=section,
                    kind=kind,  # type: ignore[arg-type]
                    statement=statement,
                    sources=sources,
                    read_by=tuple(sorted({f"{r}.{c}/{i}" for r, c, i in readers})),
                    outcomes=tuple(outcomes),
                    impact=impact,
                    where_to_look=where.get(entry) if entry != ROOT else None,
                )
            )
    finally:
        run.recorder.memo = None
    return sorted(items, key=lambda item: (-item.impact, item.fact))


def _derived_settled(
    run: Run, entry: str, field: str, value: object, dependents: list[tuple[str, str]]
) -> list[tuple[Any, str, Any]]:
    """The fields the view derives from a settled fact, derived again (see
    :func:`pia.engine.view.derived_reads`): a section the case leaves unknown, settled to none,
    is rebuilt into the view and each dependent field takes its value there. Another setting
    (at least one entry, of which nothing is known) leaves them as they were."""
    if not dependents or entry != ROOT or value != ():
        return []
    settled = build_view(run.case.model_copy(update={field: ()}), run.day)
    index = {
        e["id"]: e
        for section in _SECTIONS_WITH_IDS
        for e in settled.get(section, [])
        if isinstance(e, dict)
    }
    out = []
    for dependent, name in dependents:
        found = index.get(dependent)
        if found is not None and name in found:
            out.append((run.maps[dependent], name, to_cel(found[name], run.recorder)))
    return out


_SECTIONS_WITH_IDS = ("flows", "authorities", "safeguards", "systems")


#: For each kind of change, id -> (rank of each value, best first).
_Orders = dict[str, dict[str, dict[str, float]]]


def _orders(run: Run) -> _Orders:
    """How good each value is, best first (a lower rank is better): criterion levels on their
    rubric's scale, rubric ratings in their bands, risk levels from low to critical. The unknown
    level ranks just above the worst level: it earns nothing, but it is not a finding of
    failure, so settling it to the worst level worsens the result."""
    criteria: dict[str, dict[str, float]] = {}
    ratings: dict[str, dict[str, float]] = {}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        scale: dict[str, float] = {lv.id: i for i, lv in enumerate(rubric.scale)}
        scale[score.UNKNOWN_LEVEL] = len(rubric.scale) - 1.5
        for criterion in rubric.criteria:
            criteria[f"{rubric.id}.{criterion.id}"] = scale
        ratings[rubric.id] = {b.id: i for i, b in enumerate(rubric.bands)}
    risks: dict[str, float] = {level: i for i, level in enumerate(_RISK_ORDER)}
    return {
        "criteria": criteria,
        "ratings": ratings,
        "risks": {r.id: risks for r in run.case.risks},
    }


def _direction(
    orders: _Orders,
    criteria: tuple[Change, ...],
    ratings: tuple[Change, ...],
    risks: tuple[Change, ...],
) -> Direction:
    """Whether a set of changes is for the better, the worse, or some of each."""
    signs = set()
    for kind, changes in (("criteria", criteria), ("ratings", ratings), ("risks", risks)):
        for change in changes:
            rank = orders[kind][change.id]
            signs.add(rank[change.after] < rank[change.before])
    if signs == {True}:
        return "improves"
    if signs == {False}:
        return "worsens"
    return "mixed"


IndicatorKey = tuple[str, str, str]


def _readers_index(run: Run) -> dict[tuple[bool, str, str], list[IndicatorKey]]:
    """(disputed?, entry, field) -> the indicators whose relevant reads include it, in run
    order: built once, instead of scanning every indicator for every fact."""
    index: dict[tuple[bool, str, str], list[IndicatorKey]] = {}
    for key, outcome in run.outcomes.items():
        for disputed in (False, True):
            facts = {
                fact_of(run, entry, field)
                for entry, field in _relevant_reads(outcome, "disputed" if disputed else "unknown")
            }
            for entry, field in sorted(facts):
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
    results for the re-evaluations (the case is unchanged, so the results are the run's). Not
    needed when the run kept them while it scored (:func:`pia.engine.assess` does)."""
    memo = Memo()
    run.recorder.memo = memo
    seen: set[int] = set()
    applies_of = _applies_index(run)
    for key in sorted(keys):
        for compiled in (compiled_of[key], applies_of.get(key)):
            if compiled is not None and id(compiled) not in seen:
                seen.add(id(compiled))
                _evaluate(run, key, compiled)
    return memo


def _applies_index(run: Run) -> dict[IndicatorKey, Compiled]:
    """Indicator -> its compiled ``applies_when``, for the indicators that have one."""
    return {
        (loaded.rubric.id, cid, iid): compiled
        for loaded in run.rubrics
        for (cid, iid), compiled in loaded.applies.items()
    }


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
    if key in run.not_applicable and kind != "disputed":
        return False  # a condition already false stays false, whatever the unknowns turn out
    if kind == "disputed" or run.outcomes[key].truth is Truth.UNKNOWN:
        return True
    loaded = next(lr for lr in run.rubrics if lr.rubric.id == key[0])
    if (key[1], key[2]) in loaded.applies:
        return True  # a true indicator that may not apply moves when the condition is settled
    return "known(" in loaded.compiled[(key[1], key[2])].source


def _reevaluate_all(
    run: Run, keys: list[IndicatorKey], compiled_of: dict[IndicatorKey, Compiled]
) -> dict[IndicatorKey, Truth | None]:
    """Evaluate the given indicators again, each with its ``applies_when`` where it has one;
    the same CEL text is evaluated once. None: the indicator does not apply."""
    by_source: dict[str, Outcome] = {}
    out: dict[IndicatorKey, Truth | None] = {}
    applies_of = _applies_index(run)
    for key in keys:
        outcome = _evaluate_cached(run, key, compiled_of[key], by_source)
        condition = applies_of.get(key)
        if condition is None:
            out[key] = outcome.truth
            continue
        combined, applicable = with_applicability(
            outcome, _evaluate_cached(run, key, condition, by_source)
        )
        out[key] = combined.truth if applicable else None
    return out


def _evaluate_cached(
    run: Run, key: IndicatorKey, compiled: Compiled, by_source: dict[str, Outcome]
) -> Outcome:
    if compiled.source not in by_source:
        by_source[compiled.source] = _evaluate(run, key, compiled)
    return by_source[compiled.source]


def _levels(
    run: Run,
    overrides: dict[IndicatorKey, Truth | None] | None = None,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every criterion's governing level (:func:`pia.engine.criteria.governing_level`); with
    ``base``, only the criteria of the ``overrides`` are scored again (the others keep their
    base level)."""
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
                    if truth is None:
                        truths.pop(key[2], None)  # settled so that it does not apply
                    else:
                        truths[key[2]] = truth
            derived = score.criterion_level(rubric, criterion, truths).level
            out[f"{rubric.id}.{criterion.id}"] = governing_level(run, rubric, criterion, derived)[0]
    return out


def _titles(run: Run) -> dict[str, dict[str, str]]:
    """Result id (a criterion, a rubric, a risk) -> the title of each level, band or risk level
    it can take, so a movement reads "Partially met -> Not met", not level ids."""
    out: dict[str, dict[str, str]] = {}
    unknown = {score.UNKNOWN_LEVEL: "Unknown"}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        levels = {lv.id: lv.label for lv in rubric.scale} | unknown
        for criterion in rubric.criteria:
            out[f"{rubric.id}.{criterion.id}"] = levels
        out[rubric.id] = {b.id: b.label for b in rubric.bands} | unknown
    risk_words = {level: level.capitalize() for row in score.RISK_MATRIX for level in row}
    for risk in run.case.risks:
        out[risk.id] = risk_words
    return out


def _change(ident: str, before: str, after: str, titles: dict[str, dict[str, str]]) -> Change:
    words = titles.get(ident, {})
    return Change(
        id=ident,
        before=before,
        after=after,
        before_label=words.get(before, before),
        after_label=words.get(after, after),
    )


def _ratings(run: Run, levels: dict[str, str]) -> dict[str, str]:
    out = {}
    for loaded in run.rubrics:
        rubric = loaded.rubric
        mine = {c.id: levels[f"{rubric.id}.{c.id}"] for c in rubric.criteria}
        out[rubric.id] = score.rating(rubric, mine)[1]
    return out


def _where_to_look_index(case: Case) -> dict[str, str | None]:
    """Entry id -> where the first open question about it says to look."""
    out: dict[str, str | None] = {}
    for question in case.open_questions:
        for entry in question.about:
            out.setdefault(entry, question.where_to_look)
    return out
