"""Validating located data against a model, with pydantic's errors mapped back to line:col.

pydantic reports a union failure once per member and a missing field beside a misspelt one as
two problems; this module merges them into one diagnostic per cause, at the smallest node.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pia.load.located import DataPath, Located
from pia.model.common import UNKNOWN
from pia.model.diagnostics import (
    MISSING_FIELD,
    UNKNOWN_FIELD,
    WRONG_VALUE,
    Diagnostic,
    DiagnosticError,
)
from pia.model.facts import KNOWN_KEY
from pia.model.introspect import (
    field_info,
    fields_at,
    item_type,
    literal_values,
    ref_of,
    types_at,
    unwrap,
)

M = TypeVar("M", bound=BaseModel)


def validate_located(located: Located, model: type[M]) -> M:
    """Validate located data against ``model``; map pydantic's errors back to line:col."""
    try:
        return model.model_validate(as_tuples(located.data))
    except ValidationError as exc:
        raise DiagnosticError(schema_diagnostics(exc, located, model)) from None


def as_tuples(data: object) -> object:
    """YAML lists become tuples: the models are frozen and strict, so sequences are tuples."""
    if isinstance(data, list):
        return tuple(as_tuples(item) for item in data)
    if isinstance(data, dict):
        return {key: as_tuples(value) for key, value in data.items()}
    return data


def schema_diagnostics(
    exc: ValidationError, located: Located, model: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per located node: pydantic reports a union failure once per member, and
    those are merged into a single message."""
    grouped: dict[tuple[DataPath, str], list[str]] = {}
    positions: dict[tuple[DataPath, str], tuple[int, int]] = {}
    errors = exc.errors()
    suggested = _typo_targets(errors, model)
    inner_errors = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    element_errors = {
        raw[: i + 1]
        for raw in (tuple(e["loc"]) for e in errors)
        for i in [_field_index(raw, model)]
        if i >= 0 and any(isinstance(part, int) for part in raw[i + 1 :])
    }
    for err in errors:
        raw = tuple(err["loc"])
        field_end = _field_index(raw, model) + 1
        if (
            err["type"] == "literal_error"
            and raw[:field_end] in element_errors
            and not any(isinstance(part, int) for part in raw[field_end:])
        ):
            continue  # a list that may be `unknown`: its items failed; it is not the literal
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
        close = _close_matches(str(err["loc"][-1]), sorted(fields_at(model, parent)))
        if close:
            targets.add((*parent, close[0]))
    return targets


def _data_loc(loc: tuple[int | str, ...], located: Located) -> DataPath:
    """The longest prefix of pydantic's ``loc`` that names data (drops union and validator tags)."""
    real: list[str | int] = []
    for part in loc:
        candidate = (*real, part)
        if candidate in located.values or candidate in located.keys:
            real.append(part)
        elif isinstance(part, int) and (*real, KNOWN_KEY, part) in located.values:
            real.extend((KNOWN_KEY, part))  # an entry of an incomplete list
        elif isinstance(part, str) and not _exists(located.data, tuple(real)):
            break
    return tuple(real)


def _exists(data: object, loc: DataPath) -> bool:
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


def _where(loc: DataPath) -> str:
    return ".".join(str(p) for p in loc) or "the document"


def _describe(
    err: Any, loc: DataPath, located: Located, model: type[BaseModel]
) -> tuple[str, str, Any]:
    kind = err["type"]
    raw_loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        field = str(raw_loc[-1])
        allowed = sorted(fields_at(model, raw_loc[:-1]))
        close = _close_matches(field, allowed)
        msg = f"unknown field {field!r} in {_where(raw_loc[:-1])}"
        msg += (
            f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
        )
        return UNKNOWN_FIELD.code, msg, located.key_at(raw_loc)
    if kind == "missing":
        field = str(raw_loc[-1])
        return (
            MISSING_FIELD.code,
            f"missing required field {field!r} in {_where(loc)}",
            located.value_at(loc),
        )
    found = err.get("input")
    shown = _show(found)
    text = err["msg"]
    if kind in {"date_format", "partial_date", "tri", "number_or_unknown"}:
        msg = f"{_where(loc)}: {text}"
    else:
        expected = _expected(kind, raw_loc, model)
        msg = f"{_where(loc)}: {expected or _lower_first(text)}, found {shown}"
        if kind == "literal_error" and isinstance(found, str):
            annotation = _annotation_at(raw_loc, model)
            values = [str(v) for v in literal_values(annotation)] if annotation else []
            close = _close_matches(found, values)
            if close:
                msg += f"; did you mean {close[0]!r}?"
    return WRONG_VALUE.code, msg, located.value_at(loc)


#: pydantic's error types -> what the format expects, in plain words.
_PLAIN: dict[str, str] = {
    "model_type": "expected a mapping of fields (name: value)",
    "dict_type": "expected a mapping of fields (name: value)",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
}


def _expected(kind: str, loc: tuple[int | str, ...], model: type[BaseModel]) -> str | None:
    """What the field at ``loc`` expects, in the format's words: "expected a list of ids or
    `unknown`" rather than pydantic's "input should be a valid tuple"."""
    annotation = _annotation_at(loc, model)
    is_list = annotation is not None and any(item_type(t) is not None for t in unwrap(annotation))
    of_element = any(isinstance(part, int) for part in loc[_field_index(loc, model) + 1 :])
    if kind in ("tuple_type", "list_type") or (
        kind == "literal_error" and is_list and not of_element
    ):
        # a list that may also be `unknown` fails as a list and as the literal: one message
        of = " of ids" if annotation is not None and ref_of(annotation) is not None else ""
        unknown = annotation is not None and UNKNOWN in literal_values(annotation)
        return (
            f"expected a list{of}"
            + (" or `unknown`" if unknown else "")
            + (" (write [] for none)" if of else "")
        )
    if kind == "literal_error":
        values = literal_values(annotation) if annotation is not None else ()
        if values:
            words = [str(v) for v in values]
            return "expected one of: " + ", ".join(words)
    return _PLAIN.get(kind)


def _field_index(loc: tuple[int | str, ...], model: type[BaseModel]) -> int:
    """The index in a pydantic ``loc`` of the last part that names a field (list indexes and
    union tags after it are skipped); -1 if none does."""
    for end in range(len(loc), 0, -1):
        name = loc[end - 1]
        if isinstance(name, str) and any(
            field_info(parent, name) is not None for parent in types_at(model, loc[: end - 1])
        ):
            return end - 1
    return -1


def _annotation_at(loc: tuple[int | str, ...], model: type[BaseModel]) -> Any:
    """The annotation of the field a pydantic ``loc`` ends in."""
    i = _field_index(loc, model)
    if i < 0:
        return None
    for parent in types_at(model, loc[:i]):
        info = field_info(parent, str(loc[i]))
        if info is not None:
            return info.annotation
    return None


def _close_matches(word: str, candidates: list[str]) -> list[str]:
    """The one candidate closest to ``word``, if any is close enough (a did-you-mean)."""
    import difflib  # only when a file has schema errors

    return difflib.get_close_matches(word, candidates, n=1)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
