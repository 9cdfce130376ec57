"""What ``pia assess`` prints while it runs and when it ends, and the file names it writes.

stdout carries one ``wrote PATH`` line per file (what scripts read); stderr carries the stages on
a terminal only, and a plain summary (ratings, top findings) unless ``--quiet``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from helpers import MINIMAL
from pia.cli import assess as assess_cli
from pia.cli import main
from pia.render.outputs import _PageCounter, report_stem

CORE = ["--rubric", "core"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    assert main(["assess", str(MINIMAL), *CORE, *args]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_without_a_terminal_stdout_is_the_files_and_stderr_a_plain_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, err = run(capsys, "--format", "json,md", "--out", str(tmp_path))
    assert out.splitlines() == [
        f"wrote {tmp_path / 'minimal.json'}",
        f"wrote {tmp_path / 'minimal.md'}",
    ]
    lines = err.splitlines()
    assert lines[0] == "Minimal case (as of 2025-06-01)"
    assert lines[1].startswith("  pia core privacy criteria: ")
    assert "Top findings:" in lines
    assert "\x1b" not in err
    assert "\r" not in err


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "--format", "json", "--out", str(tmp_path), "--quiet") == ("", "")
    assert (tmp_path / "minimal.json").exists()


def test_on_a_terminal_the_stages_show_in_order_with_pages_laid_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assess_cli, "_stderr_is_terminal", lambda: True)
    out, err = run(capsys, "--format", "pdf", "--out", str(tmp_path))
    assert out == f"wrote {tmp_path / 'minimal.pdf'}\n"
    shown = [part.removeprefix("\x1b[K") for part in err.split("\r") if part.strip("\x1b[K")]
    stages = [line.split()[2] for line in shown if line.startswith("pia assess: ")]
    assert list(dict.fromkeys(stages)) == ["load", "assess", "layout", "write"]
    assert any(", page 1," in line for line in shown)
    assert "\r\x1b[K" + "Minimal case (as of 2025-06-01)" in err  # the line is cleared first


def test_on_a_terminal_quiet_shows_no_stages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assess_cli, "_stderr_is_terminal", lambda: True)
    assert run(capsys, "--format", "json", "--out", str(tmp_path), "-q") == ("", "")


def test_a_report_judged_on_another_date_is_named_for_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "--format", "json", "--out", str(tmp_path), "--as-of", "2025-05-01")
    run(capsys, "--format", "json", "--out", str(tmp_path), "--as-of", "2025-06-01")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "minimal.json",
        "minimal@2025-05-01.json",
    ]


def test_the_stem_is_the_id_on_the_case_date() -> None:
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import load_case_file

    case = load_case_file(MINIMAL).case
    rubrics = load_rubrics(("core",))
    assert report_stem(assess(case, rubrics)) == "minimal"
    earlier = case.as_of.replace(day=2)
    assert report_stem(assess(case, rubrics, as_of=earlier)) == "minimal@2025-06-02"


def test_weasyprint_progress_records_become_page_counts() -> None:
    heard: list[tuple[str, str | None]] = []
    counter = _PageCounter(lambda stage, detail: heard.append((stage, detail)))

    def record(msg: str, *args: object) -> logging.LogRecord:
        return logging.LogRecord("weasyprint.progress", logging.INFO, "", 0, msg, args, None)

    for rec in [
        record("Step 4 - Creating formatting structure"),
        record("Step 5 - Creating layout - Page %d", 1),
        record("Step 5 - Creating layout - Page %d", 2),
        record("Step 5 - Creating layout - Repagination #%d", 1),
        record("Step 5 - Creating layout - Page %d (up-to-date)", 1),
        record("Step 6 - Creating PDF"),
        record("a record in some other form %s", "x"),
    ]:
        counter.emit(rec)
    assert heard == [
        ("layout", "page 1"),
        ("layout", "page 2"),
        ("layout", "page 1, pass 2"),
    ]
