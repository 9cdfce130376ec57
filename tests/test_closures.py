"""The compiled closures give celpy's results: the same truth, reads, evidence and unknowns.

celpy's interpreter is the reference (``evaluate_with_celpy``); ``evaluate`` runs the closures
from ``pia.closures`` where an expression has them. These tests evaluate every shipped indicator
both ways on both shipped cases and the engine fixtures, at dates before, between and after the
ICE case's court orders, and check the two ways to celpy for what the closures do not cover.
"""

from __future__ import annotations

from datetime import date

import pytest

from helpers import ROOT
from pia.cel.compile import compile_expression, new_environment
from pia.cel.evaluate import Outcome, evaluate, evaluate_with_celpy
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cel.values import Recorder, Truth, to_cel
from pia.engine.run import prepare
from pia.load.case import load_case_file

CASES = [
    "cases/ice-irs.yaml",
    "cases/irs-state-exchange.yaml",
    "tests/data/engine/dated.yaml",
    "tests/data/engine/judged.yaml",
    "tests/data/valid/minimal.yaml",
]
DAYS = [None, date(2025, 6, 1), date(2025, 12, 1), date(2026, 3, 1)]


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def comparable(outcome: Outcome) -> tuple[object, ...]:
    """Everything an outcome says, except the wording of a real error."""
    return (
        outcome.truth,
        outcome.reads,
        outcome.evidence,
        outcome.error is None,
    )


def test_every_shipped_indicator_has_closures(rubrics: list[LoadedRubric]) -> None:
    missing = [
        f"{lr.rubric.id}/{key[0]}/{key[1]}"
        for lr in rubrics
        for key, compiled in lr.compiled.items()
        if compiled.closure is None
    ]
    assert missing == []


@pytest.mark.parametrize("case", CASES)
def test_closures_agree_with_celpy_on_every_indicator(
    case: str, rubrics: list[LoadedRubric]
) -> None:
    case_file = load_case_file(ROOT / case)
    differences = []
    for day in DAYS:
        run = prepare(case_file.case, rubrics, day or case_file.case.as_of)
        seen: set[str] = set()
        for loaded in rubrics:
            for compiled in loaded.compiled.values():
                if compiled.source in seen:
                    continue
                seen.add(compiled.source)
                fast = evaluate(compiled, run.activation, run.recorder)
                reference = evaluate_with_celpy(compiled, run.activation, run.recorder)
                if comparable(fast) != comparable(reference):
                    differences.append((day, compiled.source))
    assert differences == []


def outcomes(source: str, view: dict[str, object]) -> tuple[Outcome, Outcome]:
    compiled = compile_expression(source, new_environment())
    recorder = Recorder()
    activation = {"case": to_cel(view, recorder)}
    return (
        evaluate(compiled, activation, recorder),
        evaluate_with_celpy(compiled, activation, recorder),
    )


def test_a_construct_without_closures_is_evaluated_by_celpy() -> None:
    compiled = compile_expression("case.n > 1 ? true : false", new_environment())
    assert compiled.closure is None
    fast, reference = outcomes("case.n > 1 ? true : false", {"n": 2})
    assert fast == reference
    assert fast.truth is Truth.TRUE


def test_a_real_error_is_reported_with_celpys_message() -> None:
    fast, reference = outcomes("case.missing == 1", {"present": 1})
    assert fast.error is not None
    assert fast == reference


def test_a_real_error_that_kleene_absorbs_is_absorbed_as_in_celpy() -> None:
    fast, reference = outcomes("case.no && case.missing == 1", {"no": False})
    assert (fast.truth, fast.error) == (Truth.FALSE, None)
    assert fast == reference


def test_a_failed_comparison_that_the_other_side_decides_needs_no_celpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``x.since != null && x.since <= "2025"`` on an entry without a date: celpy's ``&&`` absorbs
    the failed comparison (false either way); the closures say the same without handing the
    whole expression to celpy."""
    source = 'case.xs.exists(x, x.since != null && x.since <= "2025-06")'
    view = {"xs": [{"id": "a", "since": None}, {"id": "b", "since": "2025-01"}]}
    fast, reference = outcomes(source, view)
    assert comparable(fast) == comparable(reference)
    assert fast.truth is Truth.TRUE
    import pia.cel.evaluate as evaluation

    def no_celpy(*args: object) -> Outcome:
        raise AssertionError("handed to celpy")

    monkeypatch.setattr(evaluation, "evaluate_with_celpy", no_celpy)
    assert comparable(outcomes_fast(source, view)) == comparable(reference)


def outcomes_fast(source: str, view: dict[str, object]) -> Outcome:
    compiled = compile_expression(source, new_environment())
    recorder = Recorder()
    return evaluate(compiled, {"case": to_cel(view, recorder)}, recorder)
