"""YAML text -> plain Python data plus the position of every key and value.

Safe by construction: libyaml's C parser emits events and this module builds ``dict``/``list``/
scalars from them itself, in one pass, so no constructor ever runs and no node graph is built.
Anchors and aliases, merge keys and non-standard tags are refused (an alias bomb of a few hundred
bytes expands to gigabytes in anything that walks it). Only ``true`` and ``false`` are booleans:
YAML 1.1 would read the country code ``NO`` or the answer ``yes`` as a boolean, which silently
changes facts.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

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
#: comma, or at the start of a line). URLs like ``?a=1&b=2`` do not match; a false alarm only
#: costs counting the events.
_ANCHOR_LIKE = re.compile(r"(?<![^\s\[{,])[&*][A-Za-z0-9_.-]")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$")


class Position(NamedTuple):
    """A 1-based line and column."""

    line: int
    col: int


#: Makes a :class:`Position` from a (line, column) pair without the call to its ``__new__``:
#: the loader makes one for every key and value in the file.
_position = tuple.__new__


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
    return _position(Position, (mark.line + 1, mark.column + 1))


def _offset_position(text: str | bytes, offset: int) -> tuple[int, int]:
    head = text[:offset] if isinstance(text, str) else text[:offset].decode("utf-8", "replace")
    line = head.count("\n") + 1
    return line, offset - (head.rfind("\n") + 1) + 1


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
    # Only texts that are large, or could hold an anchor, count their events as they go.
    counted = len(text) >= 256 * 1024 or bool(
        _ANCHOR_LIKE.search(text if isinstance(text, str) else text.decode("utf-8", "replace"))
    )
    try:
        return _Builder(path, counted).build(text)
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


#: The YAML 1.1 tag resolution libyaml's composer would apply (PyYAML's ``Resolver``).
_RESOLVER = yaml.resolver.Resolver()
_SCALAR_EVENT = yaml.ScalarEvent
_ALIAS_EVENT = yaml.AliasEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_STR_TAG = _STD + "str"
#: In a mapping's frame, the value that follows a refused key is skipped, not loaded.
_REFUSED = object()


class _Frame:
    """An open mapping or sequence: its data, its path, and (for a mapping) the key whose
    value comes next (None while a key is expected) and where each key was first written."""

    __slots__ = ("data", "first", "key", "path")

    def __init__(self, data: dict[str, object] | list[object], path: DataPath) -> None:
        self.data = data
        self.path = path
        self.key: Any = None  # a str, None or _REFUSED
        self.first: dict[str, Any] = {}


class _Builder:
    """Plain data and positions straight from libyaml's events, in one pass over them.

    No node graph is composed: every check (aliases and anchors, tags, keys, the node cap)
    happens on the event that starts a node, and the subtree of a refused node is skipped
    unread (``skip`` counts its open collections). Problems are raised once the whole stream
    has parsed: YAML problems come first.
    """

    def __init__(self, path: str, counted: bool) -> None:
        self.path = path
        self.counted = counted  # count events, and refuse anchors (see _ANCHOR_LIKE)
        self.located = Located(path, None)
        self.problems: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.skip = 0
        self.count = 0  # nodes loaded, against MAX_NODES
        self.capped: list[Diagnostic] | None = None  # the problems when the cap was reached
        self.root: Any = None  # the event that starts the document
        self.second: Any = None  # the event that starts a second document, if any
        self.anchor: tuple[Any, str] | None = None  # the first anchor

    def build(self, text: str | bytes) -> Located:
        """Load the events of ``text``. The usual node (no anchor or tag, below the node cap,
        inside an open collection, not skipped) is loaded right here in the loop; a plain
        mapping key that is new to its mapping likewise. Anything else, and any node that
        would need a problem reported, goes through :meth:`start`, which handles every case:
        the loop only saves the method calls of the common one, with the same results."""
        previous: Any = None
        loader = _Loader(text)
        get_event: Any = loader.get_event
        stack = self.stack
        values = self.located.values
        keys = self.located.keys
        counted = self.counted
        too_many = MAX_NODES * 2
        events = 0
        try:
            while (event := get_event()) is not None:
                events += 1
                kind = type(event)
                if kind is _ALIAS_EVENT:
                    self.refuse_alias(event, previous)
                previous = event
                if counted and events > too_many:
                    raise DiagnosticError([Diagnostic(self.path, 1, 1, TOO_LARGE.code, TOO_MANY)])
                if kind is _SCALAR_EVENT:
                    if (
                        stack
                        and not self.skip
                        and event.tag is None
                        and event.anchor is None
                        and self._scalar_here(event, stack[-1], values, keys)
                    ):
                        continue
                elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                    if stack and not self.skip and event.tag is None and event.anchor is None:
                        frame = stack[-1]
                        parent = frame.data
                        key = frame.key
                        if isinstance(parent, list):
                            where: DataPath = (*frame.path, len(parent))
                        elif key is None or key is _REFUSED:
                            where = ()
                        else:
                            where = (*frame.path, key)
                        if where and self.count < MAX_NODES:
                            self.count += 1
                            mark = event.start_mark
                            values[where] = _position(Position, (mark.line + 1, mark.column + 1))
                            data: dict[str, object] | list[object] = (
                                {} if kind is _MAPPING_START else []
                            )
                            stack.append(_Frame(data, where))
                            if isinstance(parent, list):
                                parent.append(data)
                            else:
                                frame.key = None
                                parent[key] = data
                            continue
                else:
                    if kind is _SEQUENCE_END or kind is _MAPPING_END:
                        if self.skip:
                            self.skip -= 1
                        else:
                            stack.pop()
                    continue
                if event.anchor is not None and self.anchor is None:
                    self.anchor = (event.start_mark, event.anchor)
                self.start(event, opens=kind is not _SCALAR_EVENT)
        finally:
            loader.dispose()
        return self.finish(text)

    def _scalar_here(
        self,
        event: Any,
        frame: _Frame,
        values: dict[DataPath, Position],
        keys: dict[DataPath, Position],
    ) -> bool:
        """Load an untagged scalar into ``frame`` as :meth:`start` would, and say so; or do
        nothing and return False when it needs :meth:`start` (a problem to report, a key that
        is not plain text or is a duplicate, the node cap, a refused key's value)."""
        value: str = event.value
        parent = frame.data
        key = frame.key
        if type(parent) is dict and key is None:  # a mapping key
            if not event.implicit[0] or _plain_tag(value) != _STR_TAG or value in frame.first:
                return False
            mark = event.start_mark
            frame.first[value] = mark
            keys[(*frame.path, value)] = _position(Position, (mark.line + 1, mark.column + 1))
            frame.key = value
            return True
        if key is _REFUSED or self.count >= MAX_NODES:
            return False
        if event.style:  # quoted or block: text (the composer's tag is str)
            data: object = value
        elif event.implicit[0]:
            tag = _plain_tag(value)
            if tag == _STR_TAG:  # plain text, as _scalar would return it
                data = value
            elif tag not in _ALLOWED_TAGS:
                return False
            else:
                try:
                    data = _scalar(value, None, tag)
                except OutOfRange:
                    return False
        else:
            return False
        self.count += 1
        mark = event.start_mark
        position = _position(Position, (mark.line + 1, mark.column + 1))
        if isinstance(parent, list):
            values[(*frame.path, len(parent))] = position
            parent.append(data)
        else:
            values[(*frame.path, key)] = position
            parent[key] = data
            frame.key = None
        return True

    def start(self, event: Any, opens: bool) -> None:
        """A node starts: load it where it belongs, or skip it."""
        if self.skip:
            self.skip += opens
            return
        if not self.stack:  # the root of a document
            if self.root is not None:
                self.second = self.second or event
                self.skip = opens
                return
            self.root = event
            where: DataPath = ()
        else:
            frame = self.stack[-1]
            if isinstance(frame.data, list):
                where = (*frame.path, len(frame.data))
            elif frame.key is None:  # a mapping key
                frame.key = self.key(event, frame)
                self.skip = opens
                return
            elif frame.key is _REFUSED:  # the value of a refused key
                frame.key = None
                self.skip = opens
                return
            else:
                where = (*frame.path, cast(str, frame.key))
                frame.key = None
        self.count += 1
        if self.count > MAX_NODES:
            if self.capped is None:
                self.capped = [
                    *self.problems,
                    Diagnostic(self.path, 1, 1, TOO_LARGE.code, TOO_MANY),
                ]
            self.skip = len(self.stack) + opens  # skip the rest, watching for a second document
            self.stack.clear()
            return
        self.located.values[where] = _pos(event.start_mark)
        data = self.node(event, opens, where)
        if not where:
            self.located.data = data
            return
        parent = self.stack[-2 if opens and data is not None else -1].data
        if isinstance(parent, list):
            parent.append(data)
        else:
            parent[where[-1]] = data  # type: ignore[index]

    def node(self, event: Any, opens: bool, where: DataPath) -> object:
        """A scalar's value, or a new (still empty) collection; None after a problem."""
        tag = _tag(event)
        if tag not in _ALLOWED_TAGS:
            self.problem(event, YAML_TAG.code, f"unsupported YAML tag {tag!r}", "remove the tag")
            self.skip = opens
            return None
        if not opens:
            try:
                return _scalar(event.value, event.style, tag)
            except OutOfRange as exc:
                self.problem(event, NUMBER_OUT_OF_RANGE.code, str(exc), exc.hint)
                return None
        data: dict[str, object] | list[object] = {} if type(event) is yaml.MappingStartEvent else []
        self.stack.append(_Frame(data, where))
        return data

    def finish(self, text: str | bytes) -> Located:
        """The located data, or the problems, in the order a reader would fix them."""
        if self.anchor is not None and self.counted:
            p = _pos(self.anchor[0])
            raise DiagnosticError(
                [
                    Diagnostic(
                        self.path,
                        p.line,
                        p.col,
                        YAML_ALIAS.code,
                        f"YAML anchors (&{self.anchor[1]}) are not allowed",
                        "write the value out in full",
                    )
                ]
            )
        if self.root is None:
            raise DiagnosticError(
                [
                    Diagnostic(
                        self.path,
                        1,
                        1,
                        NOT_A_MAPPING.code,
                        "the file is empty; expected a mapping",
                    )
                ]
            )
        if self.second is not None:
            p = _pos(self.second.start_mark)
            raise DiagnosticError(
                [
                    Diagnostic(
                        self.path,
                        p.line,
                        p.col,
                        NOT_A_MAPPING.code,
                        "the file holds more than one YAML document; expected exactly one",
                    )
                ]
            )
        if self.capped is not None:
            raise DiagnosticError(self.capped)
        if not self.problems and not isinstance(self.located.data, dict):
            self.problem(self.root, NOT_A_MAPPING.code, "the document is not a mapping of fields")
        if self.problems:
            raise DiagnosticError(self.problems)
        self.located.text = text if isinstance(text, str) else text.decode("utf-8", "replace")
        return self.located

    def key(self, event: Any, frame: _Frame) -> object:
        """The key a mapping entry's value is loaded under, or ``_REFUSED`` after a problem."""
        tag = _tag(event)
        if tag == _STD + "merge":
            self.problem(event, YAML_MERGE.code, "merge keys (<<) are not allowed")
            return _REFUSED
        key = _key(event, tag)
        if not isinstance(key, str):
            shown = event.value if type(event) is _SCALAR_EVENT else "(a collection)"
            self.problem(
                event,
                KEY_NOT_STRING.code,
                f"mapping key {shown!r} is not a string",
                "quote the key",
            )
            return _REFUSED
        first = frame.first.get(key)
        if first is not None:
            prev = _pos(first)
            self.problem(
                event,
                DUPLICATE_KEY.code,
                f"duplicate key {key!r} (first defined at line {prev.line}, column {prev.col})",
            )
            return _REFUSED
        frame.first[key] = event.start_mark
        self.located.keys[(*frame.path, key)] = _pos(event.start_mark)
        return key

    def problem(self, event: Any, code: str, message: str, hint: str | None = None) -> None:
        p = _pos(event.start_mark)
        self.problems.append(Diagnostic(self.path, p.line, p.col, code, message, hint))

    def refuse_alias(self, event: Any, previous: Any) -> None:
        merge = type(previous) is _SCALAR_EVENT and previous.value == "<<"
        p = _pos(previous.start_mark if merge else event.start_mark)
        code, message = (
            (YAML_MERGE.code, "merge keys (<<) are not allowed")
            if merge
            else (YAML_ALIAS.code, f"YAML aliases (*{event.anchor}) are not allowed")
        )
        raise DiagnosticError(
            [Diagnostic(self.path, p.line, p.col, code, message, "write the value out in full")]
        )


TOO_MANY = "too many YAML nodes"


def _tag(event: Any) -> str:
    """The tag libyaml's composer would give the node an event starts."""
    tag: str | None = event.tag
    if tag is not None and tag != "!":
        return tag
    if type(event) is _SCALAR_EVENT:
        if event.implicit[0]:  # plain: the tag depends on the text alone
            return _plain_tag(event.value)
        return _resolve(event.value, event.implicit)
    if type(event) is yaml.SequenceStartEvent:
        return _RESOLVER.DEFAULT_SEQUENCE_TAG
    return _RESOLVER.DEFAULT_MAPPING_TAG


@functools.lru_cache(maxsize=4096)
def _plain_tag(value: str) -> str:
    """The tag of a plain scalar; the same few words (field names, ``unknown``) recur."""
    return _resolve(value, (True, False))


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


def _key(event: Any, tag: str) -> object:
    """A mapping key as data (a number too large to compute with is still not a string)."""
    if type(event) is not _SCALAR_EVENT:
        return None
    try:
        return _scalar(event.value, event.style, tag)
    except OutOfRange:
        return None


class OutOfRange(ValueError):
    """A number pia cannot compute with: beyond 64-bit integers, or not finite."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _scalar(value: str, style: str | None, tag: str) -> object:
    """Resolve a scalar with pia's own, narrower rules: quoted text is always a string.

    Numbers must fit what pia computes with: integers within 64 bits (CEL's), decimals finite
    (``1.0e+999`` would be infinity and turn scores into NaN)."""
    if style:  # quoted or block scalar (plain is None or '' depending on the parser)
        return value
    if tag == _STD + "str":  # resolved as text, or tagged !!str explicitly
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
