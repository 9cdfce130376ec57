"""Timing helpers shared by the benchmark scripts (plain scripts, not timed tests)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_command(command: Sequence[str], runs: int) -> list[float]:
    """Wall milliseconds of ``runs`` fresh processes; a failing run stops the benchmark."""
    timings: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        timings.append((time.perf_counter() - start) * 1000)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return timings


def summary(label: str, timings: Sequence[float], width: int) -> str:
    low, mid, high = min(timings), statistics.median(timings), max(timings)
    return f"{label:<{width}}  min {low:7.1f}  median {mid:7.1f}  max {high:7.1f} ms"
