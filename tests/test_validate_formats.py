"""``pia validate --format text|json|sarif|github`` and ``[tool.pia]``: the same findings, laid out
for people, for scripts, for code scanning and for GitHub Actions; exit codes that do not depend
on the format; project settings that select and ignore lint codes.

The SARIF output is checked against the OASIS SARIF 2.1.0 schema vendored in
``tests/data/sarif`` (see the README there for where it comes from).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from pia.authoring.validate import validate_files
from pia.cli import main
from pia.cli.validate import use_color
from pia.model.diagnostics import RULES, Diagnostic, Severity
from pia.render.diagnostics import github_line, summary_line, text_line
from pia.render.sarif import FINGERPRINT_KEY, render_sarif

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINIMAL = DATA / "valid" / "minimal.yaml"
TWO_ERRORS = DATA / "invalid" / "two-schema-errors.yaml"
W104 = DATA / "lint" / "w104-flow-without-authority.yaml"
ENTRY_WAIVER = DATA / "waivers" / "entry-waiver.yaml"
SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so paths are relative as in CI."""
    monkeypatch.chdir(ROOT)


# --- exit codes: one table for every format -------------------------------------------------

EXIT_CODES = [
    ([relative(MINIMAL)], 0),
    ([relative(TWO_ERRORS)], 2),
    (["--strict", relative(W104)], 1),
    ([relative(W104)], 0),
    ([relative(TWO_ERRORS), relative(W104)], 2),
]


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize(("args", "expected"), EXIT_CODES)
def test_exit_code_does_not_depend_on_the_format(
    capsys: pytest.CaptureFixture[str], fmt: str, args: list[str], expected: int
) -> None:
    assert run(capsys, "--format", fmt, *args)[0] == expected


# --- text ------------------------------------------------------------------------------------

SUMMARY_LINES = [
    ((1, 0, 0, 0, 0), "0 errors, 0 warnings in 1 file"),
    ((2, 1, 0, 0, 0), "1 error, 0 warnings in 2 files"),
    ((1, 0, 1, 0, 0), "0 errors, 1 warning in 1 file"),
    ((3, 2, 5, 13, 0), "2 errors, 5 warnings, 13 info in 3 files"),
    ((2, 0, 0, 23, 4), "0 errors, 0 warnings (4 waived), 23 info in 2 files"),
]


@pytest.mark.parametrize(("counts", "line"), SUMMARY_LINES)
def test_summary_line(counts: tuple[int, int, int, int, int], line: str) -> None:
    from pia.model.validation import Totals

    assert summary_line(Totals(*counts)) == line


@pytest.mark.usefixtures("at_root")
def test_text_ends_with_the_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--strict", relative(W104), relative(TWO_ERRORS))
    assert code == 2
    assert out.splitlines()[-1] == "2 errors, 2 warnings, 1 info in 2 files"
    assert len(err.splitlines()) == 5


@pytest.mark.usefixtures("at_root")
def test_text_has_no_colour_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, err = run(capsys, "--strict", relative(W104))
    assert "\x1b[" not in out + err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(FakeTerminal()) is True
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(FakeTerminal()) is False


def test_coloured_line_says_the_same_as_the_plain_one() -> None:
    d = Diagnostic(
        "c.yaml", 3, 5, "PIA-W104", "flow 'x' names no authority", "add one", Severity.WARNING
    )
    coloured = text_line(d, color=True)
    assert "\x1b[" in coloured
    plain = coloured
    for escape in ("\x1b[33m", "\x1b[0m", "\x1b[2m"):
        plain = plain.replace(escape, "")
    assert plain == text_line(d) == d.format()


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("at_root")
def test_json_lists_files_diagnostics_waivers_and_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "--format", "json", "--strict", relative(ENTRY_WAIVER))
    assert (code, err) == (1, "")
    document = json.loads(out)
    assert document["schema_version"] == "1.0"
    (checked,) = document["files"]
    found = [(d["code"], d["line"], d["col"], d["rule"]) for d in checked["diagnostics"]]
    stale = [("PIA-W106", 6, 8, "stale-as-of")]  # validate reads the clock; the fixture is old
    assert [f for f in found if f not in stale] == [("PIA-W104", 64, 18, "flow-without-authority")]
    assert [(w["code"], w["line"]) for w in checked["waived"]] == [("PIA-W104", 44)]
    assert checked["waived"][0]["reason"].startswith("The sources (S1)")
    assert document["counts"] == {
        "errors": 0,
        "files": 1,
        "info": 0,
        "waived": 1,
        "warnings": len(found),
    }
    assert out == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- SARIF -----------------------------------------------------------------------------------


def sarif_of(paths: list[Path], *, strict: bool = True) -> dict[str, object]:
    text = render_sarif(validate_files(paths, strict=strict))
    document: dict[str, object] = json.loads(text)
    return document


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize(
    "paths",
    [[W104], [TWO_ERRORS], [ENTRY_WAIVER, MINIMAL], [ROOT / "cases" / "ice-irs.yaml"]],
    ids=["warnings", "errors", "waived", "ice-irs"],
)
def test_sarif_validates_against_the_sarif_2_1_0_schema(paths: list[Path]) -> None:
    document = sarif_of([Path(relative(p)) for p in paths])
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert [e.message for e in errors] == []


def test_the_vendored_schema_is_the_sarif_2_1_0_schema() -> None:
    assert SARIF_SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.validators.validator_for(SARIF_SCHEMA).check_schema(SARIF_SCHEMA)


def test_sarif_schema_rejects_what_code_scanning_would() -> None:
    """The schema test can fail: a result without a message is not SARIF."""
    document = sarif_of([W104])
    runs = document["runs"]
    assert isinstance(runs, list)
    del runs[0]["results"][0]["message"]
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
    assert list(validator.iter_errors(document)) != []


def test_sarif_has_one_rule_per_registry_code_with_its_help() -> None:
    run_ = sarif_of([W104])["runs"][0]  # type: ignore[index]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    for descriptor, rule in zip(rules, RULES, strict=True):
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.explanation
        assert rule.explanation in descriptor["help"]["text"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert (levels["PIA-E010"], levels["PIA-W104"], levels["PIA-W107"]) == (
        "error",
        "warning",
        "note",
    )


@pytest.mark.usefixtures("at_root")
def test_sarif_results_point_into_the_yaml() -> None:
    run_ = sarif_of([Path(relative(TWO_ERRORS))])["runs"][0]  # type: ignore[index]
    found = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run_["results"]
    ]
    uri = "tests/data/invalid/two-schema-errors.yaml"
    assert found == [("PIA-E012", "error", uri, 19, 11), ("PIA-E010", "error", uri, 41, 5)]
    rules = run_["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run_["results"])


def test_sarif_waived_finding_is_suppressed_with_the_reason() -> None:
    results = sarif_of([ENTRY_WAIVER])["runs"][0]["results"]  # type: ignore[index]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in suppressed] == [
        44
    ]
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "inSource"
    assert suppression["justification"].startswith("The sources (S1)")


def test_sarif_fingerprints_survive_lines_added_above(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"

    def prints() -> list[tuple[str, int, str]]:
        results = sarif_of([path])["runs"][0]["results"]  # type: ignore[index]
        return [
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"][FINGERPRINT_KEY],
            )
            for r in results
        ]

    shutil.copy(W104, path)
    old = prints()
    path.write_text("# a comment\n# and another\n" + W104.read_text("utf-8"), "utf-8")
    new = prints()
    assert [(code, line + 2, fp) for code, line, fp in old] == new
    assert len({fp for _code, _line, fp in new}) == len(new)


def test_sarif_is_reproducible() -> None:
    assert render_sarif(validate_files([W104], strict=True)) == render_sarif(
        validate_files([W104], strict=True)
    )


# --- GitHub annotations ----------------------------------------------------------------------

GITHUB_LINES = [
    (
        Diagnostic("c.yaml", 3, 5, "PIA-E010", "unknown field 'chanel'", None),
        "::error file=c.yaml,line=3,col=5,title=PIA-E010 unknown-field::unknown field 'chanel'",
    ),
    (
        Diagnostic("c.yaml", 7, 1, "PIA-W107", "flows: 2 facts are unknown", None, Severity.INFO),
        "::notice file=c.yaml,line=7,col=1,title=PIA-W107 unknown-facts"
        "::flows: 2 facts are unknown",
    ),
    (
        Diagnostic("a,b:c.yaml", 1, 1, "PIA-W104", "100% sure\nnot", "hint", Severity.WARNING),
        "::warning file=a%2Cb%3Ac.yaml,line=1,col=1,title=PIA-W104 flow-without-authority"
        "::100%25 sure%0Anot; hint",
    ),
]


@pytest.mark.parametrize(("diagnostic", "line"), GITHUB_LINES)
def test_github_workflow_command(diagnostic: Diagnostic, line: str) -> None:
    assert github_line(diagnostic) == line


@pytest.mark.usefixtures("at_root")
def test_github_format_prints_only_workflow_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--format", "github", "--strict", relative(W104))
    assert (code, err) == (1, "")
    # the stale date, the left-out authority list as an unknown fact (a notice), one W104 (the
    # flow known to rest on none)
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == [
        "::warning",
        "::notice",
        "::warning",
    ]


# --- [tool.pia] in pyproject.toml ------------------------------------------------------------


def project(tmp_path: Path, settings: str) -> Path:
    """A project folder with a pyproject.toml and the W104 fixture as cases/case.yaml."""
    (tmp_path / "pyproject.toml").write_text(settings, "utf-8")
    case = tmp_path / "cases" / "case.yaml"
    case.parent.mkdir()
    shutil.copy(W104, case)
    return case


def codes(path: Path) -> list[str]:
    from datetime import date

    (checked,) = validate_files([path], strict=True, today=date(2025, 12, 1))
    # warnings only: the fixture's left-out authority list is also an unknown fact (PIA-W107,
    # info), which is not what selecting and ignoring codes is about
    return [d.code for d in checked.diagnostics if d.severity != Severity.INFO]


SETTINGS = [
    ("", ["PIA-W104"]),
    ('[project]\nname = "x"\n', ["PIA-W104"]),
    ('[tool.pia]\nignore = ["PIA-W104"]\n', []),
    ('[tool.pia]\nignore = ["flow-without-authority"]\n', []),
    ('[tool.pia]\nignore = ["PIA-W1"]\n', []),
    ('[tool.pia]\nselect = ["PIA-W102"]\n', []),
    ('[tool.pia]\nselect = ["PIA-W104"]\n', ["PIA-W104"]),
    ('[tool.pia.per-file-ignores]\n"cases/*.yaml" = ["PIA-W104"]\n', []),
    ('[tool.pia.per-file-ignores]\n"other/*.yaml" = ["PIA-W104"]\n', ["PIA-W104"]),
]


@pytest.mark.parametrize(("settings", "expected"), SETTINGS)
def test_settings_select_and_ignore(tmp_path: Path, settings: str, expected: list[str]) -> None:
    assert codes(project(tmp_path, settings)) == expected


def test_settings_are_found_by_walking_up(tmp_path: Path) -> None:
    case = project(tmp_path, '[tool.pia]\nignore = ["PIA-W104"]\n')
    (case.parent / "pyproject.toml").write_text('[project]\nname = "inner"\n', "utf-8")
    assert codes(case) == []  # the inner file has no [tool.pia]: passed over


BAD_SETTINGS = [
    ('[tool.pia]\nignored = ["PIA-W104"]\n', 2),
    ('[tool.pia]\nignore = "PIA-W104"\n', 2),
    ('[tool.pia]\nignore = ["PIA-E010"]\n', 2),
    ('[tool.pia]\nselect = ["nonsense"]\n', 2),
    ('[tool.pia.per-file-ignores]\n"*.yaml" = ["PIA-W999"]\n', 1),
]


@pytest.mark.parametrize(("settings", "line"), BAD_SETTINGS)
def test_bad_settings_are_one_located_error_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: str, line: int
) -> None:
    case = project(tmp_path, settings)
    code, _out, err = run(capsys, "--strict", str(case))
    assert code == 2
    (first, *rest) = err.splitlines()
    assert first.startswith(f"{tmp_path / 'pyproject.toml'}:{line}:1: error: ")
    assert first.endswith("[PIA-E060]")
    assert "Traceback" not in err
    # the case is still linted, without the settings (W106: validate reads the clock)
    assert {r.rsplit(" ", 1)[-1] for r in rest} <= {"[PIA-W104]", "[PIA-W106]", "[PIA-W107]"}
    assert any("[PIA-W104]" in r for r in rest)
