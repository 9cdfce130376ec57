"""``pia diff OLD NEW`` and ``diff_cases``: which results moved, why, and which facts changed.

Most tests run the core rubric only: assessing the ICE case takes about half a second per version
with it, and two to three seconds with every rubric.

The main fixture is the ICE–IRS case without the D.D.C.'s stay of 2025-11-21 in Center for
Taxpayer Rights v. IRS, made from the shipped case by a small text edit (so it follows the case as
the case is edited). The D. Mass. preliminary injunction of 2026-02-05 also counts as court relief,
so the stay's removal moves ``core.legal-basis`` only when the case is judged between the two
orders: those tests pass ``--as-of 2026-01-01``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from helpers import ROOT
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cli import main
from pia.engine.diff import CaseDiff, diff_cases
from pia.load.case import load_case, load_case_text
from pia.render.diff import parse_json, print_diff, render_json, render_markdown

ICE = ROOT / "cases" / "ice-irs.yaml"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"

#: The D.D.C. stay of the IRS Address-Sharing Policy, Center for Taxpayer Rights v. IRS.
STAY = "ctr-stay-2025-11-21"
STAY_SOURCES = ("S40", "S41", "S42", "S43", "S111", "S116")
#: After the stay, before the D. Mass. preliminary injunction of 2026-02-05.
BETWEEN_ORDERS = "2026-01-01"


def remove_ruling(text: str, ruling_id: str) -> str:
    """The case text without one ruling and without any reference to it.

    Drops the ruling's block (its ``- id:`` line and every line indented deeper), ``by:`` lines
    that name it, and its item in flow-style id lists such as ``basis: [a, b]``.
    """
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {ruling_id}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    kept = [line for line in lines[:start] + lines[end:] if line.strip() != f"by: {ruling_id}"]
    out = [_drop_list_item(line, ruling_id) for line in kept]
    edited = "".join(out)
    assert ruling_id not in edited, "a reference to the ruling is left in a form not handled"
    return edited


def _drop_list_item(line: str, item: str) -> str:
    m = re.fullmatch(r"(\s*[\w-]+: )\[(.*)\](\s*)", line)
    if m is None:
        return line
    items = [i.strip() for i in m.group(2).split(",")]
    if item not in items:
        return line
    return f"{m.group(1)}[{', '.join(i for i in items if i != item)}]{m.group(3)}"


@pytest.fixture(scope="module")
def without_stay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diff") / "ice-irs-without-stay.yaml"
    path.write_text(remove_ruling(ICE.read_text(encoding="utf-8"), STAY), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def core() -> list[LoadedRubric]:
    return load_rubrics(["core"])


@pytest.fixture(scope="module")
def stay_diff(without_stay: Path, core: list[LoadedRubric]) -> CaseDiff:
    from datetime import date

    return diff_cases(
        load_case(ICE), load_case(without_stay), core, as_of=date.fromisoformat(BETWEEN_ORDERS)
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the fixture -----------------------------------------------------------------------------


def test_removed_ruling_is_the_november_21_stay_in_center_for_taxpayer_rights(
    without_stay: Path,
) -> None:
    case = load_case(ICE)
    (suit,) = [s for s in case.litigation if any(r.id == STAY for r in s.rulings)]
    (ruling,) = [r for r in suit.rulings if r.id == STAY]
    assert suit.name.startswith("Center for Taxpayer Rights")
    assert (ruling.date, ruling.kind, ruling.outcome) == ("2025-11-21", "stay", "granted")
    assert ruling.sources == STAY_SOURCES
    edited = load_case(without_stay)  # the copy validates: no reference to the ruling is left
    assert STAY not in {r.id for s in edited.litigation for r in s.rulings}


# --- what moved, and why ---------------------------------------------------------------------


def test_identical_files_exit_0_and_say_no_result_moved(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(MINIMAL), str(MINIMAL), "--rubric", "core")
    assert code == 0
    assert "no result moved" in out
    assert "Summary: no result moved; facts: 0 added, 0 removed, 0 changed." in out


def test_removing_the_stay_moves_legal_basis_and_exits_1(
    capsys: pytest.CaptureFixture[str], without_stay: Path
) -> None:
    code, out, err = run(
        capsys, str(ICE), str(without_stay), "--rubric", "core", "--as-of", BETWEEN_ORDERS
    )
    assert (code, err) == (1, "")
    moved, facts = out.split("\nFacts changed\n")
    assert "core.legal-basis (Legal basis): Not met → Partially met" in moved
    assert "court-relief-granted: true → false" in moved
    assert f"- removed {STAY} (litigation.rulings; read id, kind, outcome)" in moved
    assert f"- removed {STAY} (in lit-ctr)" in facts
    assert "Both versions judged as of 2026-01-01 (--as-of)." in out


def test_moved_criterion_names_the_indicator_and_the_ruling_behind_it(
    stay_diff: CaseDiff,
) -> None:
    assert stay_diff.moved
    (rubric,) = stay_diff.rubric_moves
    (criterion,) = rubric.criteria
    assert (criterion.id, criterion.old_level, criterion.new_level) == (
        "core.legal-basis",
        "not_met",
        "partially_met",
    )
    assert criterion.governed_by == "derived"  # judged before the case's date: no judgment yet
    (indicator,) = criterion.indicators
    assert (indicator.id, indicator.old_state, indicator.new_state) == (
        "court-relief-granted",
        "true",
        "false",
    )
    # the ruling, and the authority histories whose `by` named it (the relief is read from what
    # the order stayed, not from the ruling alone; the August 7, 2025 disclosure it came after
    # had ended, so no flow's history names it)
    removed = [f for f in indicator.facts if f.change == "removed"]
    assert [(f.entry, f.sources) for f in removed] == [(STAY, STAY_SOURCES)]
    assert {f.entry for f in indicator.facts if f.change == "changed"} == {
        "a-irs-address-policy",
        "a-mou",
    }


def test_removed_ruling_is_listed_as_a_removed_fact_with_its_sources(stay_diff: CaseDiff) -> None:
    removed = [e for e in stay_diff.entries if e.change == "removed"]
    assert [(e.section, e.id, e.parent, e.sources) for e in removed] == [
        ("litigation.rulings", STAY, "lit-ctr", STAY_SOURCES)
    ]


def test_references_to_the_removed_ruling_are_changed_fields(stay_diff: CaseDiff) -> None:
    changed = {e.id: e for e in stay_diff.entries if e.change == "changed"}
    standing = [f for f in changed["a-irs-address-policy"].fields if f.old == STAY]
    assert [(f.new, bool(re.fullmatch(r"standing\[\d+\]\.by", f.path))) for f in standing] == [
        (None, True)
    ]
    basis = [f for f in changed["risk-unlawful-disclosure"].fields if f.path == "basis"]
    assert [(f.removed, f.added) for f in basis] == [((STAY,), ())]
    assert "lit-ctr" not in changed  # its rulings are compared as entries of their own


def test_at_the_case_date_the_later_injunction_keeps_the_levels(
    capsys: pytest.CaptureFixture[str], without_stay: Path
) -> None:
    code, out, _ = run(capsys, str(ICE), str(without_stay), "--rubric", "core")
    assert code == 0
    assert "Each version judged at its own as_of (old 2026-12-02, new 2026-12-02)" in out
    assert "Summary: no result moved; facts: 0 added, 1 removed, " in out


def test_a_safeguard_verified_lowers_the_residual_risk(core: list[LoadedRubric]) -> None:
    risk = (
        "risks:\n  - id: r-leak\n    title: Names leak\n    description: Names reach others.\n"
        "    feared_event: illegitimate_access\n    likelihood: 3\n    severity: 3\n"
        "    rationale: Judgment.\n    mitigations: [audit-log]\n    confidence: reported\n"
    )
    text = MINIMAL.read_text(encoding="utf-8") + risk
    old = load_case_text(text, "old.yaml")
    new = load_case_text(text.replace("- status: stated", "- status: verified"), "new.yaml")
    (move,) = diff_cases(old, new, core).risk_moves
    assert (move.id, move.old_likelihood, move.new_likelihood) == ("r-leak", 3, 2)
    assert [(m.safeguard, m.old_status, m.new_status) for m in move.mitigations] == [
        ("audit-log", "stated", "verified")
    ]
    assert [(f.entry, f.change) for f in move.facts] == [("audit-log", "changed")]


# --- facts -----------------------------------------------------------------------------------


def test_case_fields_and_timeline_events_are_compared(core: list[LoadedRubric]) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    event = (
        "timeline:\n  - date: 2025-04-07\n    event: Agreement signed.\n    confidence: confirmed\n"
    )
    new_text = text.replace("as_of: 2025-06-01", "as_of: 2025-07-01") + event
    result = diff_cases(load_case_text(text, "a"), load_case_text(new_text, "b"), core)
    assert [(f.path, f.old, f.new) for f in result.case_fields] == [
        ("as_of", "2025-06-01", "2025-07-01")
    ]
    assert [(e.section, e.id, e.label, e.change) for e in result.entries] == [
        ("timeline", "2025-04-07", "Agreement signed.", "added")
    ]
    console = Console(file=io.StringIO(), width=200)
    print_diff(result, console)
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Each version judged at its own as_of (old 2025-06-01, new 2025-07-01)" in printed


def test_a_section_settled_from_unknown_to_none_is_a_change(core: list[LoadedRubric]) -> None:
    """Open world: a section left out is not established; `[]` says there is none. No entry is
    added or removed, but the case says something new, so the diff shows it."""
    text = MINIMAL.read_text(encoding="utf-8")
    result = diff_cases(
        load_case_text(text, "a"), load_case_text(text + "litigation: []\n", "b"), core
    )
    assert [(f.path, f.old, f.new) for f in result.case_fields] == [("litigation", "unknown", [])]
    assert result.entries == ()
    back = diff_cases(
        load_case_text(text + "oversight: []\n", "a"), load_case_text(text, "b"), core
    )
    assert [(f.path, f.old, f.new) for f in back.case_fields] == [("oversight", [], "unknown")]


def test_reformatting_the_file_is_not_a_change(core: list[LoadedRubric]) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    reflowed = text.replace("data: [name]", "data:\n      - name").replace(
        "summary: One flow", "summary: >-\n  One flow"
    )
    assert reflowed != text
    result = diff_cases(load_case_text(text, "a"), load_case_text(reflowed, "b"), core)
    assert (result.entries, result.case_fields, result.moved) == ((), (), False)


# --- formats ---------------------------------------------------------------------------------


def test_markdown_lists_the_moved_criterion(stay_diff: CaseDiff) -> None:
    out = render_markdown(stay_diff)
    row = "| core.legal-basis | Not met → Partially met | `court-relief-granted` true → false |"
    assert row in out.splitlines()
    assert "### core.legal-basis: Not met → Partially met" in out
    assert out.index("## Results that moved") < out.index("## Facts changed")


def test_json_is_sorted_versioned_and_names_the_moved_criterion(
    capsys: pytest.CaptureFixture[str], without_stay: Path
) -> None:
    args = (str(ICE), str(without_stay), "--rubric", "core", "--as-of", BETWEEN_ORDERS)
    code, out, _ = run(capsys, *args, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert out == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["schema_version"] == "1.0"
    assert data["rubric_moves"][0]["criteria"][0]["id"] == "core.legal-basis"


def test_renders_are_stable_and_json_reads_back(stay_diff: CaseDiff) -> None:
    assert render_json(stay_diff) == render_json(stay_diff)
    assert render_markdown(stay_diff) == render_markdown(stay_diff)
    assert parse_json(render_json(stay_diff)) == stay_diff


# --- reading versions ------------------------------------------------------------------------


def _in_git_checkout() -> bool:
    if shutil.which("git") is None:
        return False
    done = subprocess.run(
        ["git", "cat-file", "-e", "HEAD:cases/ice-irs.yaml"], cwd=ROOT, capture_output=True
    )
    return done.returncode == 0


@pytest.mark.skipif(not _in_git_checkout(), reason="not in a git checkout with the ICE case")
def test_git_head_against_the_working_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run(
        capsys, "git:HEAD:cases/ice-irs.yaml", "cases/ice-irs.yaml", "--rubric", "core"
    )
    assert code in (0, 1), err
    assert "old: git:HEAD:cases/ice-irs.yaml (case ice-irs" in out


@pytest.mark.parametrize(
    "spec",
    [
        "git:no-such-revision-xyz:cases/ice-irs.yaml",
        "git:HEAD:cases/no-such-case.yaml",
        "git:HEAD",
        "git:--output=/tmp/x:cases/ice-irs.yaml",
    ],
)
def test_bad_git_spec_is_a_one_line_error_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, spec: str
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, spec, str(MINIMAL), "--rubric", "core")
    assert (code, out) == (2, "")
    (line,) = err.strip().splitlines()
    assert line.startswith(f"{spec}:1:1: error: cannot read file")
    assert line.endswith("[PIA-E009]")


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, str(tmp_path / "nope.yaml"), str(MINIMAL))
    assert (code, out) == (2, "")
    assert "[PIA-E009]" in err
