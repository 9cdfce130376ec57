"""Loading rubrics: the table of broken rubrics, and every shipped rubric validates.

Each broken rubric in ``tests/data/rubrics/e*.yaml`` starts with the diagnostics it must produce,
as the broken cases in ``tests/data/invalid`` do:

    # expect: PIA-E030 29:48

A CEL syntax error points at the character inside the rubric file, whether the expression is a
plain, quoted or block scalar. A ``# xfail: reason`` line marks a known bug in pia. Unlike the case
table, the expected diagnostics are compared as a list, so one cause reported twice fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations import expected_problems, fixture_param
from helpers import ROOT, SHIPPED_RUBRICS
from pia.cel.rubric import load_rubric
from pia.load.workspace import shipped_rubric_paths
from pia.model.diagnostics import Diagnostic, DiagnosticError

RUBRICS_DIR = ROOT / "tests" / "data" / "rubrics"
BROKEN = sorted(RUBRICS_DIR.glob("e[0-9]*.yaml"))
WORKING = sorted(set(RUBRICS_DIR.glob("*.yaml")) - set(BROKEN))
SHIPPED = sorted((SHIPPED_RUBRICS).glob("*.yaml"))


def diagnostics_of(path: Path) -> list[Diagnostic]:
    try:
        load_rubric(path)
    except DiagnosticError as exc:
        return exc.diagnostics
    return []


# --- the table of broken rubrics -------------------------------------------------------------


def test_every_broken_rubric_declares_what_it_expects() -> None:
    assert BROKEN
    assert [p.name for p in BROKEN if not expected_problems(p)] == []


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_rubric_is_named_for_the_code_it_expects(path: Path) -> None:
    assert {code for code, _, _ in expected_problems(path)} == {f"PIA-{path.stem[:4].upper()}"}


@pytest.mark.parametrize("path", [fixture_param(p) for p in BROKEN])
def test_broken_rubric_reports_expected_problems(path: Path) -> None:
    found = sorted((d.code, d.line, d.col) for d in diagnostics_of(path))
    assert found == expected_problems(path)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("e031-misspelt-field", "did you mean 'case.notice[].provided'?"),
        ("e031-misspelt-section", "did you mean 'case.notice'?"),
    ],
)
def test_unknown_field_path_suggests_the_closest_path(name: str, hint: str) -> None:
    first = diagnostics_of(RUBRICS_DIR / f"{name}.yaml")[0]
    assert first.hint == hint


def test_unknown_rubric_field_suggests_the_closest_field() -> None:
    (problem,) = diagnostics_of(RUBRICS_DIR / "e010-unknown-field.yaml")
    assert "did you mean 'weight'?" in problem.message


def test_syntax_error_points_inside_the_expression_text() -> None:
    """The reported column is on the offending character, not at the start of ``when:``."""
    path = RUBRICS_DIR / "e030-plain.yaml"
    (problem,) = diagnostics_of(path)
    line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line[problem.col - 1 :].startswith("= = true")


# --- rubrics that load -----------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKING, ids=[p.stem for p in WORKING])
def test_test_rubric_loads(path: Path) -> None:
    assert diagnostics_of(path) == []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_rubric_validates(path: Path) -> None:
    assert diagnostics_of(path) == []


def test_shipped_rubrics_are_found_in_their_declared_order() -> None:
    found = [p.stem for p in shipped_rubric_paths()]
    assert found[0] == "core"
    assert sorted(found) == sorted(p.stem for p in SHIPPED)


def test_rubric_hash_is_of_the_file_text() -> None:
    import hashlib

    path = RUBRICS_DIR / "test.yaml"
    loaded = load_rubric(path)
    assert loaded.sha256 == hashlib.sha256(path.read_text(encoding="utf-8").encode()).hexdigest()


def test_indicator_positions_point_at_the_expression() -> None:
    path = RUBRICS_DIR / "test.yaml"
    line, col = load_rubric(path).positions[("retention", "period-known")]
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert text[col - 1 :] == 'case.retention.exists(r, known(r, "period"))'


def test_a_question_asked_in_the_same_words_is_compiled_once() -> None:
    """Rubrics often ask the same question in the same words; the text is compiled once per
    process and every indicator that asks it shares the result. A text that does not compile is
    not kept: it is an error each time it is loaded."""
    from pia.cel.compile import ExprSyntaxError
    from pia.cel.rubric import compiled_text, load_rubrics

    rubrics = load_rubrics()
    by_text: dict[str, object] = {}
    asked = 0
    for loaded in rubrics:
        for compiled in (*loaded.compiled.values(), *loaded.applies.values()):
            assert by_text.setdefault(compiled.source, compiled) is compiled
            asked += 1
    assert len(by_text) < asked
    for _ in range(2):
        with pytest.raises(ExprSyntaxError):
            compiled_text("case.flows.exists(f,")
