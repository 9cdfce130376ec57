"""``pia validate`` and ``pia schema``: exit codes, one located line per problem, no tracebacks.

Most tests call ``main`` in-process; a few run a fresh interpreter to prove what the user sees.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from pia.cli import main

MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
INVALID = ROOT / "tests" / "data" / "invalid"
TWO_ERRORS = INVALID / "two-schema-errors.yaml"
LOCATED_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: .+ \[(?P<code>PIA-E\d{3})\]$"
)


def problems(stderr: str) -> list[tuple[str, int, int]]:
    """``(code, line, col)`` of each line on stderr; a line that is not located fails the test."""
    found = [LOCATED_LINE.match(line) for line in stderr.splitlines()]
    assert all(found), stderr
    return [(m["code"], int(m["line"]), int(m["col"])) for m in found if m]


def run_pia(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m pia.cli ARGS`` in a fresh process, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "pia.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- validate --------------------------------------------------------------------------------


def test_valid_file_exits_0_with_an_ok_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL)]) == 0
    out, err = capsys.readouterr()
    assert (
        out == f"{MINIMAL}: ok (case minimal: 1 sources, 1 flows)\n0 errors, 0 warnings in 1 file\n"
    )
    assert err == ""


def test_quiet_valid_file_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--quiet", str(MINIMAL)]) == 0
    assert capsys.readouterr() == ("", "")


def test_invalid_file_exits_2_with_located_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(TWO_ERRORS)]) == 2
    out, err = capsys.readouterr()
    assert out == "2 errors, 0 warnings in 1 file\n"
    assert problems(err) == [("PIA-E012", 19, 11), ("PIA-E010", 41, 5)]
    assert all(line.startswith(f"{TWO_ERRORS}:") for line in err.splitlines())


def test_every_file_is_checked_even_after_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(TWO_ERRORS), str(MINIMAL)]) == 2
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{MINIMAL}: ok (case minimal: 1 sources, 1 flows)",
        "2 errors, 0 warnings in 2 files",
    ]


def test_missing_file_exits_2_with_a_located_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "absent.yaml"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}:1:1: error: ")
    assert err.endswith("[PIA-E009]\n")


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--bogus", str(MINIMAL)]) == 2
    assert "No such option" in capsys.readouterr().err


def test_validate_without_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert "Missing argument" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("Usage: pia")


def test_validate_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    assert "FILE:LINE:COL" in capsys.readouterr().out


# --- schema ----------------------------------------------------------------------------------


def test_schema_case_prints_json_with_flows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "case"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "flows" in schema["properties"]


def test_schema_of_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "bogus"]) == 2
    assert "bogus" in capsys.readouterr().err


# --- what a user sees from a fresh process ---------------------------------------------------


def test_fresh_process_valid_file_exits_0() -> None:
    result = run_pia("validate", "tests/data/valid/minimal.yaml")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "tests/data/valid/minimal.yaml: ok (case minimal: 1 sources, 1 flows)",
        "0 errors, 0 warnings in 1 file",
    ]


def test_fresh_process_invalid_files_show_located_lines_and_no_traceback() -> None:
    files = [str(p.relative_to(ROOT)) for p in sorted(INVALID.glob("*.yaml"))]
    result = run_pia("validate", *files)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert problems(result.stderr)  # every line is FILE:LINE:COL: error: ... [CODE]


def test_validate_does_not_import_weasyprint() -> None:
    code = (
        "import sys; from pia.cli import main; "
        "main(['validate', 'tests/data/valid/minimal.yaml']); "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "False"


def test_stray_criteria_field_in_a_case_is_one_unknown_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(MINIMAL.read_text(encoding="utf-8") + "criteria: []\n", encoding="utf-8")
    assert main(["validate", str(case)]) == 2
    assert problems(capsys.readouterr().err) == [("PIA-E010", 53, 1)]
