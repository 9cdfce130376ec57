"""The functions pia gives CEL: Kleene `&&`, `||` and `!`, strict `==`, `known` and `at_least`.

Only errors that come from unknown facts stay unknown: any other runtime error (a type mismatch, a
missing key) is reported as a problem in the rubric, never as a quiet ``false``.
"""

from __future__ import annotations

import operator
from typing import Any

import celpy.evaluation
from celpy import celtypes
from celpy.evaluation import CELEvalError

from pia.cel.values import CURRENT_RECORDER, is_more, is_unknown


def _known(entry: Any, name: Any) -> Any:
    """``known(entry, "field")``: true when the entry states the field, false when the case marks
    it unknown. It never yields unknown itself, so rubrics can ask whether a fact is settled."""
    if not isinstance(entry, celtypes.MapType):
        return CELEvalError("known() expects an entry and a field name", TypeError, None)
    try:
        value = entry[name]
    except KeyError:
        return CELEvalError(f"no field {name!r} in entry", KeyError, None)
    return celtypes.BoolType(not isinstance(value, CELEvalError))


def prefer_error(x: CELEvalError, y: CELEvalError) -> CELEvalError:
    """Two errors met: a real error wins over an unknown fact, so it is never hidden."""
    return y if is_unknown(x) and not is_unknown(y) else x


def _and(x: Any, y: Any) -> Any:
    """Kleene and: celpy turns ``error && error`` into a fresh overload error, which would lose
    that both sides were merely unknown; keep the original error instead."""
    return celtypes.logical_and(x, y)


def _or(x: Any, y: Any) -> Any:
    return celtypes.logical_or(x, y)


def _not(x: Any) -> Any:
    if isinstance(x, CELEvalError):
        return x
    return celtypes.logical_not(x)


def _at_least(values: Any, count: Any) -> Any:
    """``at_least(list, n)``: Kleene counting over a list of true/false/unknown, such as
    ``case.oversight.map(o, o.independent)``. True when n are true whatever the unknowns turn
    out to be; false when they cannot reach n even if every unknown were true; else unknown."""
    if not isinstance(values, celtypes.ListType) or not isinstance(count, celtypes.IntType):
        return CELEvalError("at_least() expects a list and a whole number", TypeError, None)
    trues = sum(1 for v in values if isinstance(v, celtypes.BoolType) and bool(v))
    unknowns = [v for v in values if is_unknown(v)]
    if trues >= int(count):
        return celtypes.BoolType(True)
    # An incomplete list may hold any number of entries beyond its known ones.
    if trues + len(unknowns) < int(count) and not any(is_more(v) for v in unknowns):
        return celtypes.BoolType(False)
    return unknowns[0]


_BASE_IN = celpy.evaluation.base_functions["_in_"]


def _in(item: Any, container: Any) -> Any:
    """``x in list`` as celpy computes it, except that an unknown element of the list (one an
    incomplete list may hold) makes "not found" unknown: it may be the one sought."""
    result = _BASE_IN(item, container)
    if isinstance(container, celtypes.ListType) and not (
        isinstance(result, celtypes.BoolType) and bool(result)
    ):
        for element in container:
            if is_unknown(element):
                return element
    return result


def _condition(cond: Any, left: Any, right: Any) -> Any:
    """``c ? a : b``: an unknown condition makes the whole expression unknown."""
    if isinstance(cond, CELEvalError):
        return cond
    return celtypes.logical_condition(cond, left, right)


def _mismatched(a: Any, b: Any) -> CELEvalError | None:
    """celpy's BoolType is an int, so ``true == "true"`` would quietly be false. A bool compared
    with anything but a bool (or null) is an error, as CEL specifies: a rubric typo must show."""
    for x, y in ((a, b), (b, a)):
        if (
            isinstance(x, celtypes.BoolType)
            and not isinstance(y, celtypes.BoolType)
            and y is not None
            and not isinstance(y, CELEvalError)
        ):
            return CELEvalError(
                f"no such overload: bool compared with {type(y).__name__}", TypeError, None
            )
    return None


#: celpy's ``bool_eq``/``bool_ne`` build this same wrapper on every call; build it once.
_BOOL_EQ = celpy.evaluation.boolean(operator.eq)
_BOOL_NE = celpy.evaluation.boolean(operator.ne)


def _eq(a: Any, b: Any) -> Any:
    return _mismatched(a, b) or _BOOL_EQ(a, b)


def _ne(a: Any, b: Any) -> Any:
    return _mismatched(a, b) or _BOOL_NE(a, b)


_BASE_ADD = celpy.evaluation.base_functions["_+_"]


def _add(a: Any, b: Any) -> Any:
    """``a + b`` as celpy computes it; joining lists or strings costs a step per element or
    character of the result (nested ``map``s that double a list each time would otherwise build
    a list of 2^n elements for free)."""
    result = _BASE_ADD(a, b)
    if isinstance(result, list | str | bytes):
        recorder = CURRENT_RECORDER.get()
        if recorder is not None:
            recorder.step(len(result))
    return result


FUNCTIONS = {
    "_+_": _add,
    "known": _known,
    "_?_:_": _condition,
    "_==_": _eq,
    "_!=_": _ne,
    "at_least": _at_least,
    "_in_": _in,
    "_&&_": _and,
    "_||_": _or,
    "!_": _not,
}

# celpy's ``exists`` and ``all`` macros fold their elements with ``celtypes.logical_or`` and
# ``celtypes.logical_and``, looked up at call time. Those raise on two error operands, so
