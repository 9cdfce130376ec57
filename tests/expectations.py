"""Fixture files that say what they expect: ``# expect: CODE LINE:COL`` header lines.

Shared by the case and rubric error tables: tests compare codes and positions, never wording,
so a message can be reworded without touching a test (yamllint, sqlfluff). A ``# xfail: reason``
header marks a fixture that shows a known bug.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

EXPECT = re.compile(r"^# expect: (?P<code>PIA-[EW]\d{3}) (?P<line>\d+):(?P<col>\d+)$")
XFAIL = re.compile(r"^# xfail: (?P<reason>.+)$")

Problem = tuple[str, int, int]


def header_lines(path: Path) -> list[str]:
    """The comment lines a fixture starts with."""
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return lines[:end]


def expected_problems(path: Path) -> list[Problem]:
    """The (code, line, column) a fixture expects, sorted, repeats kept."""
    found = (EXPECT.match(line) for line in header_lines(path))
    return sorted((m["code"], int(m["line"]), int(m["col"])) for m in found if m)


def fixture_param(path: Path) -> object:
    reasons = [m["reason"] for m in map(XFAIL.match, header_lines(path)) if m]
    marks = [pytest.mark.xfail(strict=True, reason=reasons[0])] if reasons else []
    return pytest.param(path, id=path.stem, marks=marks)
