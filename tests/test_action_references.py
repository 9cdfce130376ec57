"""An action names the risks and criteria it answers; a name that does not exist is a reference
error like any other: ``file:line:column``, the code PIA-E020, and a did-you-mean. Risks are
checked when the case loads; criteria when the rubrics it is assessed against are loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT
from pia.cel.rubric import load_rubrics
from pia.cli import main
from pia.load.case import check_criterion_references, load_case_file, load_case_text
from pia.load.located import Located
from pia.model.diagnostics import DANGLING_REFERENCE, WRONG_KIND, Diagnostic, DiagnosticError
from pia.model.rubric import Rubric

ICE = ROOT / "cases" / "ice-irs.yaml"
RISKS = "    risks: [risk-insecure-holding]\n"
CRITERIA = (
    "    criteria: [fipps.security, core.security, oecd.security-safeguards, gdpr-dpia.security]\n"
)


@pytest.fixture(scope="module")
def ice_text() -> str:
    text = ICE.read_text(encoding="utf-8")
    assert text.count(RISKS) == 1
    assert text.count(CRITERIA) == 1
    return text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_misspelt_risk_is_a_dangling_reference_with_a_suggestion(ice_text: str) -> None:
    text = ice_text.replace(RISKS, "    risks: [risk-insecure-holdng]\n")
    with pytest.raises(DiagnosticError) as exc:
        load_case_text(text, "ice.yaml")
    (problem,) = exc.value.diagnostics
    assert problem.code == DANGLING_REFERENCE.code
    assert (problem.line, problem.col) == (line_of(text, "risk-insecure-holdng"), 13)
    assert problem.hint == "did you mean 'risk-insecure-holding'?"


def test_an_action_answers_risks_not_other_entries(ice_text: str) -> None:
    text = ice_text.replace(RISKS, "    risks: [sys-kiteworks]\n")
    with pytest.raises(DiagnosticError) as exc:
        load_case_text(text, "ice.yaml")
    (problem,) = exc.value.diagnostics
    assert problem.code == WRONG_KIND.code
    assert "a risk is expected" in problem.message


def test_a_misspelt_criterion_is_a_dangling_reference_with_a_suggestion(
    ice_text: str, tmp_path: Path
) -> None:
    text = ice_text.replace("oecd.security-safeguards", "oecd.security-safegards")
    path = tmp_path / "ice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as exc:
        check_criterion_references(load_case_file(path), [r.rubric for r in load_rubrics()])
    (problem,) = exc.value.diagnostics
    assert problem.code == DANGLING_REFERENCE.code
    line = line_of(text, "oecd.security-safegards")
    assert (problem.line, problem.col) == (line, text.splitlines()[line - 1].index("oecd.") + 1)
    assert "'oecd.security-safegards'" in problem.message
    assert problem.hint == "did you mean 'oecd.security-safeguards'?"


def test_criteria_are_checked_against_the_rubrics_assessed(ice_text: str, tmp_path: Path) -> None:
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text, encoding="utf-8")
    case_file = load_case_file(path)
    check_criterion_references(case_file, [r.rubric for r in load_rubrics()])
    with pytest.raises(DiagnosticError) as exc:
        check_criterion_references(case_file, [r.rubric for r in load_rubrics(["core"])])
    assert [d.message.split("'")[1] for d in exc.value.diagnostics] == [
        "fipps.security",
        "oecd.security-safeguards",
        "gdpr-dpia.security",
    ]


def test_a_bare_criterion_id_some_rubric_uses_is_accepted(ice_text: str, tmp_path: Path) -> None:
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text.replace("fipps.security,", "security,"), encoding="utf-8")
    check_criterion_references(load_case_file(path), [r.rubric for r in load_rubrics()])


def test_pia_assess_reports_the_criterion_and_writes_nothing(
    ice_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text.replace("core.security,", "core.secruity,"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["assess", str(path), "--format", "json", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    line = line_of(ice_text, "core.security,")
    assert f"{path}:{line}:" in err
    assert "PIA-E020" in err
    assert "did you mean 'core.security'?" in err
    assert not out.exists()


# --- pia validate checks them too, against the same rubrics -------------------------------------


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache / "pia" / "criteria"


def test_pia_validate_reports_a_misspelt_criterion_as_assess_does(
    ice_text: str, tmp_path: Path, private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text.replace("core.security,", "core.secruity,"), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = line_of(ice_text, "core.security,")
    assert f"{path}:{line}:" in err
    assert "PIA-E020" in err
    assert "did you mean 'core.security'?" in err


def test_pia_validate_checks_criteria_against_the_rubrics_named_with_rubric(
    ice_text: str, tmp_path: Path, private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--rubric", "core", "--rubric", "fipps", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "'oecd.security-safeguards' is not a criterion of any rubric assessed (core, fipps)" in err
    )
    assert "'gdpr-dpia.security'" in err


def test_a_rubric_of_ones_own_counts_once_named_and_is_read_again_when_it_changes(
    ice_text: str, tmp_path: Path, private_cache: Path
) -> None:
    rubric = tmp_path / "mine.yaml"
    fipps = (ROOT / "src" / "pia" / "data" / "rubrics" / "fipps.yaml").read_text(encoding="utf-8")
    rubric.write_text(fipps, encoding="utf-8")
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text.replace("fipps.security,", "fipps.safety,"), encoding="utf-8")
    others = ["--rubric", "core", "--rubric", "oecd", "--rubric", "gdpr-dpia"]
    assert main(["validate", "--rubric", str(rubric), *others, str(path)]) == 2
    rubric.write_text(fipps.replace("  - id: security\n", "  - id: safety\n"), encoding="utf-8")
    assert main(["validate", "--rubric", str(rubric), *others, str(path)]) == 0


def test_the_criteria_of_a_rubric_are_kept_by_its_bytes_and_a_cache_file_is_trusted_only_if_private(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pia.load.rubric as module
    from pia.load.rubric import rubric_criteria

    fipps = ROOT / "src" / "pia" / "data" / "rubrics" / "fipps.yaml"
    first = rubric_criteria([fipps])
    assert "fipps.security" in first
    (kept,) = private_cache.iterdir()
    assert set(kept.read_text(encoding="utf-8").split("\n")) == first
    read: list[object] = []
    real = module.parse_rubric

    def counted(located: Located) -> tuple[Rubric, list[Diagnostic]]:
        read.append(located)
        return real(located)

    monkeypatch.setattr(module, "parse_rubric", counted)
    assert rubric_criteria([fipps]) == first
    assert read == []  # from the cache
    kept.write_text("fipps.made-up", encoding="utf-8")
    kept.chmod(0o666)  # anyone could have written this: not trusted
    assert rubric_criteria([fipps]) == first
    assert len(read) == 1
    kept.write_text("\x00 not ids \x00", encoding="utf-8")
    kept.chmod(0o600)
    assert rubric_criteria([fipps]) == first  # damaged: read again
    assert len(read) == 2


def test_a_rubric_with_problems_is_reported_where_they_are(
    ice_text: str, tmp_path: Path, private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = tmp_path / "broken.yaml"
    fipps = (ROOT / "src" / "pia" / "data" / "rubrics" / "fipps.yaml").read_text(encoding="utf-8")
    rubric.write_text(fipps.replace("critical_cap:", "critical_kap:", 1), encoding="utf-8")
    path = tmp_path / "ice.yaml"
    path.write_text(ice_text, encoding="utf-8")
    assert main(["validate", "--rubric", str(rubric), str(path)]) == 2
    assert f"{rubric}:" in capsys.readouterr().err
    assert not private_cache.exists() or not any(private_cache.iterdir())
