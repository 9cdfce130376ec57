"""Reference checks: every id declared once, every reference to a declared id of the right kind."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pydantic import BaseModel

from pia.load.located import DataPath, Located
from pia.model.case import ID_SECTIONS, Case
from pia.model.common import Ref
from pia.model.diagnostics import DANGLING_REFERENCE, DUPLICATE_ID, WRONG_KIND, Diagnostic
from pia.model.entries import RULINGS, declared_entries
from pia.model.introspect import ref_fields


def iter_refs(obj: BaseModel, path: DataPath = ()) -> Iterator[tuple[DataPath, str, str]]:
    """Yield ``(path, kind, id)`` for every reference field in a model tree."""
    for name, key, ref in ref_fields(type(obj)):
        yield from _walk_value(getattr(obj, name), (*path, key), ref)


def _walk_value(
    value: object, path: DataPath, ref: Ref | None
) -> Iterator[tuple[DataPath, str, str]]:
    if isinstance(value, BaseModel):
        yield from iter_refs(value, path)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _walk_value(item, (*path, i), ref)
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _walk_value(item, (*path, k), None)
    elif isinstance(value, str) and ref is not None:
        yield path, ref.kind, value


def declared_ids(case: Case) -> dict[str, tuple[str, DataPath]]:
    """Every id the case declares -> (kind, path of its ``id``). The first declaration wins."""
    out: dict[str, tuple[str, DataPath]] = {}
    for d in declared_entries(case):
        out.setdefault(d.id, (d.kind, (*d.path, "id")))
    return out


def reference_diagnostics(case: Case, located: Located) -> list[Diagnostic]:
    """Duplicate ids, and references to ids that are not declared or are of the wrong kind."""
    problems: list[Diagnostic] = []
    seen: dict[str, DataPath] = {}
    for d in declared_entries(case):
        ident, path = d.id, (*d.path, "id")
        if ident in seen:
            first = located.value_at(seen[ident])
            pos = located.value_at(path)
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    DUPLICATE_ID.code,
                    f"id {ident!r} is declared twice "
                    f"(first at line {first.line}, column {first.col})",
                )
            )
        else:
            seen[ident] = path
    ids = declared_ids(case)
    sources: dict[str, DataPath] = {}
    for i, src in enumerate(case.sources):
        if src.id in sources:
            first = located.value_at(sources[src.id])
            pos = located.value_at(("sources", i, "id"))
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    DUPLICATE_ID.code,
                    f"source {src.id!r} is declared twice "
                    f"(first at line {first.line}, column {first.col})",
                )
            )
        else:
            sources[src.id] = ("sources", i, "id")
    for path, kind, ident in iter_refs(case):
        pos = located.value_at(path)
        if kind == "source":
            if ident not in sources:
                problems.append(
                    _dangling(located, path, "source", ident, sorted(sources), "sources")
                )
            continue
        if ident not in ids:
            problems.append(
                _dangling(
                    located,
                    path,
                    kind,
                    ident,
                    sorted(k for k, v in ids.items() if kind in ("entry", v[0])),
                    ID_SECTION_FOR.get(kind),
                )
            )
        elif kind != "entry" and ids[ident][0] != kind:
            actual = ids[ident][0]
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    WRONG_KIND.code,
                    f"{ident!r} is a {_label(actual)}, but a {_label(kind)} is expected here",
                )
            )
    return problems


ID_SECTION_FOR = {kind: section for section, kind in ID_SECTIONS.items()} | {"ruling": RULINGS}


_LABELS = {
    "data": "data element",
    "data_quality": "data-quality entry",
    "open_question": "open question",
}


def _label(kind: str) -> str:
    return _LABELS.get(kind, kind.replace("_", " "))


def _dangling(
    located: Located, path: DataPath, kind: str, ident: str, known: list[str], section: str | None
) -> Diagnostic:
    pos = located.value_at(path)
    msg = f"{_label(kind)} {ident!r} is not declared"
    where = located.keys.get((section,)) if section and "." not in section else None
    if where is not None:
        msg += f" ({section} are declared at line {where.line})"
    close = difflib.get_close_matches(ident, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else None
    return Diagnostic(located.path, pos.line, pos.col, DANGLING_REFERENCE.code, msg, hint)
