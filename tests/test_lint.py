"""Lint (``pia validate --strict``): the table of weak cases, the exit codes, the shipped cases.

Each file in ``tests/data/lint`` (and in ``tests/data/waivers``, for waivers) starts with the
diagnostics it must produce, one per line:

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
from pia.authoring.lint import CHECKS, LINT_RULES, WAIVER_RULES, lint, lint_case
from pia.cli import main
from pia.load.case import load_case_located
from pia.load.files import read_text
from pia.load.located import load_located
from pia.model.diagnostics import RULES, Diagnostic, Severity

LINT_DIR = ROOT / "tests" / "data" / "lint"
LINT = sorted(LINT_DIR.glob("*.yaml"))
WAIVER_DIR = ROOT / "tests" / "data" / "waivers"
WAIVERS = sorted(WAIVER_DIR.glob("*.yaml"))
CLEAN = LINT_DIR / "clean.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"
STATE = ROOT / "cases" / "irs-state-exchange.yaml"
TODAY = date(2025, 12, 1)
NO_WARNINGS = "# expect: no warnings"
WARNING_LINE = re.compile(r"^.+:\d+:\d+: (warning|info): .+ \[PIA-W1\d{2}\]$")


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


def test_every_waiver_rule_has_a_fixture() -> None:
    expected = {code for p in WAIVERS for code, _line, _col in expected_problems(p)}
    assert {rule.code for rule in WAIVER_RULES} <= expected


def test_every_lint_code_is_registered_and_every_w1_code_is_lint() -> None:
    lint_codes = [rule.code for rule in LINT_RULES]
    assert len(lint_codes) == len(set(lint_codes))
    assert set(lint_codes) == {r.code for r in RULES if r.code.startswith("PIA-W1")}


@pytest.mark.parametrize("path", LINT, ids=[p.stem for p in LINT])
def test_lint_gives_sorted_located_warnings(path: Path) -> None:
    found = lint_file(path)
    assert found == sorted(found, key=Diagnostic.sort_key)
    for diagnostic in found:
        assert diagnostic.severity in (Severity.WARNING, Severity.INFO)
        assert WARNING_LINE.fullmatch(diagnostic.format()), diagnostic.format()


def test_unknown_facts_are_information_and_everything_else_a_warning() -> None:
    assert {r.code: r.severity for r in LINT_RULES if r.severity is Severity.INFO} == {
        "PIA-W107": Severity.INFO
    }


# --- waivers ---------------------------------------------------------------------------------


def test_every_waiver_fixture_declares_what_it_expects() -> None:
    assert WAIVERS
    silent = [p.name for p in WAIVERS if not expected_problems(p)]
    assert [n for n in silent if NO_WARNINGS not in header_lines(WAIVER_DIR / n)] == []


@pytest.mark.parametrize("path", [fixture_param(p) for p in WAIVERS])
def test_waiver_fixture_gives_expected_diagnostics(path: Path) -> None:
    found = sorted((d.code, d.line, d.col) for d in lint_file(path))
    assert found == expected_problems(path)


def waived_codes(path: Path) -> list[tuple[str, int, int, str | None]]:
    located = load_located(read_text(path), str(path))
    result = lint(load_case_located(located), located, today=TODAY)
    return [
        (w.diagnostic.code, w.diagnostic.line, w.diagnostic.col, w.reason) for w in result.waived
    ]


def test_a_waiver_for_an_entry_accepts_only_that_entry() -> None:
    waived = waived_codes(WAIVER_DIR / "entry-waiver.yaml")
    assert [(code, line) for code, line, _col, _reason in waived] == [("PIA-W104", 44)]
    reason = waived[0][3]
    assert reason is not None
    assert reason.startswith("The sources")


def test_a_waiver_without_entry_accepts_the_code_everywhere() -> None:
    waived = waived_codes(WAIVER_DIR / "file-waiver.yaml")
    assert [(code, line) for code, line, _col, _reason in waived] == [
        ("PIA-W104", 44),
        ("PIA-W104", 64),
    ]


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
    assert sum("[PIA-W104]" in line for line in err) == 1


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
def test_shipped_case_passes_strict_lint_with_its_waivers(path: Path) -> None:
    """Judged on its own as_of (the clock would make it stale one day): no warning is left, every
    waiver is used and gives a reason, and the unknowns are counted as information."""
    located = load_located(read_text(path), str(path))
    case = load_case_located(located)
    result = lint(case, located, today=case.as_of)
    kinds = Counter(d.code for d in result.diagnostics)
    print(f"{path.name}: {dict(sorted(kinds.items()))}, {len(result.waived)} waived")
    assert [d.format() for d in result.diagnostics if d.severity is not Severity.INFO] == []
    assert kinds["PIA-W107"] > 0
    assert result.diagnostics == tuple(sorted(result.diagnostics, key=Diagnostic.sort_key))
    assert all(w.reason for w in result.waived)


def test_ice_case_has_no_claim_without_a_source() -> None:
    located = load_located(read_text(ICE), str(ICE))
    case = load_case_located(located)
    found = lint_case(case, located, today=case.as_of)
    assert [d.format() for d in found if d.code == "PIA-W101"] == []


def test_shipped_cases_pass_strict_validate_on_their_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pia.authoring.validate import validate_files

    checked = validate_files([ICE, STATE], strict=True, today=date(2026, 11, 25))
    assert [
        d.format() for c in checked for d in c.diagnostics if d.severity is not Severity.INFO
    ] == []
