"""``diff_cases(old, new, rubrics)``: what changed between two versions of a case, and what moved.

A reviewer of a case edit wants three answers, in this order: did any result move (a rubric's
score or rating, a criterion's level, a risk's residual level); why (the indicators whose state
changed and the edited facts they read); and what else was edited. Facts are compared on the
validated models, not the YAML text, so reformatting, reordering keys or re-folding prose is not a
change, and an entry is followed by its id wherever it moves in the file.

Both versions are assessed with :func:`pia.engine.assess`. Without an ``as_of`` each version is
judged at its own ``as_of`` (as ``pia assess`` would), so a moved result may come from the date
alone; the output says which dates were used.

The renderers (:mod:`pia.render.diff`) compute nothing: every count and every list they print
is in the :class:`CaseDiff`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, JsonValue

from pia.cel.rubric import LoadedRubric
from pia.engine import assess
from pia.model.assessment import (
    Assessment,
    CriterionResult,
    EvidenceRef,
    IndicatorResult,
    RiskResult,
    RubricResult,
)
from pia.model.case import ID_SECTIONS, Case
from pia.model.common import UNKNOWN, Date, Model
from pia.model.entries import RULINGS, Declared, declared_entries, entry_label
from pia.model.facts import is_unknown_list

DIFF_SCHEMA_VERSION: Literal["1.0"] = "1.0"

#: Case sections whose entries have no id of their own and are matched another way.
UNNAMED_SECTIONS = ("sources", "timeline", "judgments")
#: Top-level case fields that are not lists of entries: compared field by field.
CASE_FIELDS = tuple(
    name for name in Case.model_fields if name not in ID_SECTIONS and name not in UNNAMED_SECTIONS
)

ChangeKind = Literal["added", "removed", "changed"]


# --- the result ------------------------------------------------------------------------------


class FieldChange(Model):
    """One value that differs between two versions of an entry (or of the case's own fields)."""

    path: str
    """Where in the entry, in the case file's spelling: ``holding``, ``standing[1].by``."""
    old: JsonValue = None
    new: JsonValue = None
    added: tuple[str, ...] = ()
    """For a list: the items only the new version has (non-text items as compact JSON)."""
    removed: tuple[str, ...] = ()
    """For a list: the items only the old version has."""


class EntryChange(Model):
    """An entry added, removed or changed. Entries of id sections (and rulings, and sources) are
    matched by id; timeline events by (date, event); judgments by criterion id."""

    section: str
    id: str
    label: str
    change: ChangeKind
    parent: str | None = None
    """For a ruling, the litigation entry that declares it."""
    sources: tuple[str, ...] = ()
    """The entry's sources in the version that has it (the new one, unless removed)."""
    sources_added: tuple[str, ...] = ()
    sources_removed: tuple[str, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    """For a changed entry, every other field that differs (its sources are listed above)."""


class FactLink(Model):
    """A changed fact that a moved result read."""

    entry: str
    section: str
    change: ChangeKind
    fields_read: tuple[str, ...]
    sources: tuple[str, ...]


class IndicatorMove(Model):
    id: str
    description: str
    old_state: str
    new_state: str
    facts: tuple[FactLink, ...]
    """The added, removed or changed entries the indicator read in either version. Empty when
    none was: then the state moved with the date judged at, not with a fact."""


class CriterionMove(Model):
    id: str
    """Qualified id: ``<rubric>.<criterion>``."""
    title: str
    old_level: str
    new_level: str
    old_label: str
    new_label: str
    governed_by: Literal["derived", "judgment"]
    """What governs the criterion in the new version; with a judgment, the derived level below
    is the check that may have moved although the governing level held."""
    old_derived: str
    new_derived: str
    old_derived_label: str
    new_derived_label: str
    indicators: tuple[IndicatorMove, ...]

    @property
    def text(self) -> str:
        """``Not met → Partially met``, or the derived check's move under a judgment."""
        if self.old_level != self.new_level:
            return f"{self.old_label} → {self.new_label}"
        return (
            f"{self.new_label} (the assessor's judgment governs); the indicators give "
            f"{self.old_derived_label} → {self.new_derived_label}"
        )


class RubricMove(Model):
    id: str
    title: str
    old_score: float
    new_score: float
    old_rating: str
    new_rating: str
    old_rating_label: str
    new_rating_label: str
    criteria: tuple[CriterionMove, ...]
    """Criteria whose level moved, in rubric order."""


class MitigationMove(Model):
    safeguard: str
    old_status: str | None
    new_status: str | None


class RiskMove(Model):
    """A residual risk that moved; ``None`` on the side where the risk does not exist."""

    id: str
    title: str
    old_likelihood: int | None
    new_likelihood: int | None
    old_severity: int | None
    new_severity: int | None
    old_level: str | None
    new_level: str | None
    mitigations: tuple[MitigationMove, ...]
    """Mitigating safeguards whose status on the date judged at differs."""
    facts: tuple[FactLink, ...]
    """The risk itself or its mitigating safeguards, where edited."""


class VersionInfo(Model):
    label: str
    """What the user named: a file path or ``git:REV:path``."""
    case_id: str
    title: str
    as_of: Date
    assessed_as_of: Date
    knowledge_cutoff: str | None


class RubricInfo(Model):
    id: str
    version: str
    sha256: str


class Counts(Model):
    rubrics_moved: int
    criteria_moved: int
    risks_moved: int
    facts_added: int
    facts_removed: int
    facts_changed: int
    case_fields_changed: int


class CaseDiff(Model):
    schema_version: Literal["1.0"] = DIFF_SCHEMA_VERSION
    old: VersionInfo
    new: VersionInfo
    as_of: Date | None
    """The one date both versions were judged at, or None: each at its own ``as_of``."""
    rubrics: tuple[RubricInfo, ...]
    moved: bool
    """Whether any score, rating, criterion level or residual risk moved."""
    rubric_moves: tuple[RubricMove, ...]
    risk_moves: tuple[RiskMove, ...]
    case_fields: tuple[FieldChange, ...]
    entries: tuple[EntryChange, ...]
    """In section order (the case file's), then removed, added, changed, then by id."""
    counts: Counts


# --- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    section: str
    key: str
    """What the entry is matched by across versions."""
    id: str
    label: str
    parent: str | None
    data: dict[str, Any]
    sources: tuple[str, ...]


def _entry(
    section: str, model: BaseModel, ident: str, parent: str | None = None, key: str | None = None
) -> _Entry:
    data = model.model_dump(mode="json", by_alias=True, exclude={"sources", "rulings"})
    sources = tuple(getattr(model, "sources", ()))
    return _Entry(section, key or ident, ident, entry_label(model), parent, data, sources)


def case_entries(case: Case) -> Iterator[_Entry]:
    """Every comparable entry of a case, in the order of the case format's sections."""
    declared: dict[str, list[Declared]] = {}
    for d in declared_entries(case):
        declared.setdefault(str(d.path[0]), []).append(d)
    for name in Case.model_fields:
        if name == "sources":
            for src in case.sources:
                yield _entry("sources", src, src.id)
        elif name in ID_SECTIONS:
            for d in declared.get(name, []):
                yield _entry(d.section, d.entry, d.id, parent=d.parent)
        elif name == "timeline":
            seen: Counter[tuple[str, str]] = Counter()
            for event in case.timeline:
                seen[(event.date, event.event)] += 1
                key = f"{event.date}\n{event.event}\n{seen[(event.date, event.event)]}"
                yield _entry("timeline", event, event.date, key=key)
        elif name == "judgments":
            for criterion, judgment in case.judgments.items():
                yield _entry("judgments", judgment, criterion)


def _section_order() -> dict[str, int]:
    names: list[str] = []
    for name in Case.model_fields:
        if name in ID_SECTIONS or name in UNNAMED_SECTIONS:
            names.append(name)
            if name == "litigation":
                names.append(RULINGS)
    return {name: i for i, name in enumerate(names)}


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def item_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _only_in(items: Sequence[object], other: Sequence[object]) -> tuple[str, ...]:
    """Items of ``items`` not matched by one in ``other`` (a multiset difference, in order)."""
    left = Counter(item_text(i) for i in other)
    out = []
    for text in (item_text(i) for i in items):
        if left[text]:
            left[text] -= 1
        else:
            out.append(text)
    return tuple(out)


def field_changes(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """The values that differ between two JSON values, by path. Mappings are compared key by key
    and lists of equal length item by item; a list that grew or shrank, or a list of plain
    values, is one change that names the items added and removed."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            out += field_changes(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list):
        plain = all(_is_scalar(v) for v in (*old, *new))
        if len(old) == len(new) and not plain:
            out = []
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                out += field_changes(a, b, f"{path}[{i}]")
            return out
        return [
            FieldChange(
                path=path, old=old, new=new, added=_only_in(new, old), removed=_only_in(old, new)
            )
        ]
    return [FieldChange(path=path, old=old, new=new)]


def entry_changes(old: Case, new: Case) -> list[EntryChange]:
    """Entries added, removed or changed, in section order, then removed/added/changed, then id."""
    before = {(e.section, e.key): e for e in case_entries(old)}
    after = {(e.section, e.key): e for e in case_entries(new)}
    out: list[EntryChange] = []
    for key, e in before.items():
        if key not in after:
            out.append(_change(e, "removed"))
    for key, e in after.items():
        if key not in before:
            out.append(_change(e, "added"))
        else:
            was = before[key]
            fields = field_changes(was.data, e.data)
            if fields or was.sources != e.sources:
                out.append(
                    _change(
                        e,
                        "changed",
                        fields=tuple(fields),
                        sources_added=_only_in(e.sources, was.sources),
                        sources_removed=_only_in(was.sources, e.sources),
                    )
                )
    order = _section_order()
    kinds = {"removed": 0, "added": 1, "changed": 2}
    return sorted(out, key=lambda c: (order[c.section], kinds[c.change], c.id, c.label))


def _change(e: _Entry, change: ChangeKind, **extra: Any) -> EntryChange:
    return EntryChange(
        section=e.section,
        id=e.id,
        label=e.label,
        change=change,
        parent=e.parent,
        sources=e.sources,
        **extra,
    )


def case_field_changes(old: Case, new: Case) -> list[FieldChange]:
    """The case's own fields that differ, then every section that went from not established
    (``unknown``) to known to be none (``[]``) or back: no entry was added or removed, so no
    entry change shows it, but the rubrics read the two differently (open world)."""
    before = old.model_dump(mode="json", by_alias=True, include=set(CASE_FIELDS))
    after = new.model_dump(mode="json", by_alias=True, include=set(CASE_FIELDS))
    out = field_changes(before, after)
    for name in Case.model_fields:
        if name in CASE_FIELDS:
            continue
        was, now = getattr(old, name), getattr(new, name)
        if not was and not now and is_unknown_list(was) != is_unknown_list(now):
            out.append(FieldChange(path=name, old=_open_state(was), new=_open_state(now)))
    return out


def _open_state(value: object) -> JsonValue:
    return UNKNOWN if is_unknown_list(value) else []


# --- results ---------------------------------------------------------------------------------


def _evidence(indicator: IndicatorResult | None) -> dict[str, EvidenceRef]:
    return {} if indicator is None else {e.entry: e for e in indicator.evidence}


def _facts(
    read: Mapping[str, tuple[EvidenceRef | None, EvidenceRef | None]],
    changed: Mapping[str, EntryChange],
) -> tuple[FactLink, ...]:
    """The changed entries among those read (old evidence, new evidence), with the sources of
    the version that has them."""
    out = []
    for entry in sorted(read.keys() & changed.keys()):
        change = changed[entry]
        was, now = read[entry]
        ref = (was or now) if change.change == "removed" else (now or was)
        fields = sorted({f for r in (was, now) if r is not None for f in r.fields})
        out.append(
            FactLink(
                entry=entry,
                section=change.section,
                change=change.change,
                fields_read=tuple(fields),
                sources=ref.sources if ref is not None and ref.sources else change.sources,
            )
        )
    return tuple(out)


def _indicator_moves(
    old: CriterionResult, new: CriterionResult, changed: Mapping[str, EntryChange]
) -> tuple[IndicatorMove, ...]:
    before = {i.id: i for i in old.indicators}
    out = []
    for ind in new.indicators:
        was = before.get(ind.id)
        if was is not None and was.state == ind.state:
            continue
        old_ev, new_ev = _evidence(was), _evidence(ind)
        read = {e: (old_ev.get(e), new_ev.get(e)) for e in old_ev.keys() | new_ev.keys()}
        out.append(
            IndicatorMove(
                id=ind.id,
                description=ind.description,
                old_state=was.state if was is not None else "unknown",
                new_state=ind.state,
                facts=_facts(read, changed),
            )
        )
    return tuple(out)


def rubric_move(
    old: RubricResult, new: RubricResult, changed: Mapping[str, EntryChange]
) -> RubricMove | None:
    """How one rubric's result moved, or None if its score, rating and levels all held."""
    before = {c.id: c for c in old.criteria}
    criteria = []
    for cr in new.criteria:
        was = before.get(cr.id)
        if was is None or (was.level, was.derived_level) == (cr.level, cr.derived_level):
            continue
        criteria.append(
            CriterionMove(
                id=cr.id,
                title=cr.title,
                old_level=was.level,
                new_level=cr.level,
                old_label=was.label,
                new_label=cr.label,
                governed_by=cr.governed_by,
                old_derived=was.derived_level,
                new_derived=cr.derived_level,
                old_derived_label=was.derived_label,
                new_derived_label=cr.derived_label,
                indicators=_indicator_moves(was, cr, changed),
            )
        )
    if not criteria and (old.score, old.rating) == (new.score, new.rating):
        return None
    return RubricMove(
        id=new.id,
        title=new.title,
        old_score=old.score,
        new_score=new.score,
        old_rating=old.rating,
        new_rating=new.rating,
        old_rating_label=old.rating_label,
        new_rating_label=new.rating_label,
        criteria=tuple(criteria),
    )


def _residual(risk: RiskResult | None) -> tuple[int, int, str] | None:
    if risk is None:
        return None
    return (risk.residual_likelihood, risk.residual_severity, risk.residual_level)


def risk_move(
    old: RiskResult | None, new: RiskResult | None, changed: Mapping[str, EntryChange]
) -> RiskMove | None:
    """How one residual risk moved (likelihood, severity or level), or None if it held."""
    a, b = _residual(old), _residual(new)
    if a == b:
        return None
    either = new or old
    assert either is not None
    before = {m.safeguard: m.status for m in old.mitigations} if old else {}
    after = {m.safeguard: m.status for m in new.mitigations} if new else {}
    mitigations = tuple(
        MitigationMove(safeguard=sg, old_status=before.get(sg), new_status=after.get(sg))
        for sg in sorted(before.keys() | after.keys())
        if before.get(sg) != after.get(sg)
    )
    none: tuple[EvidenceRef | None, EvidenceRef | None] = (None, None)
    read = dict.fromkeys([either.id, *before.keys(), *after.keys()], none)
    return RiskMove(
        id=either.id,
        title=either.title,
        old_likelihood=a[0] if a else None,
        new_likelihood=b[0] if b else None,
        old_severity=a[1] if a else None,
        new_severity=b[1] if b else None,
        old_level=a[2] if a else None,
        new_level=b[2] if b else None,
        mitigations=mitigations,
        facts=_facts(read, changed),
    )


def result_moves(
    old: Assessment, new: Assessment, changed: Mapping[str, EntryChange]
) -> tuple[list[RubricMove], list[RiskMove]]:
    before = {r.id: r for r in old.rubrics}
    rubrics = [
        move
        for r in new.rubrics
        if r.id in before and (move := rubric_move(before[r.id], r, changed)) is not None
    ]
    old_risks = {r.id: r for r in old.risks}
    new_risks = {r.id: r for r in new.risks}
    risks = [
        risk
        for rid in sorted(old_risks.keys() | new_risks.keys())
        if (risk := risk_move(old_risks.get(rid), new_risks.get(rid), changed)) is not None
    ]
    return rubrics, risks


def _version(assessment: Assessment, label: str) -> VersionInfo:
    return VersionInfo(
        label=label,
        case_id=assessment.case.id,
        title=assessment.case.title,
        as_of=assessment.case.as_of,
        assessed_as_of=assessment.assessed_as_of,
        knowledge_cutoff=assessment.case.knowledge_cutoff,
    )


def diff_cases(
    old: Case,
    new: Case,
    rubrics: Sequence[LoadedRubric],
    *,
    as_of: date | None = None,
    labels: tuple[str, str] = ("old", "new"),
) -> CaseDiff:
    """Compare two versions of a case: the facts that changed and the results that moved.

    Pure: both versions are assessed here (at ``as_of``, or each at its own ``as_of``), and
    ``labels`` only names the versions in the output.
    """
    entries = entry_changes(old, new)
    changed = {e.id: e for e in entries if e.section in ID_SECTIONS or e.section == RULINGS}
    before = assess(old, rubrics, as_of=as_of, with_sensitivity=False)
    after = assess(new, rubrics, as_of=as_of, with_sensitivity=False)
    rubric_moves, risk_moves = result_moves(before, after, changed)
    case_fields = case_field_changes(old, new)
    kinds = Counter(e.change for e in entries)
    return CaseDiff(
        old=_version(before, labels[0]),
        new=_version(after, labels[1]),
        as_of=as_of,
        rubrics=tuple(
            RubricInfo(id=r.rubric.id, version=r.rubric.version, sha256=r.sha256) for r in rubrics
        ),
        moved=bool(rubric_moves or risk_moves),
        rubric_moves=tuple(rubric_moves),
        risk_moves=tuple(risk_moves),
        case_fields=tuple(case_fields),
        entries=tuple(entries),
        counts=Counts(
            rubrics_moved=sum(
                1
                for m in rubric_moves
                if (m.old_score, m.old_rating) != (m.new_score, m.new_rating)
            ),
            criteria_moved=sum(len(m.criteria) for m in rubric_moves),
            risks_moved=len(risk_moves),
            facts_added=kinds["added"],
            facts_removed=kinds["removed"],
            facts_changed=kinds["changed"],
            case_fields_changed=len(case_fields),
        ),
    )
