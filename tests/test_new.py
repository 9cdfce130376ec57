"""``pia new``: the skeleton validates as written, holds every section, and nothing is overwritten.

The skeleton is a pure function of its inputs (:func:`pia.scaffold.skeleton`); the command only
asks questions at a terminal, checks the target and writes it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import pia.cli.new as new_command
from pia.authoring.new import SCHEMA_LINE, Answers, quote, skeleton
from pia.cli import cli, main
from pia.load.case import load_case_text
from pia.load.located import load_located
from pia.model.case import Case
from pia.model.facts import is_unknown_list

TODAY = date(2025, 6, 1)
#: ``section: unknown`` (or ``[]``, ``{}``) followed by a commented example, indented under it.
EXAMPLE = re.compile(r"^(?P<key>\w+): (?:unknown|\[\]|\{\})\n(?P<body>(?:#   .*\n)+)", re.MULTILINE)


def text_of(case_id: str = "acme-benefits", title: str | None = None, **answers: str) -> str:
    return skeleton(case_id, title, TODAY, Answers(**answers))


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder, so ``cases/`` is never the repository's."""
    monkeypatch.chdir(tmp_path)


def run_new(*args: str, user_input: str | None = None) -> tuple[int, str]:
    """``pia new ARGS`` with no terminal attached (CliRunner's stdin is not a TTY)."""
    result = CliRunner().invoke(cli, ["new", *args], input=user_input)
    return result.exit_code, result.output


# --- the skeleton ----------------------------------------------------------------------------


def test_skeleton_validates_as_written() -> None:
    case = load_case_text(text_of(), "cases/acme-benefits.yaml")
    assert case.id == "acme-benefits"
    assert case.as_of == TODAY


def test_skeleton_first_line_points_editors_at_the_schema() -> None:
    assert text_of().splitlines()[0] == SCHEMA_LINE


def test_skeleton_has_every_section_in_format_order() -> None:
    data = load_located(text_of(), "x.yaml").data
    assert isinstance(data, dict)
    assert list(data) == [info.alias or name for name, info in Case.model_fields.items()]


def test_every_section_has_a_hint_comment() -> None:
    lines = text_of().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\w+:", line):
            key = line.split(":")[0]
            assert lines[i - 1].startswith(f"# {key}: "), key


def test_commented_examples_validate_when_uncommented() -> None:
    text = text_of()
    examples = list(EXAMPLE.finditer(text))
    assert {m["key"] for m in examples} >= {
        "systems",
        "oversight",
        "litigation",
        "risks",
        "judgments",
    }
    for m in examples:
        body = "".join(line[2:] + "\n" for line in m["body"].splitlines())
        case = load_case_text(text.replace(m.group(), f"{m['key']}:\n{body}"), "x.yaml")
        assert getattr(case, m["key"]), m["key"]


def test_facts_start_unknown() -> None:
    case = load_case_text(text_of(), "x.yaml")
    assert case.flows[0].confidence == "unknown"
    assert case.flows[0].bulk == "unknown"
    assert case.retention[0].period == "unknown"
    assert case.notice[0].provided == "unknown"


def test_sections_without_entries_start_unknown_not_empty() -> None:
    """Open world: the skeleton never says "none" for the author; `[]` is theirs to write."""
    case = load_case_text(text_of(), "x.yaml")
    for section in ("systems", "oversight", "litigation", "disputes", "timeline", "risks"):
        assert is_unknown_list(getattr(case, section)), section
    flow = case.flows[0]
    assert is_unknown_list(flow.via)
    assert is_unknown_list(flow.systems)
    assert (flow.kind, flow.direction) == ("unknown", "unknown")
    assert case.data[0].sensitivity == "unknown"
    assert is_unknown_list(case.safeguards[0].controls)


def test_answers_name_the_parties_and_become_their_ids() -> None:
    case = load_case_text(
        text_of(discloser="Internal Revenue Service", recipient="ICE", data="Home addresses"),
        "x.yaml",
    )
    assert [(p.id, p.name) for p in case.parties] == [
        ("internal-revenue-service", "Internal Revenue Service"),
        ("ice", "ICE"),
    ]
    assert case.flows[0].from_ == "internal-revenue-service"
    assert case.flows[0].data == ("home-addresses",)


def test_same_names_get_distinct_ids() -> None:
    case = load_case_text(text_of(discloser="IRS", recipient="IRS", data="Main flow"), "x.yaml")
    assert [p.id for p in case.parties] == ["irs", "irs-2"]
    assert case.data[0].id == "main-flow-2"  # main-flow is the example flow's id


def test_unanswered_parties_get_role_ids() -> None:
    case = load_case_text(text_of(), "x.yaml")
    assert [p.id for p in case.parties] == ["discloser", "recipient"]
    assert all(p.name.startswith("TODO:") for p in case.parties)


@pytest.mark.parametrize("case_id", ["123", "true", "null", "1.5", "2025-01-01"])
def test_ids_yaml_would_read_as_other_types_stay_strings(case_id: str) -> None:
    assert load_case_text(text_of(case_id), "x.yaml").id == case_id


def test_skeleton_is_pure() -> None:
    assert text_of(title="T") == text_of(title="T")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_title_reads_back_unchanged(title: str) -> None:
    clean = re.sub("[\ud800-\udfff]", "\ufffd", title).strip()
    case = load_case_text(text_of(title=title, purpose=title), "x.yaml")
    assert case.title == clean
    assert case.purposes[0].statement == clean


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_quote_reads_back_as_the_same_text(text: str) -> None:
    expected = re.sub("[\ud800-\udfff]", "\ufffd", text)
    assert load_located(f"v: {quote(text)}\n", "x.yaml").data == {"v": expected}


# --- the command -----------------------------------------------------------------------------


def test_new_writes_a_file_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(new_command, "interactive", lambda: False)
    assert main(["new", "acme-benefits", "--title", 'Acme "benefits"']) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "wrote cases/acme-benefits.yaml"
    assert "pia validate --strict cases/acme-benefits.yaml" in out
    assert main(["validate", "cases/acme-benefits.yaml"]) == 0
    text = (tmp_path / "cases" / "acme-benefits.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert load_case_text(text, "x.yaml").title == 'Acme "benefits"'


def test_new_writes_into_dir(tmp_path: Path) -> None:
    code, output = run_new("acme", "--dir", str(tmp_path / "elsewhere"))
    assert code == 0, output
    assert (tmp_path / "elsewhere" / "acme.yaml").is_file()


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cases" / "acme.yaml"
    target.parent.mkdir()
    target.write_text("mine\n", encoding="utf-8")
    assert main(["new", "acme"]) == 2
    err = capsys.readouterr().err
    assert "cases/acme.yaml already exists" in err
    assert len(err.strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("bad", ["-x", "a/b", "a b", ".hidden", "x" * 81, "é"])
def test_bad_id_exits_2_and_writes_nothing(tmp_path: Path, bad: str) -> None:
    code, _output = run_new("--", bad)
    assert code == 2
    assert list(tmp_path.rglob("*.yaml")) == []


def test_empty_title_exits_2() -> None:
    code, _output = run_new("acme", "--title", "  ")
    assert code == 2


def test_no_prompt_without_a_terminal() -> None:
    code, output = run_new("acme", user_input="")
    assert code == 0, output
    assert "Title of the arrangement" not in output
    assert "Who discloses" not in output


def test_prompts_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_command, "interactive", lambda: True)
    answers = "IRS shares addresses\nIRS\nICE\nLast known address\nTo locate people\n"
    result = CliRunner().invoke(cli, ["new", "ice-irs"], input=answers)
    assert result.exit_code == 0, result.output
    case = load_case_text(Path("cases/ice-irs.yaml").read_text(encoding="utf-8"), "x.yaml")
    assert case.title == "IRS shares addresses"
    assert [p.id for p in case.parties] == ["irs", "ice"]
    assert case.data[0].id == "last-known-address"
    assert case.purposes[0].statement == "To locate people"


def test_enter_at_every_prompt_keeps_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_command, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["new", "acme", "--title", "Given"], input="\n" * 4)
    assert result.exit_code == 0, result.output
    assert "Title of the arrangement" not in result.output  # --title was given
    written = Path("cases/acme.yaml").read_text(encoding="utf-8")
    assert written == skeleton("acme", "Given", date.today(), Answers())
