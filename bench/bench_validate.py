"""Wall time of ``pia validate`` in a fresh process, next to the cost of starting Python at all.

    .venv/bin/python bench/bench_validate.py [CASE] [--runs N]

Each command runs N times (default 11) in a new process; the script prints min, median and max in
milliseconds. ``python -c pass`` is the floor; ``import pia.cli`` is what every command pays before
it reads a file; the difference to ``pia validate`` is the cost of loading and checking the case.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from timing import summary, time_command

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_CASE = "cases/ice-irs.yaml"
DEFAULT_RUNS = 11


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("case", nargs="?", default=DEFAULT_CASE, help="case file to validate")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per command")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    python = str(VENV_BIN / "python")
    commands: list[tuple[str, list[str]]] = [
        ("python -c pass", [python, "-c", "pass"]),
        ("python -c 'import pia.cli'", [python, "-c", "import pia.cli"]),
        (f"pia validate {args.case}", [str(VENV_BIN / "pia"), "validate", args.case]),
    ]
    width = max(len(label) for label, _ in commands)
    print(f"{args.runs} fresh runs each, wall time")
    for label, command in commands:
        print(summary(label, time_command(command, args.runs), width))
    return 0


if __name__ == "__main__":
    sys.exit(main())
