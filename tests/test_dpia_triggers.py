"""The EDPB's criteria for requiring a DPIA (WP248 rev.01) as case facts: each criterion applies,
does not, or is unknown, with its reason and sources. Open world: a criterion the case leaves out
is unknown, never "does not apply". The edpb profile shows all nine in its section 0; the dhs
profile does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import MINIMAL
from pia.cel.rubric import load_rubrics
from pia.cli import main
from pia.engine import assess
from pia.load.case import load_case_text
from pia.model.case import DPIA_TRIGGERS, DpiaTriggers
from pia.model.diagnostics import DANGLING_REFERENCE, UNKNOWN_FIELD, DiagnosticError
from pia.render.html import render_html
from pia.render.markdown import render_markdown

TRIGGERS = """dpia_triggers:
  large_scale:
    applies: true
    basis: Every record of the register is sent.
    sources: [S1]
    confidence: confirmed
  automated_decision:
    applies: false
    basis: A person decides each case.
    sources: [S1]
    confidence: reported
"""


def with_triggers(block: str = TRIGGERS) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    return text.replace("sources:\n", block + "sources:\n", 1)


def test_the_nine_criteria_are_wp248s_in_its_order() -> None:
    assert list(DPIA_TRIGGERS) == list(DpiaTriggers.model_fields)
    assert len(DPIA_TRIGGERS) == 9
    assert DPIA_TRIGGERS["evaluation_or_scoring"].startswith("Evaluation or scoring")
    assert DPIA_TRIGGERS["prevents_exercising_a_right"].startswith("Processing that prevents")


def test_a_criterion_left_out_is_unknown() -> None:
    case = load_case_text(with_triggers(), "x.yaml")
    assert case.dpia_triggers is not None
    assert case.dpia_triggers.large_scale is not None
    assert case.dpia_triggers.large_scale.applies is True
    assert case.dpia_triggers.automated_decision is not None
    assert case.dpia_triggers.automated_decision.applies is False
    assert case.dpia_triggers.sensitive_data is None
    assert load_case_text(MINIMAL.read_text(encoding="utf-8"), "x.yaml").dpia_triggers is None


def test_a_misspelt_criterion_is_an_unknown_field_at_its_line() -> None:
    text = with_triggers(TRIGGERS.replace("large_scale:", "large_scaled:"))
    with pytest.raises(DiagnosticError) as exc:
        load_case_text(text, "x.yaml")
    (problem,) = exc.value.diagnostics
    assert problem.code == UNKNOWN_FIELD.code
    assert problem.line == text.splitlines().index("  large_scaled:") + 1


def test_a_trigger_cites_declared_sources() -> None:
    text = with_triggers(TRIGGERS.replace("sources: [S1]", "sources: [S9]", 1))
    with pytest.raises(DiagnosticError) as exc:
        load_case_text(text, "x.yaml")
    assert [d.code for d in exc.value.diagnostics] == [DANGLING_REFERENCE.code]
    assert "'S9'" in exc.value.diagnostics[0].message


def test_a_trigger_needs_its_reason() -> None:
    with pytest.raises(DiagnosticError) as exc:
        load_case_text(
            with_triggers(TRIGGERS.replace("    basis: A person decides each case.\n", "")),
            "x.yaml",
        )
    assert "basis" in exc.value.diagnostics[0].message


def test_the_edpb_technical_sheet_shows_every_criterion(tmp_path: Path) -> None:
    case = load_case_text(with_triggers(), "x.yaml")
    assessment = assess(case, load_rubrics(["core"]))
    html = render_html(assessment, case, profile="edpb")
    sheet = html[html.index('id="technical-sheet"') : html.index('id="description"')]
    assert "Why a DPIA: the EDPB criteria" in sheet
    assert "1 of the nine apply" in sheet
    for label in DPIA_TRIGGERS.values():
        assert label in sheet
    assert sheet.count("The case does not say.") == 7
    assert "Every record of the register is sent." in sheet
    assert "Why a DPIA" not in render_html(assessment, case, profile="dhs")
    md = render_markdown(assessment, case, profile="edpb")
    assert (
        "| Data processed on a large scale | yes | Every record of the register is sent. \\[S1\\] |"
        in md
    )
    assert "| Systematic monitoring | unknown | The case does not say. |" in md
    assert "Why a DPIA" not in render_markdown(assessment, case, profile="dhs")


def test_validate_accepts_a_case_with_triggers(tmp_path: Path) -> None:
    path = tmp_path / "triggers.yaml"
    path.write_text(with_triggers(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0


def test_a_case_that_answers_no_criterion_says_so() -> None:
    case = load_case_text(MINIMAL.read_text(encoding="utf-8"), "x.yaml")
    assessment = assess(case, load_rubrics(["core"]))
    html = render_html(assessment, case, profile="edpb")
    assert "The case does not say which apply." in html
    assert html.count("The case does not say.") == 9
    assert "The case does not say which apply." in render_markdown(assessment, case, profile="edpb")
