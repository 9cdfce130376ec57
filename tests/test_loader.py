"""Loading cases: the table of malformed files, the real cases, partial dates, and a fuzz test.

Each file in ``tests/data/invalid`` starts with the diagnostics it must produce, one per line:

    # expect: PIA-E012 39:11

Tests compare codes and positions, never wording (as yamllint and sqlfluff do), so a message can be
reworded without touching a test. A ``# xfail: reason`` line marks a known bug in pia.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from expectations import expected_problems, fixture_param
from helpers import ROOT
from pia.load.case import load_case, load_case_text
from pia.load.files import read_text
from pia.load.located import load_located
from pia.load.references import iter_refs
from pia.load.schema import as_tuples, schema_diagnostics
from pia.model.case import ID_SECTIONS, Case
from pia.model.common import Model, Ref, partial_end, partial_start
from pia.model.diagnostics import RULES_BY_CODE, Diagnostic, DiagnosticError

INVALID_DIR = ROOT / "tests" / "data" / "invalid"
INVALID = sorted(INVALID_DIR.glob("*.yaml"))
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
REAL_CASES = [ROOT / "cases" / "ice-irs.yaml", ROOT / "cases" / "irs-state-exchange.yaml"]


def diagnostics_of(path: Path) -> list[Diagnostic]:
    """Every diagnostic loading ``path`` produces (none if it loads)."""
    try:
        load_case(path)
    except DiagnosticError as exc:
        return exc.diagnostics
    return []


def minimal_with(minimal_text: str, old: str, new: str) -> str:
    assert old in minimal_text
    return minimal_text.replace(old, new, 1)


# --- the table of malformed cases ------------------------------------------------------------


def test_every_invalid_fixture_declares_what_it_expects() -> None:
    assert INVALID
    assert [p.name for p in INVALID if not expected_problems(p)] == []


@pytest.mark.parametrize("path", [fixture_param(p) for p in INVALID])
def test_invalid_case_reports_expected_problems(path: Path) -> None:
    found = sorted((d.code, d.line, d.col) for d in diagnostics_of(path))
    assert found == expected_problems(path)


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_diagnostic_formats_as_one_located_line(path: Path) -> None:
    line = re.compile(rf"{re.escape(str(path))}:\d+:\d+: error: [^\n]+ \[PIA-E\d{{3}}\]")
    for diagnostic in diagnostics_of(path):
        assert line.fullmatch(diagnostic.format()), diagnostic.format()


def test_problems_are_reported_in_file_order() -> None:
    diagnostics = diagnostics_of(INVALID_DIR / "two-schema-errors.yaml")
    assert [d.line for d in diagnostics] == sorted(d.line for d in diagnostics)


def test_unknown_field_suggests_the_closest_field() -> None:
    (problem,) = diagnostics_of(INVALID_DIR / "e010-unknown-field.yaml")
    assert "did you mean 'channel'?" in problem.format()


def test_dangling_reference_suggests_the_closest_id() -> None:
    (problem,) = diagnostics_of(INVALID_DIR / "e020-dangling-party.yaml")
    assert "did you mean 'receiver'?" in problem.format()


def test_schema_and_reference_errors_come_in_one_run_and_in_plain_words() -> None:
    problems = diagnostics_of(INVALID_DIR / "schema-and-reference-errors.yaml")
    assert [d.code for d in problems] == ["PIA-E020", "PIA-E012"]
    assert "expected a list of ids" in problems[1].message
    assert "valid tuple" not in problems[1].message


def test_a_misspelt_value_suggests_the_closest_allowed_one() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace("kind: agreement", "kind: agreemnt", 1)
    with pytest.raises(DiagnosticError) as info:
        load_case_text(text, "misspelt.yaml")
    (problem,) = info.value.diagnostics
    assert problem.message.startswith("sources.0.kind: expected one of: statute,")
    assert problem.message.endswith("did you mean 'agreement'?")


def test_a_fact_dated_after_as_of_loads_when_its_entry_is_marked_planned() -> None:
    text = (INVALID_DIR / "e023-date-after-as-of.yaml").read_text(encoding="utf-8")
    planned = text.replace(
        "      - status: stated\n", "      - status: stated\n        planned: true\n"
    )
    assert planned != text
    case = load_case_text(planned, "planned.yaml")
    assert case.safeguards[0].status[0].planned


def test_the_sign_off_date_may_follow_as_of() -> None:
    text = (
        MINIMAL.read_text(encoding="utf-8")
        + "sign_off: {prepared_by: A. Analyst, date: 2025-07-01}\n"
    )
    assert load_case_text(text, "signed.yaml").sign_off is not None


class _MaybeUnknownList(Model):
    """A list of references that may also be written ``unknown``, as the open-world format
    allows, and a list of an enumeration."""

    subjects: tuple[Annotated[str, Ref("subject")], ...] | Literal["unknown"] = ()
    roles: tuple[Literal["discloser", "recipient"], ...] = ()


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "subjects: everyone\n",
            ["subjects: expected a list of ids or `unknown` (write [] for none), found 'everyone'"],
        ),
        ("subjects: [1]\n", ["subjects.0: expected text, found 1"]),
        (
            "roles: [recipeint]\n",
            [
                "roles.0: expected one of: discloser, recipient, found 'recipeint'; "
                "did you mean 'recipient'?"
            ],
        ),
    ],
)
def test_a_list_that_may_be_unknown_fails_in_one_plain_message(
    text: str, messages: list[str]
) -> None:
    located = load_located(text, "x.yaml")
    with pytest.raises(ValidationError) as info:
        _MaybeUnknownList.model_validate(as_tuples(located.data))
    found = schema_diagnostics(info.value, located, _MaybeUnknownList)
    assert [d.message for d in found] == messages


def test_duplicate_id_names_the_first_declaration() -> None:
    (problem,) = diagnostics_of(INVALID_DIR / "e021-duplicate-id.yaml")
    assert "first at line 21" in problem.message


# --- valid input -----------------------------------------------------------------------------


def test_minimal_case_loads() -> None:
    case = load_case(MINIMAL)
    assert (case.id, len(case.flows), case.as_of) == ("minimal", 1, date(2025, 6, 1))


def test_country_code_no_loads_as_a_string(minimal_text: str) -> None:
    old = "publisher: Department of the Treasury"
    case = load_case_text(minimal_with(minimal_text, old, "publisher: NO"), "case.yaml")
    assert case.sources[0].publisher == "NO"


def test_bulk_may_be_unknown(minimal_text: str) -> None:
    case = load_case_text(minimal_with(minimal_text, "bulk: false", "bulk: unknown"), "case.yaml")
    assert case.flows[0].bulk == "unknown"


def test_missing_file_is_a_located_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as info:
        read_text(tmp_path / "absent.yaml")
    assert [(d.code, d.line, d.col) for d in info.value.diagnostics] == [("PIA-E009", 1, 1)]


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: x\ntitle: caf\xe9\n")
    with pytest.raises(DiagnosticError) as info:
        read_text(path)
    assert [(d.code, d.line, d.col) for d in info.value.diagnostics] == [("PIA-E001", 2, 11)]


# --- the real cases --------------------------------------------------------------------------


def case_param(path: Path) -> object:
    absent = pytest.mark.skipif(not path.exists(), reason=f"{path.name} is not written yet")
    return pytest.param(path, id=path.stem, marks=[absent])


CASES = [case_param(p) for p in [MINIMAL, *REAL_CASES]]


def sourced_entries(
    obj: object, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str, object, object]]:
    """``(where, confidence, sources)`` of every model in the tree that has both fields."""
    if isinstance(obj, BaseModel):
        fields = type(obj).model_fields
        if "sources" in fields and "confidence" in fields:
            values = obj.model_dump(include={"sources", "confidence"})
            yield ".".join(map(str, path)), values["confidence"], values["sources"]
        for name in fields:
            yield from sourced_entries(getattr(obj, name), (*path, name))
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from sourced_entries(item, (*path, i))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from sourced_entries(item, (*path, key))


def declared_entry_ids(case: Case) -> list[str]:
    ids = [entry.id for section in ID_SECTIONS for entry in getattr(case, section)]
    return ids + [ruling.id for suit in case.litigation for ruling in suit.rulings]


@pytest.mark.parametrize("path", [case_param(p) for p in REAL_CASES])
def test_real_case_loads(path: Path) -> None:
    assert isinstance(load_case(path), Case)


@pytest.mark.parametrize("path", CASES)
def test_every_declared_source_is_cited(path: Path) -> None:
    case = load_case(path)
    cited = {ident for _, kind, ident in iter_refs(case) if kind == "source"}
    assert sorted({s.id for s in case.sources} - cited) == []


@pytest.mark.parametrize("path", CASES)
def test_every_entry_not_unknown_has_a_source(path: Path) -> None:
    case = load_case(path)
    unsourced = [
        where
        for where, confidence, sources in sourced_entries(case)
        if confidence != "unknown" and not sources
    ]
    assert unsourced == []


@pytest.mark.parametrize("path", CASES)
def test_entry_ids_are_unique(path: Path) -> None:
    counts = Counter(declared_entry_ids(load_case(path)))
    assert [ident for ident, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("path", CASES)
def test_source_ids_are_unique(path: Path) -> None:
    counts = Counter(source.id for source in load_case(path).sources)
    assert [ident for ident, n in counts.items() if n > 1] == []


# --- partial dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "start"),
    [("2025", date(2025, 1, 1)), ("2025-05", date(2025, 5, 1)), ("2025-05-12", date(2025, 5, 12))],
)
def test_partial_start_is_the_first_day_the_date_can_mean(written: str, start: date) -> None:
    assert partial_start(written) == start


@pytest.mark.parametrize(
    ("written", "end"),
    [
        ("2025", date(2025, 12, 31)),
        ("2025-05", date(2025, 5, 31)),
        ("2025-04", date(2025, 4, 30)),
        ("2025-12", date(2025, 12, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("2025-02", date(2025, 2, 28)),
        ("2025-05-12", date(2025, 5, 12)),
    ],
)
def test_partial_end_is_the_last_day_the_date_can_mean(written: str, end: date) -> None:
    assert partial_end(written) == end


# --- fuzz: bad input is a diagnostic, never a crash ------------------------------------------

TOKENS = [
    *("id", "title", "flows", "sources", "from", "to", "bulk", "S1", "sender"),
    *(": ", ":", "- ", "-", "'", '"', "[", "]", "{", "}", ",", "?", "|", ">", "#"),
    *("&x", "*x", "&", "*", "!!", "!!str ", "!!python/object/apply:os.system ", "<<: "),
    *("---\n", "...\n", "%YAML 1.1\n", "\t", "\n", "  ", " "),
    *("true", "no", "NO", "unknown", "null", "~", "1", "1.5", "1_0", "2025-13-01", "0x1F"),
    *("é", "€", "\u2028", "\ufeff", "\x85", "😀"),
]
MINIMAL_LINES = MINIMAL.read_text(encoding="utf-8").splitlines(keepends=True)
VALUES = ["S1", "S2", "sender", "receiver", "name", "transfer", "audit-log", "unknown", "maybe"]

yamlish_text = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(st.characters(codec="utf-8"), max_size=4)),
    max_size=60,
).map("".join)


@st.composite
def mutated_minimal(draw: st.DrawFn) -> str:
    """The minimal case with a few lines deleted, duplicated, swapped, re-indented, spliced or given
    another value (often an id of the wrong kind, or one that is not declared)."""
    lines = list(MINIMAL_LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        ops = ["delete", "duplicate", "swap", "indent", "dedent", "splice", *["revalue"] * 4]
        op = draw(st.sampled_from(ops))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].removeprefix("  ")
        elif op == "revalue" and ": " in lines[i]:
            key, _, _ = lines[i].partition(": ")
            lines[i] = f"{key}: {draw(st.sampled_from(VALUES))}\n"
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)) + lines[i][at:]
        if not lines:
            break
    return "".join(lines)


def load_or_diagnostics(text: str) -> Case | list[Diagnostic]:
    """The case, or the diagnostics it was refused with; any other exception fails the test."""
    try:
        return load_case_text(text, "fuzz.yaml")
    except DiagnosticError as exc:
        return exc.diagnostics


def assert_case_or_located_diagnostics(text: str) -> None:
    result = load_or_diagnostics(text)
    if isinstance(result, Case):
        return
    assert result
    assert all(d.code in RULES_BY_CODE and d.line >= 1 and d.col >= 1 for d in result)


@settings(max_examples=200, deadline=None)
@given(yamlish_text)
def test_random_yamlish_text_loads_or_reports(text: str) -> None:
    assert_case_or_located_diagnostics(text)


@settings(max_examples=200, deadline=None)
@given(mutated_minimal())
def test_mutated_minimal_case_loads_or_reports(text: str) -> None:
    assert_case_or_located_diagnostics(text)
