"""Quiet failures: what libraries log or warn never reaches the terminal as raw text; ``--debug``
shows it, named by the logger that sent it. The fresh-process tests are what a user sees."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from pia.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_pia(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pia.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def not_a_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_text("hello, not a PDF\n", encoding="utf-8")
    return path


def test_verify_of_a_non_pdf_prints_one_located_line(not_a_pdf: Path) -> None:
    result = run_pia("verify", str(not_a_pdf))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        line for line in result.stderr.splitlines() if line.startswith(f"{not_a_pdf}:1:1: error:")
    ]
    assert len(result.stderr.splitlines()) == 1
    assert "EOF marker" not in result.stderr


def test_debug_shows_the_library_messages_with_their_source(not_a_pdf: Path) -> None:
    result = run_pia("--debug", "verify", str(not_a_pdf))
    assert result.returncode == 2
    assert any(
        line.startswith("pypdf") and ": warning: " in line for line in result.stderr.splitlines()
    )


@pytest.mark.parametrize(
    "say",
    [
        lambda: logging.getLogger("fontTools.subset").warning("glyph 'x' missing"),
        lambda: logging.getLogger("weasyprint").warning("Ignored `foo: bar` at 1:1"),
    ],
    ids=["fontTools", "weasyprint"],
)
def test_library_messages_after_a_command_are_not_printed(
    capsys: pytest.CaptureFixture[str], say: object
) -> None:
    assert main(["rubrics"]) == 0
    capsys.readouterr()
    say()  # type: ignore[operator]
    assert capsys.readouterr() == ("", "")


WARN_AFTER = (
    "import sys, warnings; from pia.cli import main; main(sys.argv[1:]); "
    "warnings.warn('a library warning', UserWarning)"
)


@pytest.mark.parametrize(
    ("args", "expected"), [(["rubrics"], ""), (["--debug", "rubrics"], "py.warnings: warning:")]
)
def test_python_warnings_are_routed_too(args: list[str], expected: str) -> None:
    """In a fresh process: pytest would catch the warning itself in-process."""
    result = subprocess.run(
        [sys.executable, "-c", WARN_AFTER, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    if expected:
        assert result.stderr.startswith(expected)
        assert "a library warning" in result.stderr
    else:
        assert result.stderr == ""


def test_debug_prints_them_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "rubrics"]) == 0
    capsys.readouterr()
    logging.getLogger("fontTools.subset").warning("glyph 'x' missing")
    assert capsys.readouterr().err == "fontTools.subset: warning: glyph 'x' missing\n"
    assert main(["rubrics"]) == 0  # and quiet again without --debug
    capsys.readouterr()
    logging.getLogger("fontTools.subset").warning("glyph 'x' missing")
    assert capsys.readouterr().err == ""
