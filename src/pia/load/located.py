"""YAML text -> plain Python data plus the position of every key and value.

Safe by construction: libyaml's C parser composes a node graph and this module turns it into
``dict``/``list``/scalars itself, so no constructor ever runs. Anchors and aliases, merge keys and
non-standard tags are refused (an alias bomb of a few hundred bytes expands to gigabytes in anything
that walks it). Only ``true`` and ``false`` are booleans: YAML 1.1 would read the country code
``NO`` or the answer ``yes`` as a boolean, which silently changes facts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from pia.model.diagnostics import (
    DUPLICATE_KEY,
    KEY_NOT_STRING,
    NOT_A_MAPPING,
    NUMBER_OUT_OF_RANGE,
    TOO_LARGE,
    YAML_ALIAS,
    YAML_MERGE,
    YAML_SYNTAX,
    YAML_TAG,
    Diagnostic,
    DiagnosticError,
)
from pia.model.facts import KNOWN_KEY

try:  # The PyPI wheel ships libyaml; fall back to the pure-Python parser if it is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
#: CEL's integers are 64-bit; a figure beyond them could not be read by a rubric expression.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: A path into the data: mapping keys and list indexes, e.g. ("flows", 3, "status").
DataPath = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
#: An '&' or '*' where YAML could start an anchor or alias (after a space, a flow bracket or a
#: comma, or at the start of a line). URLs like ``?a=1&b=2`` do not match; false alarms only
#: cost one more pass over the events.
_ANCHOR_LIKE = re.compile(r"(?:^|[\s\[{,])[&*][A-Za-z0-9_.-]", re.MULTILINE)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$")


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass
class Located:
    """Plain data from one YAML document, with where each part of it stands in the file."""

    path: str
    data: object
    text: str = ""
    #: data path -> position of the value (for a mapping entry, of the value after the colon)
    values: dict[DataPath, Position] = field(default_factory=dict)
    #: data path -> position of the key, for mapping entries
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def value_at(self, loc: DataPath) -> Position:
        """Position of the deepest part of ``loc`` present in the file (missing fields and union
        tags are not in the YAML, so the longest existing prefix is the best place to point)."""
        loc = self.in_file(loc)
        for end in range(len(loc), -1, -1):
            pos = self.values.get(loc[:end])
            if pos is not None:
                return pos
        return Position(1, 1)

    def key_at(self, loc: DataPath) -> Position:
        loc = self.in_file(loc)
        return self.keys.get(loc) or self.value_at(loc)

    def in_file(self, loc: DataPath) -> DataPath:
        """``loc`` as the file spells it: the models index an incomplete list's entries as a
        list's (``flows[0].authorities[1]``), the file under its ``known`` key
        (``flows[0].authorities.known[1]``)."""
        real: list[str | int] = []
        for part in loc:
            if (
                isinstance(part, int)
                and (*real, part) not in self.values
                and (*real, KNOWN_KEY, part) in self.values
            ):
                real.append(KNOWN_KEY)
            real.append(part)
        return tuple(real)


#: libyaml's (context, problem) -> plain words, whether to point at where the construct began
#: (the context mark: an opening quote or bracket) rather than where libyaml gave up, and a hint.
_YAML_WORDS: tuple[tuple[str, str, str, bool, str | None], ...] = (
    (
        "while scanning a quoted scalar",
        "",
        "a quoted value opened here is never closed",
        True,
        "add the closing quote (\" or ') at the end of the value",
    ),
    (
        "while parsing a flow sequence",
        "",
        "a list opened with [ here is not closed, or an item in it needs quotes",
        True,
        "close the list with ], and quote items that hold ':', '[' or ','",
    ),
    (
        "while parsing a flow mapping",
        "",
        "a mapping opened with { here is not closed, or a value in it needs quotes",
        True,
        "close the mapping with }, and quote values that hold ':', '{' or ','",
    ),
    (
        "while scanning a simple key",
        "could not find expected ':'",
        "this line is neither a 'field: value' pair nor a list item",
        True,
        "add the ':' after the field name, or indent the line as part of the value above",
    ),
    (
        "",
        "mapping values are not allowed",
        "a ':' inside an unquoted value (or a line indented more than the field above it)",
        False,
        "put the whole value in quotes, or use '>-' and write it on the next lines",
    ),
    (
        "while parsing a block mapping",
        "expected <block end>",
        "this line is indented differently from the fields before it",
        False,
        "indent each field of an entry by the same number of spaces",
    ),
    (
        "while scanning for the next token",
        "found character that cannot start any token",
        "a character YAML cannot start a value with (a tab, or a stray '@' or '`')",
        False,
        "indent with spaces only, and quote a value that starts with '@' or '`'",
    ),
)


def yaml_problem(exc: yaml.MarkedYAMLError) -> tuple[int, int, str, str | None]:
    """(line, column, message, hint) for a libyaml error, in plain words where the message is
    a common one; an unclosed quote or bracket points at where it was opened."""
    context, problem = exc.context or "", exc.problem or ""
    for when, what, words, at_start, hint in _YAML_WORDS:
        if (not when or context.startswith(when)) and (not what or problem.startswith(what)):
            mark = (exc.context_mark if at_start else None) or exc.problem_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return line, col, f"{words} (YAML: {problem or context})", hint
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    text = problem or context or "invalid YAML"
    if context and problem:
        text = f"{problem} {context}"
    return line, col, text, None


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _offset_position(text: str | bytes, offset: int) -> tuple[int, int]:
    head = text[:offset] if isinstance(text, str) else text[:offset].decode("utf-8", "replace")
    line = head.count("\n") + 1
    return line, offset - (head.rfind("\n") + 1) + 1


def _check_events(text: str | bytes, path: str) -> None:
    """Refuse anchors (even unused ones) and oversized documents before any node is built.

    Only texts that could hold an anchor or are large pay for this extra pass over the events.
    """
    sample = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if not _ANCHOR_LIKE.search(sample) and len(text) < 256 * 1024:
        return
    anchor_at: tuple[int, int, str] | None = None
    previous: Any = None
    for count, event in enumerate(yaml.parse(text, Loader=_Loader), start=1):
        if isinstance(event, yaml.AliasEvent):
            merge = isinstance(previous, yaml.ScalarEvent) and previous.value == "<<"
            mark = previous.start_mark if merge else event.start_mark
            p = _pos(mark)
            code, message = (
                (YAML_MERGE.code, "merge keys (<<) are not allowed")
                if merge
                else (YAML_ALIAS.code, f"YAML aliases (*{event.anchor}) are not allowed")
            )
            raise DiagnosticError(
                [Diagnostic(path, p.line, p.col, code, message, "write the value out in full")]
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None and anchor_at is None:
            p = _pos(event.start_mark)
            anchor_at = (p.line, p.col, anchor)
        previous = event
        if count > MAX_NODES * 2:
            raise DiagnosticError([Diagnostic(path, 1, 1, TOO_LARGE.code, "too many YAML nodes")])
    if anchor_at is not None:
        line, col, name = anchor_at
        raise DiagnosticError(
            [
                Diagnostic(
                    path,
                    line,
                    col,
                    YAML_ALIAS.code,
                    f"YAML anchors (&{name}) are not allowed",
                    "write the value out in full",
                )
            ]
        )


def load_located(text: str | bytes, path: str) -> Located:
    """Parse one YAML document into plain data with positions, or raise :class:`DiagnosticError`."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise DiagnosticError(
            [
                Diagnostic(
                    path,
                    1,
                    1,
                    TOO_LARGE.code,
                    f"file is {size:,} bytes; the limit is {MAX_BYTES:,}",
                )
            ]
        )
    try:
        _check_events(text, path)
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except UnicodeError as exc:  # only reachable through the API: files are decoded first
        raise DiagnosticError(
            [Diagnostic(path, 1, 1, YAML_SYNTAX.code, f"the text is not valid Unicode: {exc}")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = _offset_position(text, exc.position)
        reason = f"{exc.reason} (character {exc.character!r})"
        raise DiagnosticError([Diagnostic(path, line, col, YAML_SYNTAX.code, reason)]) from None
    except yaml.MarkedYAMLError as exc:
        line, col, problem, hint = yaml_problem(exc)
        raise DiagnosticError(
            [Diagnostic(path, line, col, YAML_SYNTAX.code, problem, hint)]
        ) from None
    except yaml.YAMLError as exc:  # anything else libyaml reports without a mark
        message = " ".join(str(exc).split())
        raise DiagnosticError([Diagnostic(path, 1, 1, YAML_SYNTAX.code, message)]) from None
    if not nodes:
        raise DiagnosticError(
            [Diagnostic(path, 1, 1, NOT_A_MAPPING.code, "the file is empty; expected a mapping")]
        )
    if len(nodes) > 1:
        second = nodes[1].start_mark
        raise DiagnosticError(
            [
                Diagnostic(
                    path,
                    second.line + 1,
                    second.column + 1,
                    NOT_A_MAPPING.code,
                    "the file holds more than one YAML document; expected exactly one",
                )
            ]
        )
    return _Walker(path).walk_document(nodes[0], text)


class _Walker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.result = Located(path, None)
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.count = 0

    def walk_document(self, root: yaml.Node, text: str | bytes) -> Located:
        self.text = text
        data = self.walk(root, ())
        if not self.problems and not isinstance(data, dict):
            self.problem(root, NOT_A_MAPPING.code, "the document is not a mapping of fields")
        if self.problems:
            raise DiagnosticError(self.problems)
        self.result.data = data
        self.result.text = text if isinstance(text, str) else text.decode("utf-8", "replace")
        return self.result

    def problem(self, node: yaml.Node, code: str, message: str, hint: str | None = None) -> None:
        p = _pos(node.start_mark)
        self.problems.append(Diagnostic(self.path, p.line, p.col, code, message, hint))

    def walk(self, node: yaml.Node, path: DataPath) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise DiagnosticError(
                [*self.problems, Diagnostic(self.path, 1, 1, TOO_LARGE.code, "too many YAML nodes")]
            )
        if id(node) in self.seen:
            self.problem_alias(node)
            return None
        self.seen.add(id(node))
        self.result.values[path] = _pos(node.start_mark)
        if node.tag not in _ALLOWED_TAGS:
            self.problem(
                node, YAML_TAG.code, f"unsupported YAML tag {node.tag!r}", "remove the tag"
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.walk_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            return _scalar(node)
        except OutOfRange as exc:
            self.problem(node, NUMBER_OUT_OF_RANGE.code, str(exc), exc.hint)
            return None

    def walk_mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[str, object]:
        out: dict[str, object] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                self.problem(key_node, YAML_MERGE.code, "merge keys (<<) are not allowed")
                continue
            key = _key(key_node)
            if not isinstance(key, str):
                shown = (
                    key_node.value if isinstance(key_node, yaml.ScalarNode) else "(a collection)"
                )
                self.problem(
                    key_node,
                    KEY_NOT_STRING.code,
                    f"mapping key {shown!r} is not a string",
                    "quote the key",
                )
                continue
            if key in first:
                prev = _pos(first[key].start_mark)
                self.problem(
                    key_node,
                    DUPLICATE_KEY.code,
                    f"duplicate key {key!r} (first defined at line {prev.line}, column {prev.col})",
                )
                continue
            first[key] = key_node
            self.result.keys[(*path, key)] = _pos(key_node.start_mark)
            out[key] = self.walk(value_node, (*path, key))
        return out

    def problem_alias(self, node: yaml.Node) -> None:
        """The C composer shares the anchored node; re-scan the events to point at the alias."""
        for event in yaml.parse(self.text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                p = _pos(event.start_mark)
                self.problems.append(
                    Diagnostic(
                        self.path,
                        p.line,
                        p.col,
                        YAML_ALIAS.code,
                        f"YAML aliases (*{event.anchor}) are not allowed",
                        "write the value out in full",
                    )
                )
                raise DiagnosticError(self.problems)
        self.problem(
            node, YAML_ALIAS.code, "YAML anchors and aliases are not allowed"
        )  # pragma: no cover


def _key(node: yaml.Node) -> object:
    """A mapping key as data (a number too large to compute with is still not a string)."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    try:
        return _scalar(node)
    except OutOfRange:
        return None


class OutOfRange(ValueError):
    """A number pia cannot compute with: beyond 64-bit integers, or not finite."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _scalar(node: yaml.ScalarNode) -> object:
    """Resolve a scalar with pia's own, narrower rules: quoted text is always a string.

    Numbers must fit what pia computes with: integers within 64 bits (CEL's), decimals finite
    (``1.0e+999`` would be infinity and turn scores into NaN)."""
    value: str = node.value
    if node.style:  # quoted or block scalar (plain is None or '' depending on the parser)
        return value
    if node.tag == _STD + "str":  # resolved as text, or tagged !!str explicitly
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        digits = value.replace("_", "")
        number = int(digits) if len(digits) <= 20 else None
        if number is None or not INT64_MIN <= number <= INT64_MAX:
            shown = digits if len(digits) <= 24 else f"{digits[:20]}… ({len(digits)} digits)"
            raise OutOfRange(
                f"the number {shown} is beyond 64-bit integers ({INT64_MIN:,} to {INT64_MAX:,})",
                "write a smaller figure, or quote it if it is text",
            )
        return number
    if _FLOAT.match(value):
        number_f = float(value.replace("_", ""))
        if not math.isfinite(number_f):
            raise OutOfRange(
                f"the number {value[:40]} is too large to compute with (it overflows to infinity)",
                "write a smaller figure, or quote it if it is text",
            )
        return number_f
    return value
