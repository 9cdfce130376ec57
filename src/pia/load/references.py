"""Reference checks: every id declared once, every reference to a declared id of the right kind."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from pydantic import BaseModel

from pia.load.located import DataPath, Located
from pia.model.case import ID_SECTIONS, Case, Ruling
from pia.model.common import UNKNOWN, Ref
from pia.model.diagnostics import DANGLING_REFERENCE, DUPLICATE_ID, WRONG_KIND, Diagnostic
from pia.model.entries import RULINGS, declared_entries
from pia.model.facts import KNOWN_KEY
from pia.model.introspect import item_type, ref_fields, types_at, unwrap


def iter_refs(obj: BaseModel, path: DataPath = ()) -> Iterator[tuple[DataPath, str, str]]:
    """Yield ``(path, kind, id)`` for every reference field in a model tree."""
    out: list[tuple[DataPath, str, str]] = []
    _collect_refs(obj, path, out)
    return iter(out)


def _collect_refs(obj: BaseModel, path: DataPath, out: list[tuple[DataPath, str, str]]) -> None:
    for name, key, ref in ref_fields(type(obj)):
        _collect_value(getattr(obj, name), (*path, key), ref, out)


def _collect_value(
    value: object, path: DataPath, ref: Ref | None, out: list[tuple[DataPath, str, str]]
) -> None:
    if isinstance(value, str):
        if ref is not None:
            out.append((path, ref.kind, value))
    elif isinstance(value, BaseModel):
        _collect_refs(value, path, out)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            _collect_value(item, (*path, i), ref, out)
    elif isinstance(value, dict):
        for k, item in value.items():
            _collect_value(item, (*path, k), None, out)


def declared_ids(case: Case) -> dict[str, tuple[str, DataPath]]:
    """Every id the case declares -> (kind, path of its ``id``). The first declaration wins."""
    out: dict[str, tuple[str, DataPath]] = {}
    for d in declared_entries(case):
        out.setdefault(d.id, (d.kind, (*d.path, "id")))
    return out


def reference_diagnostics(case: Case, located: Located) -> list[Diagnostic]:
    """Duplicate ids, and references to ids that are not declared or are of the wrong kind."""
    return _check(
        located,
        [(d.id, d.kind, (*d.path, "id")) for d in declared_entries(case)],
        [(src.id, ("sources", i, "id")) for i, src in enumerate(case.sources)],
        iter_refs(case),
    )


def raw_reference_diagnostics(located: Located) -> list[Diagnostic]:
    """The same checks on a case that failed its schema, read from the YAML data itself, so a
    user sees dangling references beside schema errors in one run. Entries and references the
    schema rejected are read as far as they can be: an id that is not text, or a reference
    field that is not text or a list of text, is left to the schema error."""
    data = located.data if isinstance(located.data, dict) else {}
    declared: list[tuple[str, str, DataPath]] = []
    for section, kind in ID_SECTIONS.items():
        for i, item in _items(data.get(section)):
            ident = item.get("id")
            if isinstance(ident, str):
                declared.append((ident, kind, (section, i, "id")))
            if section == "litigation":
                for j, ruling in _items(item.get("rulings")):
                    ruling_id = ruling.get("id")
                    if isinstance(ruling_id, str):
                        path = (section, i, "rulings", j, "id")
                        declared.append((ruling_id, Ruling.ref_kind, path))
    sources: list[tuple[str, DataPath]] = []
    for i, item in _items(data.get("sources")):
        source_id = item.get("id")
        if isinstance(source_id, str):
            sources.append((source_id, ("sources", i, "id")))
    return _check(located, declared, sources, _raw_refs(data, ()))


def _items(value: object) -> Iterator[tuple[int, dict[str, object]]]:
    if isinstance(value, dict) and isinstance(value.get(KNOWN_KEY), list):
        value = value[KNOWN_KEY]  # an incomplete list: paths are read as the models give them
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _raw_refs(node: object, path: DataPath) -> Iterator[tuple[DataPath, str, str]]:
    """``(path, kind, id)`` for every reference in raw case data, by the models that can stand
    at each mapping (:func:`pia.model.introspect.types_at`)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _raw_refs(item, (*path, i))
        return
    if not isinstance(node, dict):
        return
    refs: dict[str, tuple[str, bool]] = {}
    for model in types_at(Case, path):
        for name, key, ref in ref_fields(model):
            if ref is not None:
                annotation = model.model_fields[name].annotation
                is_list = any(item_type(t) is not None for t in unwrap(annotation))
                refs.setdefault(key, (ref.kind, is_list))
    for key, value in node.items():
        if not isinstance(key, str):
            continue
        kind, is_list = refs.get(key, ("", False))
        if kind and is_list and isinstance(value, dict) and isinstance(value.get(KNOWN_KEY), list):
            value = value[KNOWN_KEY]  # an incomplete list of references
        if not kind:
            yield from _raw_refs(value, (*path, key))
        elif isinstance(value, str) and value != UNKNOWN and not is_list:
            yield (*path, key), kind, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str) and item != UNKNOWN:
                    yield (*path, key, i), kind, item
                else:
                    yield from _raw_refs(item, (*path, key, i))


def _check(
    located: Located,
    declared: list[tuple[str, str, DataPath]],
    declared_sources: list[tuple[str, DataPath]],
    refs: Iterable[tuple[DataPath, str, str]],
) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    seen: dict[str, DataPath] = {}
    for ident, _kind, path in declared:
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
    ids: dict[str, tuple[str, DataPath]] = {}
    for ident, kind, path in declared:
        ids.setdefault(ident, (kind, path))
    sources: dict[str, DataPath] = {}
    for source_id, source_path in declared_sources:
        if source_id in sources:
            first = located.value_at(sources[source_id])
            pos = located.value_at(source_path)
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    DUPLICATE_ID.code,
                    f"source {source_id!r} is declared twice "
                    f"(first at line {first.line}, column {first.col})",
                )
            )
        else:
            sources[source_id] = source_path
    for path, kind, ident in refs:
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
            pos = located.value_at(path)  # looked up only for a problem: most references are fine
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
    import difflib  # only when a reference dangles

    close = difflib.get_close_matches(ident, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else None
    return Diagnostic(located.path, pos.line, pos.col, DANGLING_REFERENCE.code, msg, hint)


def criterion_reference_diagnostics(
    case: Case, located: Located, criteria: Collection[str]
) -> list[Diagnostic]:
    """Each action's ``criteria`` must name a criterion of a loaded rubric: qualified
    (``fipps.security``), or a bare id some loaded rubric uses (``security``). ``criteria`` are
    the qualified ids of the loaded rubrics' criteria."""
    qualified = sorted(criteria)
    bare = {c.split(".", 1)[1] for c in qualified if "." in c}
    problems = []
    for i, action in enumerate(case.actions):
        for j, name in enumerate(action.criteria):
            if name in criteria or name in bare:
                continue
            pos = located.value_at(("actions", i, "criteria", j))
            import difflib  # only when a criterion is misspelt

            close = difflib.get_close_matches(name, qualified, n=1)
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    DANGLING_REFERENCE.code,
                    f"criterion {name!r} is not a criterion of any rubric assessed "
                    f"({', '.join(sorted({c.split('.', 1)[0] for c in qualified}))})",
                    f"did you mean {close[0]!r}?" if close else None,
                )
            )
    return problems
