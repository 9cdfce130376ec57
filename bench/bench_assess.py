"""Where ``pia assess`` spends its time: loading, evaluating and scoring, the sensitivity analysis.

    .venv/bin/python bench/bench_assess.py [CASE] [--runs N] [--process-runs N]

CASE defaults to cases/ice-irs.yaml, or tests/data/valid/minimal.yaml when that is absent; every
shipped rubric is used. Each in-process step runs N times (default 11) and a fresh ``pia validate``
of the case and of the core rubric runs N times too; the table gives min, median and max in
milliseconds. The steps call the engine's own parts, so each is timed alone:

- load: read and check the case and every shipped rubric (YAML, schema, CEL compilation);
- evaluate + score: build the as-of view, evaluate every indicator, score criteria, rubrics, risks;
- sensitivity: settle each unknown or disputed fact both ways and re-evaluate its readers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from timing import time_command

from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine.criteria import rubric_result
from pia.engine.risks import risk_result
from pia.engine.run import Run, prepare
from pia.engine.sensitivity import sensitivity
from pia.load.case import CaseFile, load_case_file
from pia.model.diagnostics import DiagnosticError

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_CASE = ROOT / "cases" / "ice-irs.yaml"
FALLBACK_CASE = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
CORE = ROOT / "src" / "pia" / "data" / "rubrics" / "core.yaml"
DEFAULT_RUNS = 11

Row = tuple[str, list[float]]


def time_calls(step: Callable[[], object], runs: int) -> list[float]:
    """Wall milliseconds of ``runs`` in-process calls of ``step``."""
    timings: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def load_all(case_path: Path) -> tuple[CaseFile, list[LoadedRubric]]:
    return load_case_file(case_path), load_rubrics()


def evaluated(case_file: CaseFile, rubrics: Sequence[LoadedRubric]) -> tuple[Run, int]:
    """A run with every indicator evaluated, and how many indicators failed (PIA-E032).

    A failing indicator still has an outcome (unknown), so scoring and sensitivity can be timed;
    the count is printed so a number measured on a failing case is not mistaken for a clean one.
    """
    run = prepare(case_file.case, rubrics, case_file.case.as_of)
    try:
        run.evaluate_all()
    except DiagnosticError as exc:
        return run, len(exc.diagnostics)
    return run, 0


def evaluate_and_score(case_file: CaseFile, rubrics: Sequence[LoadedRubric]) -> None:
    run, _ = evaluated(case_file, rubrics)
    for loaded in rubrics:
        rubric_result(run, loaded)
    for index in range(len(case_file.case.risks)):
        risk_result(run, index)


def summary_line(label: str, timings: Sequence[float], width: int) -> str:
    low, mid, high = min(timings), statistics.median(timings), max(timings)
    return f"{label:<{width}}  {low:9.1f}  {mid:9.1f}  {high:9.1f}"


def print_table(rows: Sequence[Row]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"{'step':<{width}}  {'min ms':>9}  {'median ms':>9}  {'max ms':>9}")
    for label, timings in rows:
        print(summary_line(label, timings, width))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("case", nargs="?", type=Path, help="case file (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="in-process runs per step")
    parser.add_argument(
        "--process-runs", type=int, default=DEFAULT_RUNS, help="fresh-process runs per command"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    case_path: Path = args.case or (DEFAULT_CASE if DEFAULT_CASE.exists() else FALLBACK_CASE)
    case_path = case_path.resolve()
    case_file, rubrics = load_all(case_path)
    run, failures = evaluated(case_file, rubrics)
    indicators = sum(len(c.indicators) for lr in rubrics for c in lr.rubric.criteria)
    print(
        f"case {relative(case_path)}: {len(case_file.case.flows)} flows, "
        f"{len(case_file.case.safeguards)} safeguards; rubrics "
        f"{', '.join(lr.rubric.id for lr in rubrics)}: {indicators} indicators; "
        f"{len(sensitivity(run))} sensitivity items"
    )
    if failures:
        print(f"warning: {failures} indicators failed on this case (PIA-E032); timed anyway")
    print(f"{args.runs} in-process runs, {args.process_runs} fresh processes, wall time\n")
    pia = str(VENV_BIN / "pia")
    rows: list[Row] = [
        ("load case + rubrics", time_calls(lambda: load_all(case_path), args.runs)),
        ("evaluate + score", time_calls(lambda: evaluate_and_score(case_file, rubrics), args.runs)),
        ("sensitivity", time_calls(lambda: sensitivity(run), args.runs)),
        (
            f"pia validate {relative(case_path)}",
            time_command([pia, "validate", str(case_path)], args.process_runs),
        ),
        (
            f"pia validate {relative(CORE)}",
            time_command([pia, "validate", str(CORE)], args.process_runs),
        ),
    ]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
