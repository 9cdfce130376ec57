"""``pia assess``, ``pia explain`` and ``pia rubrics``: what the user sees, and the exit codes.

All in-process through ``main``; exit codes are 0 (clean), 2 (bad input or usage).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ROOT, SHIPPED_RUBRICS
from pia.cel.rubric import load_rubric
from pia.cli import main
from pia.load import workspace
from pia.render.json import parse_json

MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
JUDGED = ROOT / "tests" / "data" / "engine" / "judged.yaml"
TEST_RUBRIC = ROOT / "tests" / "data" / "rubrics" / "test.yaml"


def assess_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    """Run ``pia assess ... --format json --out -`` and return the printed JSON."""
    assert main(["assess", *args, "--format", "json", "--out", "-"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


# --- assess ----------------------------------------------------------------------------------


def test_assess_prints_json_with_a_schema_version(capsys: pytest.CaptureFixture[str]) -> None:
    printed = assess_json(capsys, str(MINIMAL), "--rubric", "core")
    assert printed["schema_version"] == "1.0"
    assert [r["id"] for r in printed["rubrics"]] == ["core"]  # type: ignore[attr-defined]


def test_printed_json_reads_back_as_an_assessment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", "-"]) == 0
    assert parse_json(capsys.readouterr().out).case.id == "minimal"


def test_rubric_may_be_given_as_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    printed = assess_json(capsys, str(JUDGED), "--rubric", str(TEST_RUBRIC))
    assert [r["id"] for r in printed["rubrics"]] == ["test"]  # type: ignore[attr-defined]


def test_assess_writes_the_case_id_json_into_the_out_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    assert (
        main(["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", str(out)])
        == 0
    )
    assert capsys.readouterr().out == f"wrote {out / 'minimal.json'}\n"
    assert [p.name for p in out.iterdir()] == ["minimal.json"]  # no temp file left behind
    assert json.loads((out / "minimal.json").read_text(encoding="utf-8"))["case"]["id"] == "minimal"


def test_assess_replaces_an_earlier_report(tmp_path: Path) -> None:
    (tmp_path / "minimal.json").write_text("old report", encoding="utf-8")
    assert (
        main(
            ["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", str(tmp_path)]
        )
        == 0
    )
    assert (tmp_path / "minimal.json").read_text(encoding="utf-8").startswith("{")


def test_as_of_sets_the_assessment_date(capsys: pytest.CaptureFixture[str]) -> None:
    default = assess_json(capsys, str(MINIMAL), "--rubric", "core")
    dated = assess_json(capsys, str(MINIMAL), "--rubric", "core", "--as-of", "2025-01-01")
    assert (default["assessed_as_of"], dated["assessed_as_of"]) == ("2025-06-01", "2025-01-01")


def test_json_output_is_byte_identical_from_run_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["assess", str(JUDGED), "--rubric", str(TEST_RUBRIC), "--format", "json", "--out", "-"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first


def test_out_dash_with_two_formats_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["assess", str(MINIMAL), "--rubric", "core", "--format", "json,md", "--out", "-"]
    assert main(args) == 2
    assert "--out - needs exactly one text format" in capsys.readouterr().err


def test_out_dash_with_a_binary_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(MINIMAL), "--rubric", "core", "--out", "-"]) == 2


@pytest.mark.parametrize("value", ["2025-13-01", "June 2025", "2025-06"])
def test_bad_as_of_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], value: str) -> None:
    args = ["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", "-"]
    assert main([*args, "--as-of", value]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"expected a date written YYYY-MM-DD, found {value!r}" in err


def test_unknown_rubric_id_exits_2_naming_the_shipped_rubrics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["assess", str(MINIMAL), "--rubric", "nope", "--format", "json", "--out", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("nope:1:1: error: no rubric 'nope'; shipped rubrics: core")
    assert err.rstrip().endswith("[PIA-E009]")


def test_broken_case_exits_2_with_located_lines(capsys: pytest.CaptureFixture[str]) -> None:
    broken = ROOT / "tests" / "data" / "invalid" / "e012-bad-date.yaml"
    assert main(["assess", str(broken), "--rubric", "core", "--format", "json", "--out", "-"]) == 2
    assert capsys.readouterr().err.startswith(f"{broken}:")


def test_rubric_that_fails_at_run_time_exits_2_located_in_the_rubric(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rubric = ROOT / "tests" / "data" / "rubrics" / "runtime-error.yaml"
    assert (
        main(["assess", str(MINIMAL), "--rubric", str(rubric), "--format", "json", "--out", "-"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith(f"{rubric}:32:15: error: ")
    assert err.rstrip().endswith("[PIA-E032]")


# --- explain ---------------------------------------------------------------------------------


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that rich does not wrap ids inside table cells."""
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("wide")
def test_explain_lists_indicator_ids_and_source_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(JUDGED), "test.basis", "--rubric", str(TEST_RUBRIC)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("test.basis: Legal basis\n")
    for indicator in ("relied-on", "in-force", "enjoined"):
        assert indicator in out
    assert "  S2: The statute. Congress, 1976." in out


@pytest.mark.usefixtures("wide")
def test_explain_core_criterion_of_a_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(MINIMAL), "core.legal-basis", "--rubric", "core"]) == 0
    out = capsys.readouterr().out
    for indicator in (
        "statute-relied-on",
        "authority-standing",
        "authority-blocked",
        "flows-cite-authority",
    ):
        assert indicator in out
    assert "[S1]" in out  # transfer's evidence: its authorities, from source S1


@pytest.mark.usefixtures("wide")
def test_explain_accepts_a_bare_criterion_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(JUDGED), "retention", "--rubric", str(TEST_RUBRIC)]) == 0
    assert capsys.readouterr().out.startswith("test.retention: Retention\n")


def test_explain_unknown_criterion_exits_2_listing_the_criteria(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", str(JUDGED), "test.nope", "--rubric", str(TEST_RUBRIC)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "no criterion 'test.nope'; criteria: test.basis, test.retention" in err


# --- rubrics ---------------------------------------------------------------------------------


def test_rubrics_lists_core_first_with_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    core = load_rubric(SHIPPED_RUBRICS / "core.yaml")
    assert main(["rubrics"]) == 0
    first = capsys.readouterr().out.splitlines()[1]  # after the header row
    assert first.split()[:4] == [
        "core",
        core.rubric.version,
        str(len(core.rubric.criteria)),
        f"sha256:{core.sha256[:12]}",
    ]


def test_rubrics_lists_every_shipped_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rubrics"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]}
    assert listed == {p.stem for p in SHIPPED_RUBRICS.glob("*.yaml")}


def test_assess_with_no_rubric_found_exits_2_saying_where_it_looked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "rubrics"
    empty.mkdir()
    monkeypatch.setattr(workspace, "rubrics_dir", lambda: empty)
    assert main(["assess", str(MINIMAL), "--format", "json", "--out", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"no rubric found: {empty} holds no .yaml file" in captured.err
