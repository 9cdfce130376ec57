"""Evaluating a compiled indicator to true, false or unknown, with the reads that decided it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError

from pia.cel.closures import Fallback
from pia.cel.values import CURRENT_RECORDER, Read, Recorder, Truth, is_unknown


@dataclass(frozen=True)
class Compiled:
    """A parsed expression: celpy's program, the field paths it reads, and its closures."""

    source: str
    runner: Any
    #: field paths the expression reads, e.g. ``case.safeguards[].status``
    paths: tuple[str, ...]
    #: the same expression as Python closures (pia.closures), or None where celpy must run it
    closure: Any = None


@dataclass(frozen=True, slots=True)
class Outcome:
    truth: Truth
    reads: frozenset[Read]
    error: str | None = None
    evidence: frozenset[Read] = frozenset()


__all__ = ["CURRENT_RECORDER", "Compiled", "Outcome", "evaluate", "evaluate_with_celpy"]

#: A runtime error's message is kept to this length: celpy may put a whole value in it.
MAX_ERROR_CHARS = 300


def evaluate(compiled: Compiled, activation: Mapping[str, Any], recorder: Recorder) -> Outcome:
    """Evaluate to a :class:`Truth`. An error not caused by an unknown fact sets ``error``;
    more steps than the recorder's budgets raise :class:`pia.cel.values.CostExceeded`.

    The compiled closures run when the expression has them; celpy's interpreter runs otherwise,
    and whenever the closures meet an error that is not an unknown fact (pia.closures)."""
    if compiled.closure is not None:
        recorder.reset()
        token = CURRENT_RECORDER.set(recorder)
        try:
            result = compiled.closure(activation, recorder)
        except Fallback:
            return evaluate_with_celpy(compiled, activation, recorder)
        finally:
            CURRENT_RECORDER.reset(token)
        return _outcome(result, recorder)
    return evaluate_with_celpy(compiled, activation, recorder)


def evaluate_with_celpy(
    compiled: Compiled, activation: Mapping[str, Any], recorder: Recorder
) -> Outcome:
    """Evaluate with celpy's interpreter: the reference the closures are tested against."""
    recorder.reset()
    token = CURRENT_RECORDER.set(recorder)
    try:
        result = compiled.runner.evaluate(dict(activation))
    except CELEvalError as exc:
        result = exc
    finally:
        CURRENT_RECORDER.reset(token)
    return _outcome(result, recorder)


def _outcome(result: Any, recorder: Recorder) -> Outcome:
    reads = frozenset(recorder.reads)
    evidence = frozenset(recorder.evidence)
    if isinstance(result, CELEvalError):
        if is_unknown(result):
            return Outcome(Truth.UNKNOWN, reads, evidence=evidence)
        message = str(result.args[0])
        if len(message) > MAX_ERROR_CHARS:
            message = message[:MAX_ERROR_CHARS] + "…"
        return Outcome(Truth.UNKNOWN, reads, error=message, evidence=evidence)
    if isinstance(result, celtypes.BoolType):
        truth = Truth.TRUE if bool(result) else Truth.FALSE
        return Outcome(truth, reads, evidence=evidence)
    return Outcome(
        Truth.UNKNOWN,
        reads,
        error=f"expression gave {type(result).__name__}, not true/false",
        evidence=evidence,
    )


# --- evidence: which elements of a macro decided it ------------------------------------------


def _truth_of(value: Any) -> Truth:
    if isinstance(value, celtypes.BoolType):
        return Truth.TRUE if bool(value) else Truth.FALSE
    return Truth.UNKNOWN


def decisive(name: str, result: Any, elements: Sequence[tuple[set[Read], Any]]) -> list[set[Read]]:
    """The element read-sets that decided a macro's result (see :class:`Recorder`)."""
    outcome = _truth_of(result)
    if name in {"exists", "all"}:
        wanted = {
            ("exists", Truth.TRUE): Truth.TRUE,
            ("all", Truth.FALSE): Truth.FALSE,
        }.get((name, outcome))
        if outcome is Truth.UNKNOWN:
            wanted = Truth.UNKNOWN
        if wanted is not None:
            return [reads for reads, body in elements if _truth_of(body) is wanted]
    if name == "filter":
        return [reads for reads, body in elements if _truth_of(body) is not Truth.FALSE]
    return [reads for reads, _ in elements]
