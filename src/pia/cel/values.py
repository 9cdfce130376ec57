"""CEL values for the case view: three-valued truth, unknown facts as error values, traced maps.

pia represents every fact the case marks ``unknown`` as a CEL *error value* that carries the
fact's path, so CEL's error absorption inside ``&&``, ``||``, ``exists`` and ``all`` gives Kleene
logic (see :mod:`pia.cel.functions`). Every mapping that carries an ``id`` records the fields read
from it, which is an indicator's evidence.
"""

from __future__ import annotations

import contextvars
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


class UnknownEntries(list[Any]):
    """A section of the case view that the case leaves unknown: empty to Python code that walks
    the view's entries, unknown (an error value carrying ``path``) to CEL."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class PartialEntries(list[Any]):
    """A list of the case view that the case marks incomplete (``complete: false``): its known
    entries to Python code that walks the view; to CEL, the known entries and one more of which
    nothing is known (see :func:`to_cel`), so "every X has Y" and "no X is Z" stay unknown unless
    a known entry decides them."""

    def __init__(self, path: str, entries: list[Any]) -> None:
        super().__init__(entries)
        self.path = path


#: The last element of an incomplete list's path in CEL: the entries the case does not know of.
MORE = "[more]"

Read = tuple[str, str]

#: Evaluation steps one evaluation of one indicator may take. A step is one element visited by a
#: macro (``exists``, ``all``, ``map``...; ten in celpy's slower interpreter) or one element of a
#: list or character of a string that ``+`` builds: the only ways a CEL expression's cost can
#: outgrow its own size. The costliest shipped indicator takes two steps per flow (6,000 on a case
#: of 3,000 flows); the limit leaves room for cases far larger than a 5 MB file can hold, and
#: stops eight nested comprehensions after a fraction of a second instead of hours.
EXPRESSION_STEPS = 200_000
#: Steps one assessment run may take in all, "what would change the rating" included (it
#: evaluates indicators again): about 135 per flow with the shipped rubrics (400,000 for 3,000
#: flows with every bulk unknown, ``bench/bench_scale.py``'s case). At most a few seconds of
#: evaluation, so a report that carries a hostile rubric cannot make ``pia verify`` hang.
RUN_STEPS = 5_000_000


class CostExceeded(Exception):
    """An evaluation took more steps than its budget (``scope`` is "expression" or "run")."""

    def __init__(self, scope: str, limit: int) -> None:
        super().__init__(f"evaluation took more than {limit:,} steps ({scope} budget)")
        self.scope = scope
        self.limit = limit


@dataclass
class MacroRecord:
    """One macro's evaluation over one list, element by element, for :class:`Memo`.

    ``items`` and ``env`` keep the list and the bound values alive, so the ids in the record's
    key cannot be reused by other objects while the record exists."""

    items: Any
    env: tuple[Any, ...]
    values: list[Any]
    #: every (entry, field) an element's evaluation read -> the indexes of those elements
    index: dict[Read, list[int]]
    #: for exists/all: the number of true and false elements and the unknown ones' indexes
    trues: int
    falses: int
    unknowns: list[int]


@dataclass
class Memo:
    """Macro results kept from one evaluation and reused when a single fact is settled.

    The "what would change the rating" analysis settles one fact at a time and evaluates the
    indicators that read it again. An indicator such as ``case.flows.exists(f, f.bulk)`` visits
    every flow; evaluated again for each of N unknown facts, that is N x N element visits. With a
    memo, the first (recording) evaluation keeps each macro's element values and what each
    element read; an evaluation with ``changed`` facts evaluates again only the elements that
    read one of them and takes the others' values as they were. The result is the same (a
    differential test checks it); the cost per settled fact no longer grows with the case.
    """

    records: dict[tuple[int, ...], MacroRecord] = field(default_factory=dict)
    recording: bool = True
    changed: frozenset[Read] = frozenset()


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
    #: steps taken by the current evaluation, and by every evaluation of this run
    steps: int = 0
    run_steps: int = 0
    expression_limit: int = field(default_factory=lambda: EXPRESSION_STEPS)
    run_limit: int = field(default_factory=lambda: RUN_STEPS)
    #: element results kept for re-evaluation (see :class:`Memo`); None: not kept
    memo: Memo | None = None
    #: while a memo records: every read of each macro element being evaluated, innermost last
    scopes: list[set[Read]] = field(default_factory=list)
    #: reads that stand for others: a field the view derives (a flow's ``court_relief``) is read
    #: together with the facts it was derived from, so evidence and diffs name them
    derived: dict[Read, tuple[Read, ...]] = field(default_factory=dict)

    def reset(self) -> None:
        """Start a new evaluation: reads and the expression's steps start over, the run's don't."""
        self.reads = set()
        self.frames = [set()]
        self.macros = []
        self.scopes = []
        self.steps = 0

    def step(self, count: int = 1) -> None:
        """Count ``count`` evaluation steps; raise :class:`CostExceeded` past a budget."""
        self.steps += count
        self.run_steps += count
        if self.steps > self.expression_limit:
            raise CostExceeded("expression", self.expression_limit)
        if self.run_steps > self.run_limit:
            raise CostExceeded("run", self.run_limit)

    def read(self, entry: str, name: str) -> None:
        for pair in ((entry, name), *self.derived.get((entry, name), ())):
            self.reads.add(pair)
            self.frames[-1].add(pair)
            if self.scopes:
                self.scopes[-1].add(pair)

    @property
    def evidence(self) -> set[Read]:
        return self.frames[0]


#: The recorder of the evaluation in progress, for what celpy calls back (its macros, pia's
#: functions): they receive values only.
CURRENT_RECORDER: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "pia_recorder", default=None
)


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


class SomeEntry(celtypes.MapType):
    """An entry known to exist and nothing else: every field reads as unknown.

    The "what would change the rating" analysis settles an unknown list both ways the open-world
    rule allows: known to be none (``[]``), and known to hold at least one entry. The second is
    a list of one ``SomeEntry``: an indicator that asks whether an entry exists (``size(...) >
    0``) sees one, and any question about the entry itself stays unknown, so no fact about it is
    invented. It stands for no case entry, so reading it records nothing (it is never evidence).
    """

    def __init__(self, path: str) -> None:
        dict.__init__(self, {})
        self.path = path

    def __getitem__(self, key: Any) -> Any:
        return unknown_error(f"{self.path}.{key}")

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key]


def unknown_error(path: str) -> CELEvalError:
    return CELEvalError(f"UNKNOWN {path}", UnknownFact, None)


def to_cel(value: object, recorder: Recorder, memo: dict[int, Any] | None = None) -> Any:
    """Convert the plain case view (dicts with an ``id``, lists, scalars, :class:`Unknown`) into
    CEL values. Every mapping that carries an ``id`` records reads under that id. A dict that
    appears in several places (a joined entry) becomes one shared CEL map."""
    memo = {} if memo is None else memo
    # the kinds below are disjoint, so the order only puts the commonest first
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, dict):
        if id(value) in memo:
            return memo[id(value)]
        entry = value.get("id") if isinstance(value.get("id"), str) else None
        result = TracedMap({}, entry, recorder)
        memo[id(value)] = result
        for k, v in value.items():
            result.replace(k, to_cel(v, recorder, memo))
        return result
    if isinstance(value, Unknown):
        return unknown_error(value.path)
    if isinstance(value, UnknownEntries):
        return unknown_error(value.path)
    if isinstance(value, PartialEntries):
        return celtypes.ListType([*(to_cel(v, recorder, memo) for v in value), _more(value)])
    if isinstance(value, list | tuple):
        return celtypes.ListType([to_cel(v, recorder, memo) for v in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if value is None:
        return None
    raise TypeError(f"cannot convert {type(value).__name__} to CEL")


def _more(value: PartialEntries) -> Any:
    """The entries an incomplete list may hold beyond its known ones, as one element: an entry
    of which nothing is known where the list holds entries, an unknown value where it holds
    plain values (ids, controls)."""
    path = f"{value.path}{MORE}"
    if value and all(isinstance(v, dict) for v in value):
        return SomeEntry(path)
    return unknown_error(path)


def is_more(value: Any) -> bool:
    """Whether a CEL unknown stands for (a fact about) entries an incomplete list may hold."""
    return is_unknown(value) and MORE in str(value.args[0])


_INT64 = range(-(2**63), 2**63)


def _int(value: int) -> Any:
    """``celtypes.IntType(value)`` without its per-call ``functools.wraps`` (about 1 ms each)."""
    if value not in _INT64:
        raise ValueError(f"{value} is outside CEL's 64-bit integer range")
    return int.__new__(celtypes.IntType, value)


def is_unknown(value: Any) -> bool:
    """Whether a CEL value is the error value of a fact the case marks unknown."""
    return isinstance(value, CELEvalError) and len(value.args) > 1 and value.args[1] is UnknownFact
