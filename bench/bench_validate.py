"""``pia validate`` and ``pia --help`` in fresh processes, side by side with their floors.

    python bench/bench_validate.py [CASE] [--runs N] [--check]

Each round runs every command once, in a new process, one after the other, so a busy machine
slows them alike; the script prints min, median and max wall time in milliseconds over N rounds
(default 7) and the ratio of medians to the floor:

- ``pia validate CASE`` against a process that imports pydantic and PyYAML and parses the same
  file with the C loader (``yaml.load(..., Loader=CSafeLoader)``): what any pydantic-and-YAML tool
  pays before it checks anything. Target: at most 1.5x.
- ``pia --help`` against ``python -c "import click"``. Target: at most 1.3x.

pia runs as the ``pia`` script does (``from pia.cli import main``) with the interpreter running
this script, so the code measured is whatever that interpreter imports as ``pia``
(``PYTHONPATH=src`` for a work tree). Bytecode is written and one uncounted round runs first, so
no command pays for compiling its modules (as after a ``pip install``). With ``--check`` the exit
code is 1 when a ratio is over its target.

Wall times on a shared machine move by a tenth from one run to the next. To compare two versions
of pia, count instructions instead, which load does not change (after one run has written the
bytecode, and without ``PYTHONDONTWRITEBYTECODE``)::

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        python -c "import sys; from pia.cli import main; sys.argv[0] = 'pia'; sys.exit(main())" \
        validate cases/ice-irs.yaml

and the same for the floor (the ``FLOOR`` program below, with the case as its argument); compare
the "I refs" lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASE = "cases/ice-irs.yaml"
DEFAULT_RUNS = 7
VALIDATE_TARGET = 1.5
HELP_TARGET = 1.3

PIA = "import sys; from pia.cli import main; sys.exit(main())"
FLOOR = (
    "import sys, pydantic, yaml\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("case", nargs="?", default=DEFAULT_CASE, help="case file to validate")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="rounds (fresh processes)")
    parser.add_argument("--check", action="store_true", help="exit 1 when over a target")
    return parser.parse_args(argv)


def run_once(command: Sequence[str], env: dict[str, str]) -> float:
    """Wall milliseconds of one fresh process; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def side_by_side(commands: list[tuple[str, list[str]]], runs: int) -> dict[str, list[float]]:
    """Wall milliseconds per command, one fresh run of each per round, interleaved; after one
    uncounted round that writes the bytecode."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _label, command in commands:
        run_once(command, env)
    timings: dict[str, list[float]] = {label: [] for label, _ in commands}
    for _ in range(runs):
        for label, command in commands:
            timings[label].append(run_once(command, env))
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    python = sys.executable
    floor = "floor: import pydantic, yaml; CSafeLoader parse"
    validate = f"pia validate {args.case}"
    click = "python -c 'import click'"
    help_ = "pia --help"
    commands: list[tuple[str, list[str]]] = [
        (floor, [python, "-c", FLOOR, args.case]),
        (validate, [python, "-c", PIA, "validate", args.case]),
        (click, [python, "-c", "import click"]),
        (help_, [python, "-c", PIA, "--help"]),
    ]
    timings = side_by_side(commands, args.runs)
    width = max(len(label) for label, _ in commands)
    print(f"{args.runs} rounds of fresh processes, side by side; wall time")
    for label, _ in commands:
        t = timings[label]
        print(
            f"{label:<{width}}  min {min(t):7.1f}  median {statistics.median(t):7.1f}  "
            f"max {max(t):7.1f} ms"
        )
    over = False
    for name, slow, fast, target in (
        ("validate / floor", validate, floor, VALIDATE_TARGET),
        ("--help / import click", help_, click, HELP_TARGET),
    ):
        ratio = statistics.median(timings[slow]) / statistics.median(timings[fast])
        verdict = "ok" if ratio <= target else "OVER"
        over = over or ratio > target
        print(f"{name}: {ratio:.2f}x (target at most {target}x) {verdict}")
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
