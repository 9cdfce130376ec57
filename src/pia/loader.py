"""Bytes -> validated models, or a list of located problems. Nothing past this module sees YAML.

Every problem in a file is reported in one run: YAML problems first (data cannot be trusted past
them), then every schema problem pydantic finds, then every dangling or duplicated id. Each points
at the smallest node that causes it, as ``file:line:col``.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pia.diagnostics import Diagnostic, DiagnosticError
from pia.located import Located, Path, load_located
from pia.model.case import ID_SECTIONS, Case
from pia.model.common import Ref

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | FsPath) -> str:
    """Read a file as UTF-8 or raise a located diagnostic (never an OSError traceback)."""
    try:
        data = FsPath(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DiagnosticError(
            [Diagnostic(str(path), 1, 1, "PIA-E009", f"cannot read file: {reason}")]
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DiagnosticError(
            [Diagnostic(str(path), line, col, "PIA-E001", "the file is not UTF-8 text")]
        ) from None


def validate_located(located: Located, model: type[M]) -> M:
    """Validate located data against ``model``; map pydantic's errors back to line:col."""
    try:
        return model.model_validate(_as_tuples(located.data))
    except ValidationError as exc:
        raise DiagnosticError(schema_diagnostics(exc, located, model)) from None


def load_case_text(text: str, path: str) -> Case:
    return load_case_located(load_located(text, path))


def load_case_located(located: Located) -> Case:
    """Validate a parsed case and check its references; raise DiagnosticError if anything fails."""
    case = validate_located(located, Case)
    problems = reference_diagnostics(case, located)
    if problems:
        raise DiagnosticError(problems)
    return case


def load_case(path: str | FsPath) -> Case:
    """Load and check a case file. Raises :class:`DiagnosticError` with every problem found."""
    return load_case_text(read_text(path), str(path))


def _as_tuples(data: object) -> object:
    """YAML lists become tuples: the models are frozen and strict, so sequences are tuples."""
    if isinstance(data, list):
        return tuple(_as_tuples(item) for item in data)
    if isinstance(data, dict):
        return {key: _as_tuples(value) for key, value in data.items()}
    return data


# --- schema errors ---------------------------------------------------------------------------


def schema_diagnostics(
    exc: ValidationError, located: Located, model: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per located node: pydantic reports a union failure once per member, and
    those are merged into a single message."""
    grouped: dict[tuple[Path, str], list[str]] = {}
    positions: dict[tuple[Path, str], tuple[int, int]] = {}
    errors = exc.errors()
    suggested = _typo_targets(errors, model)
    inner_errors = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    for err in errors:
        raw = tuple(err["loc"])
        if err["type"] == "missing" and raw in suggested:
            continue  # the misspelt key beside it is the one cause
        if err["type"] == "too_short" and any(
            other[: len(raw)] == raw and len(other) > len(raw) for other in inner_errors
        ):
            continue  # items inside failed; the list is not really too short
        loc = _data_loc(err["loc"], located)
        code, message, pos = _describe(err, loc, located, model)
        key = (loc, code)
        grouped.setdefault(key, [])
        if message not in grouped[key]:
            grouped[key].append(message)
        positions[key] = (pos.line, pos.col)
    out = []
    for (loc, code), messages in grouped.items():
        line, col = positions[(loc, code)]
        text = messages[0] if len(messages) == 1 else " or ".join(messages)
        out.append(Diagnostic(located.path, line, col, code, text))
    return out


def _typo_targets(errors: Any, model: type[BaseModel]) -> set[tuple[int | str, ...]]:
    """Locations of missing fields that an unknown field beside them probably meant."""
    targets: set[tuple[int | str, ...]] = set()
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        parent = tuple(err["loc"][:-1])
        close = difflib.get_close_matches(
            str(err["loc"][-1]), sorted(_fields_at(model, parent)), n=1
        )
        if close:
            targets.add((*parent, close[0]))
    return targets


def _data_loc(loc: tuple[int | str, ...], located: Located) -> Path:
    """The longest prefix of pydantic's ``loc`` that names data (drops union and validator tags)."""
    real: list[str | int] = []
    for part in loc:
        candidate = (*real, part)
        if candidate in located.values or candidate in located.keys:
            real.append(part)
        elif isinstance(part, str) and not _exists(located.data, tuple(real)):
            break
    return tuple(real)


def _exists(data: object, loc: Path) -> bool:
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node:
                return False
            node = node[part]
        elif isinstance(node, list | tuple) and isinstance(part, int):
            if not 0 <= part < len(node):
                return False
            node = node[part]
        else:
            return False
    return True


def _where(loc: Path) -> str:
    return ".".join(str(p) for p in loc) or "the document"


def _describe(
    err: Any, loc: Path, located: Located, model: type[BaseModel]
) -> tuple[str, str, Any]:
    kind = err["type"]
    raw_loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        field = str(raw_loc[-1])
        allowed = sorted(_fields_at(model, raw_loc[:-1]))
        close = difflib.get_close_matches(field, allowed, n=1)
        msg = f"unknown field {field!r} in {_where(raw_loc[:-1])}"
        msg += (
            f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
        )
        return "PIA-E010", msg, located.key_at(raw_loc)
    if kind == "missing":
        field = str(raw_loc[-1])
        return (
            "PIA-E011",
            f"missing required field {field!r} in {_where(loc)}",
            located.value_at(loc),
        )
    found = err.get("input")
    shown = _show(found)
    text = err["msg"]
    if kind in {"date_format", "partial_date", "tri", "number_or_unknown"}:
        msg = f"{_where(loc)}: {text}"
    else:
        msg = f"{_where(loc)}: {_lower_first(text)}, found {shown}"
    return "PIA-E012", msg, located.value_at(loc)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> set[str]:
    """The field names (aliases) that the model accepts at ``loc``."""
    types_ = _types_at(model, loc)
    names: set[str] = set()
    for t in types_:
        for name, info in t.model_fields.items():
            names.add(info.alias or name)
    return names


def _types_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[type[BaseModel]]:
    current: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for t in current:
            for inner in _unwrap(t):
                if (
                    isinstance(inner, type)
                    and issubclass(inner, BaseModel)
                    and isinstance(part, str)
                ):
                    for name, info in inner.model_fields.items():
                        if part in (name, info.alias):
                            nxt.append(info.annotation)
                elif isinstance(part, int | str):
                    origin = typing.get_origin(inner)
                    if origin in (tuple, list):
                        nxt.append(typing.get_args(inner)[0])
                    elif origin is dict:
                        nxt.append(typing.get_args(inner)[1])
        current = nxt
    return [
        inner
        for t in current
        for inner in _unwrap(t)
        if isinstance(inner, type) and issubclass(inner, BaseModel)
    ]


def _unwrap(t: Any) -> list[Any]:
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(t)[0])
    if origin in (typing.Union, types.UnionType):
        return [u for arg in typing.get_args(t) for u in _unwrap(arg)]
    return [t]


# --- references ------------------------------------------------------------------------------


def iter_refs(obj: BaseModel, path: Path = ()) -> Iterator[tuple[Path, str, str]]:
    """Yield ``(path, kind, id)`` for every reference field in a model tree."""
    for name, key, ref in _ref_fields(type(obj)):
        yield from _walk_value(getattr(obj, name), (*path, key), ref)


@functools.cache
def _ref_fields(model: type[BaseModel]) -> tuple[tuple[str, str, Ref | None], ...]:
    """The fields of a model class that are references or can hold models, with their Ref.

    A pure function of the (immutable) class, computed once per class: walking a large case
    field by field and reading every annotation again took most of the reference check.
    """
    fields = []
    for name, info in model.model_fields.items():
        ref = next((m for m in info.metadata if isinstance(m, Ref)), None)
        if ref is None:
            ref = _item_ref(info.annotation)
        if ref is not None or _may_hold_models(info.annotation):
            fields.append((name, info.alias or name, ref))
    return tuple(fields)


def _may_hold_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(arg) for arg in typing.get_args(annotation))


def _item_ref(annotation: Any) -> Ref | None:
    """The Ref marker on a field, on the members of an optional field, or on its items."""
    for member in _members(annotation):
        if typing.get_origin(member) is typing.Annotated:
            found = [m for m in typing.get_args(member)[1:] if isinstance(m, Ref)]
            if found:
                return found[0]
            member = typing.get_args(member)[0]
        if typing.get_origin(member) in (tuple, list):
            ref = _item_ref(typing.get_args(member)[0])
            if ref is not None:
                return ref
    return None


def _members(annotation: Any) -> list[Any]:
    """Union members, keeping each member's own Annotated metadata."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


def _walk_value(value: object, path: Path, ref: Ref | None) -> Iterator[tuple[Path, str, str]]:
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


def declared_ids(case: Case) -> dict[str, tuple[str, Path]]:
    """Every id the case declares -> (kind, path). Rulings are declared inside litigation."""
    out: dict[str, tuple[str, Path]] = {}
    for section, kind in ID_SECTIONS.items():
        for i, entry in enumerate(getattr(case, section)):
            out.setdefault(entry.id, (kind, (section, i, "id")))
    for i, suit in enumerate(case.litigation):
        for j, ruling in enumerate(suit.rulings):
            out.setdefault(ruling.id, ("ruling", ("litigation", i, "rulings", j, "id")))
    return out


def _declarations(case: Case) -> Iterator[tuple[str, str, Path]]:
    for section, kind in ID_SECTIONS.items():
        for i, entry in enumerate(getattr(case, section)):
            yield entry.id, kind, (section, i, "id")
    for i, suit in enumerate(case.litigation):
        for j, ruling in enumerate(suit.rulings):
            yield ruling.id, "ruling", ("litigation", i, "rulings", j, "id")


def reference_diagnostics(case: Case, located: Located) -> list[Diagnostic]:
    """Duplicate ids, and references to ids that are not declared or are of the wrong kind."""
    problems: list[Diagnostic] = []
    seen: dict[str, Path] = {}
    for ident, _kind, path in _declarations(case):
        if ident in seen:
            first = located.value_at(seen[ident])
            pos = located.value_at(path)
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    "PIA-E021",
                    f"id {ident!r} is declared twice "
                    f"(first at line {first.line}, column {first.col})",
                )
            )
        else:
            seen[ident] = path
    ids = declared_ids(case)
    sources: dict[str, Path] = {}
    for i, src in enumerate(case.sources):
        if src.id in sources:
            first = located.value_at(sources[src.id])
            pos = located.value_at(("sources", i, "id"))
            problems.append(
                Diagnostic(
                    located.path,
                    pos.line,
                    pos.col,
                    "PIA-E021",
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
                    "PIA-E022",
                    f"{ident!r} is a {_label(actual)}, but a {_label(kind)} is expected here",
                )
            )
    return problems


ID_SECTION_FOR = {kind: section for section, kind in ID_SECTIONS.items()} | {
    "ruling": "litigation.rulings"
}


_LABELS = {
    "data": "data element",
    "data_quality": "data-quality entry",
    "open_question": "open question",
}


def _label(kind: str) -> str:
    return _LABELS.get(kind, kind.replace("_", " "))


def _dangling(
    located: Located, path: Path, kind: str, ident: str, known: list[str], section: str | None
) -> Diagnostic:
    pos = located.value_at(path)
    msg = f"{_label(kind)} {ident!r} is not declared"
    where = located.keys.get((section,)) if section and "." not in section else None
    if where is not None:
        msg += f" ({section} are declared at line {where.line})"
    close = difflib.get_close_matches(ident, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else None
    return Diagnostic(located.path, pos.line, pos.col, "PIA-E020", msg, hint)
