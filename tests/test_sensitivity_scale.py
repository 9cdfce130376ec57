"""The linear "what would change the rating" (issue 13): the same items as evaluating every
reader in full for every fact, at a cost that grows with the case, not with its square."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cel.values import Memo
from pia.engine import assess
from pia.engine import sensitivity as sensitivity_module
from pia.engine.run import Run, prepare
from pia.engine.sensitivity import sensitivity
from pia.load.case import load_case_file, load_case_text
from pia.model.case import Case

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_scale import case_text  # noqa: E402


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def evaluated(case: Case, rubrics: list[LoadedRubric], day: date | None = None) -> Run:
    run = prepare(case, rubrics, day or case.as_of)
    run.evaluate_all()
    return run


def without_memo(run: Run, keys: object, compiled_of: object) -> Memo:
    """A memo the recorder never sees: every reader is evaluated in full, as before."""
    return Memo()


CASES = [
    (ROOT / "cases" / "ice-irs.yaml", None),
    (ROOT / "cases" / "ice-irs.yaml", date(2025, 9, 1)),
    (ROOT / "cases" / "irs-state-exchange.yaml", None),
    (ROOT / "tests" / "data" / "hostile" / "case.yaml", None),
    (ROOT / "tests" / "data" / "engine" / "dated.yaml", None),
    # unknown sections and unknown lists of references, settled to none and to at least one
    (ROOT / "tests" / "data" / "system" / "parking-permits.yaml", None),
]


@pytest.mark.parametrize(("path", "day"), CASES, ids=[f"{p.stem}@{d or 'as_of'}" for p, d in CASES])
def test_reusing_element_results_gives_the_same_items_as_evaluating_in_full(
    path: Path, day: date | None, rubrics: list[LoadedRubric], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case_file(path).case
    fast = sensitivity(evaluated(case, rubrics, day))
    with monkeypatch.context() as patch:
        patch.setattr(sensitivity_module, "_record_memo", without_memo)
        full = sensitivity(evaluated(case, rubrics, day))
    assert fast == full
    assert fast or path.stem == "dated"


@pytest.mark.parametrize("flows", [1, 30])
def test_a_scale_case_gives_the_same_items_both_ways(
    flows: int, rubrics: list[LoadedRubric], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = case_text(flows).replace("bulk: unknown", "bulk: unknown, automated_matching: unknown")
    case = load_case_text(text, "scale.yaml")
    fast = sensitivity(evaluated(case, rubrics))
    monkeypatch.setattr(sensitivity_module, "_record_memo", without_memo)
    assert fast == sensitivity(evaluated(case, rubrics))
    assert fast or flows > 1  # one flow whose bulk is unknown moves levels


def steps(flows: int, rubrics: list[LoadedRubric]) -> int:
    run = evaluated(load_case_text(case_text(flows), "scale.yaml"), rubrics)
    before = run.recorder.run_steps
    sensitivity(run)
    return run.recorder.run_steps - before


def test_the_cost_of_sensitivity_grows_linearly_with_unknown_facts(
    rubrics: list[LoadedRubric],
) -> None:
    """Counted in evaluation steps, so the test does not depend on the machine: 8 times the
    flows costs about 8 times the steps (it was about 64 times: every reader evaluated in full
    for every fact)."""
    small, large = steps(25, rubrics), steps(200, rubrics)
    assert large / small <= 10, (small, large)


@pytest.mark.parametrize(("path", "day"), CASES, ids=[f"{p.stem}@{d or 'as_of'}" for p, d in CASES])
def test_element_results_kept_while_scoring_give_the_same_items_as_evaluating_in_full(
    path: Path, day: date | None, rubrics: list[LoadedRubric], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``assess`` keeps each macro's element results while it scores the case, so the analysis
    does not evaluate the readers of open facts once more to record them; its items are those of
    evaluating every reader in full for every fact."""
    case = load_case_file(path).case
    kept = assess(case, rubrics, as_of=day).sensitivity
    monkeypatch.setattr(sensitivity_module, "_record_memo", without_memo)
    assert kept == tuple(sensitivity(evaluated(case, rubrics, day)))
