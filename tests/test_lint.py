"""Lint (``pia validate --strict``): the table of weak cases, the exit codes, the shipped cases.

Each file in ``tests/data/lint`` starts with the warnings it must produce, one per line:

    # expect: PIA-W104 35:5

or ``# expect: no warnings``. As for errors, tests compare codes and positions, never wording.
Lint reads no clock: the table is linted on :data:`TODAY`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from expectations import expected_problems, fixture_param, header_lines
from helpers import ROOT
from pia.authoring.lint import CHECKS, lint_case
from pia.cli import main
from pia.load.case import load_case_located
from pia.load.files import read_text
from pia.load.located import load_located
from pia.model.diagnostics import RULES, Diagnostic, Severity

LINT_DIR = ROOT / "tests" / "data" / "lint"
LINT = sorted(LINT_DIR.glob("*.yaml"))
CLEAN = LINT_DIR / "clean.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"
STATE = ROOT / "cases" / "irs-state-exchange.yaml"
TODAY = date(2025, 12, 1)
NO_WARNINGS = "# expect: no warnings"
WARNING_LINE = re.compile(r"^.+:\d+:\d+: warning: .+ \[PIA-W1\d{2}\]$")


def lint_file(path: Path, today: date = TODAY) -> list[Diagnostic]:
    located = load_located(read_text(path), str(path))
    return lint_case(load_case_located(located), located, today=today)


# --- the table -------------------------------------------------------------------------------


def test_every_lint_fixture_declares_what_it_expects() -> None:
    assert LINT
    silent = [p.name for p in LINT if not expected_problems(p)]
    assert [n for n in silent if NO_WARNINGS not in header_lines(LINT_DIR / n)] == []


@pytest.mark.parametrize("path", [fixture_param(p) for p in LINT])
def test_lint_fixture_gives_expected_warnings(path: Path) -> None:
    found = sorted((d.code, d.line, d.col) for d in lint_file(path))
    assert found == expected_problems(path)


def test_every_check_has_a_fixture() -> None:
    expected = {code for p in LINT for code, _line, _col in expected_problems(p)}
    assert {rule.code for rule, _check in CHECKS} <= expected


def test_every_check_code_is_registered_and_every_warning_code_checked() -> None:
    check_codes = [rule.code for rule, _check in CHECKS]
    assert len(check_codes) == len(set(check_codes))
    assert set(check_codes) == {r.code for r in RULES if r.code.startswith("PIA-W1")}


@pytest.mark.parametrize("path", LINT, ids=[p.stem for p in LINT])
def test_lint_gives_sorted_located_warnings(path: Path) -> None:
    found = lint_file(path)
    assert found == sorted(found, key=Diagnostic.sort_key)
    for diagnostic in found:
        assert diagnostic.severity is Severity.WARNING
        assert WARNING_LINE.fullmatch(diagnostic.format()), diagnostic.format()


# --- single behaviours -----------------------------------------------------------------------


def test_unknown_count_says_how_many_were_left_out() -> None:
    flows = next(d for d in lint_file(LINT_DIR / "w107-unknown-facts.yaml") if "flows" in d.message)
    assert flows.message.startswith("flows: 2 facts are unknown (1 of them left out")


def test_case_exactly_a_year_old_is_not_stale() -> None:
    assert lint_file(CLEAN, today=date(2026, 6, 1)) == []
    assert [d.code for d in lint_file(CLEAN, today=date(2026, 6, 2))] == ["PIA-W106"]


def test_lint_is_deterministic() -> None:
    path = LINT_DIR / "w104-flow-without-authority.yaml"
    assert lint_file(path) == lint_file(path)


# --- the command line ------------------------------------------------------------------------


def test_strict_validate_exits_1_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    path = LINT_DIR / "w104-flow-without-authority.yaml"
    assert main(["validate", "--strict", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert all(WARNING_LINE.fullmatch(line) for line in err), err
    assert sum("[PIA-W104]" in line for line in err) == 2


def test_strict_validate_exits_0_without_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # validate reads today's date, so the clean case is dated today.
    path = tmp_path / "clean.yaml"
    path.write_text(
        CLEAN.read_text(encoding="utf-8").replace(
            "as_of: 2025-06-01", f"as_of: {date.today().isoformat()}"
        ),
        encoding="utf-8",
    )
    assert main(["validate", "--strict", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "0 warnings" in captured.out


def test_validate_without_strict_ignores_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(LINT_DIR / "w104-flow-without-authority.yaml")]) == 0
    assert capsys.readouterr().err == ""


# --- the shipped cases -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [ICE, STATE], ids=["ice-irs", "irs-state-exchange"])
def test_shipped_case_lints_to_located_warnings(path: Path) -> None:
    located = load_located(read_text(path), str(path))
    case = load_case_located(located)
    found = lint_case(case, located, today=case.as_of)
    kinds = Counter(d.code for d in found)
    print(f"{path.name}: {len(found)} warnings {dict(sorted(kinds.items()))}")
    assert all(d.severity is Severity.WARNING for d in found)
    assert found == sorted(found, key=Diagnostic.sort_key)


def test_ice_case_has_no_claim_without_a_source() -> None:
    located = load_located(read_text(ICE), str(ICE))
    case = load_case_located(located)
    found = lint_case(case, located, today=case.as_of)
    assert [d.format() for d in found if d.code == "PIA-W101"] == []
