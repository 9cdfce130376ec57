"""CEL values for the case view: three-valued truth, unknown facts as error values, traced maps.

pia represents every fact the case marks ``unknown`` as a CEL *error value* that carries the
fact's path, so CEL's error absorption inside ``&&``, ``||``, ``exists`` and ``all`` gives Kleene
logic (see :mod:`pia.cel.functions`). Every mapping that carries an ``id`` records the fields read
from it, which is an indicator's evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError


class Truth(Enum):
    """Three-valued result of an indicator. Unknown is not false."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class UnknownFact(Exception):
    """Marker type carried by the CEL error values that stand for facts the case marks unknown."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """An unknown fact in the case view, with the case path it stands for."""

    path: str


Read = tuple[str, str]


@dataclass
class Recorder:
    """What one evaluation read. One per assessment run, reset per indicator.

    ``reads`` is every (entry id, field) pair read: the sensitivity analysis needs all of them.
    ``evidence`` keeps only the reads that decided the result: for ``exists`` that came out
    true, the elements that made it true; for ``all`` that came out false, the elements that
    failed; otherwise every element examined. That is what a reader of the report wants to see.
    """

    reads: set[Read] = field(default_factory=set)
    frames: list[set[Read]] = field(default_factory=lambda: [set()])
    macros: list[list[tuple[set[Read], Any]]] = field(default_factory=list)

    def reset(self) -> None:
        self.reads = set()
        self.frames = [set()]
        self.macros = []

    def read(self, entry: str, name: str) -> None:
        self.reads.add((entry, name))
        self.frames[-1].add((entry, name))

    @property
    def evidence(self) -> set[Read]:
        return self.frames[0]


class TracedMap(celtypes.MapType):
    """A CEL map that records field reads on behalf of the case entry it represents."""

    def __init__(self, items: Mapping[Any, Any], entry: str | None, recorder: Recorder) -> None:
        # dict's own constructor: MapType's checks ``isinstance(items, typing.Sequence)``,
        # which costs more than the rest of building the case view; a mapping is copied as is.
        dict.__init__(self, items)
        self.entry = entry
        self.recorder = recorder

    def __getitem__(self, key: Any) -> Any:
        if self.entry is not None:
            self.recorder.read(self.entry, str(key))
        return super().__getitem__(key)

    def raw(self, key: str) -> Any:
        """The stored value, without recording a read."""
        return dict.__getitem__(self, celtypes.StringType(key))

    def replace(self, key: str, value: Any) -> None:
        """Substitute one field's value (used to settle a fact hypothetically)."""
        dict.__setitem__(self, celtypes.StringType(key), value)

    def is_unknown(self, key: str) -> bool:
        return key in self and isinstance(self.raw(key), CELEvalError)


def unknown_error(path: str) -> CELEvalError:
    return CELEvalError(f"UNKNOWN {path}", UnknownFact, None)


def to_cel(value: object, recorder: Recorder, memo: dict[int, Any] | None = None) -> Any:
    """Convert the plain case view (dicts with an ``id``, lists, scalars, :class:`Unknown`) into
    CEL values. Every mapping that carries an ``id`` records reads under that id. A dict that
    appears in several places (a joined entry) becomes one shared CEL map."""
    memo = {} if memo is None else memo
    if isinstance(value, Unknown):
        return unknown_error(value.path)
    if isinstance(value, dict):
        if id(value) in memo:
            return memo[id(value)]
        entry = value.get("id") if isinstance(value.get("id"), str) else None
        result = TracedMap({}, entry, recorder)
        memo[id(value)] = result
        for k, v in value.items():
            result.replace(k, to_cel(v, recorder, memo))
        return result
    if isinstance(value, list | tuple):
        return celtypes.ListType([to_cel(v, recorder, memo) for v in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if value is None:
        return None
    raise TypeError(f"cannot convert {type(value).__name__} to CEL")


_INT64 = range(-(2**63), 2**63)


def _int(value: int) -> Any:
    """``celtypes.IntType(value)`` without its per-call ``functools.wraps`` (about 1 ms each)."""
    if value not in _INT64:
        raise ValueError(f"{value} is outside CEL's 64-bit integer range")
    return int.__new__(celtypes.IntType, value)


def is_unknown(value: Any) -> bool:
    """Whether a CEL value is the error value of a fact the case marks unknown."""
    return isinstance(value, CELEvalError) and len(value.args) > 1 and value.args[1] is UnknownFact
