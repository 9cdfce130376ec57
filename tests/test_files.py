"""``write_atomic``: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pia.load.files import write_atomic
from pia.model.diagnostics import DiagnosticError


def fail_replace(src: object, dst: object) -> None:
    raise OSError("disk full")


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"


def test_replaces_existing_content(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old, and longer than the new content\n")
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"


def test_creates_missing_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "2025" / "report.json"
    write_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"


def test_leaves_no_temp_file_after_success(tmp_path: Path) -> None:
    write_atomic(tmp_path / "report.json", b"{}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_failed_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"previous\n")
    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(DiagnosticError, match=r"disk full.*\[PIA-E014\]"):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"previous\n"


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"previous\n")
    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(DiagnosticError, match=r"disk full.*\[PIA-E014\]"):
        write_atomic(target, b"new\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_failed_first_write_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(DiagnosticError, match=r"disk full.*\[PIA-E014\]"):
        write_atomic(tmp_path / "report.json", b"new\n")
    assert list(tmp_path.iterdir()) == []


def test_new_file_is_readable_by_others_under_the_usual_umask(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    old = os.umask(0o022)
    try:
        write_atomic(target, b"{}\n")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
