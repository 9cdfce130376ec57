"""CEL indicators: three-valued (Kleene) logic, ``known()``, real errors, read tracing, field paths.

Every fact the case marks ``unknown`` reaches CEL as an error value that carries its path, and CEL's
error absorption turns that into Kleene logic. The tables below are the semantics, one row a rule;
a real error (a missing key, a type mismatch) must come out as ``error``, never as a quiet FALSE,
which is the trap pytm's ``except Exception: return False`` falls into.
"""

from __future__ import annotations

import re

import pytest

from pia.cel.compile import ExprSyntaxError, compile_expression, new_environment
from pia.cel.evaluate import Outcome, evaluate
from pia.cel.values import Recorder, Truth, Unknown, to_cel

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

#: The view the table rows read: one fact of each truth value, plus an entry and some scalars.
FACTS: dict[str, object] = {
    "yes": True,
    "no": False,
    "unknown": Unknown("case.unknown"),
    "other_unknown": Unknown("case.other_unknown"),
    "count": 1,
    "name": "a",
    "entry": {"id": "E1", "stated": 1, "missing": Unknown("entries[E1].missing")},
}

_WORDS = {"true": "case.yes", "false": "case.no", "unknown": "case.unknown"}


def cel(text: str) -> str:
    """``false && unknown`` -> ``case.no && case.unknown``: the table reads as logic, not CEL."""
    return re.sub(r"\b(true|false|unknown)\b", lambda m: _WORDS[m[1]], text)


def outcome_of(source: str, view: dict[str, object] | None = None) -> Outcome:
    recorder = Recorder()
    compiled = compile_expression(source, new_environment())
    return evaluate(compiled, {"case": to_cel(view or FACTS, recorder)}, recorder)


def truth_of(source: str, view: dict[str, object] | None = None) -> Truth:
    outcome = outcome_of(source, view)
    assert outcome.error is None, outcome.error
    return outcome.truth


# --- Kleene logic ----------------------------------------------------------------------------

KLEENE = [
    ("false && unknown", F),
    ("unknown && false", F),
    ("true && unknown", U),
    ("unknown && true", U),
    ("unknown && unknown", U),
    ("true && true", T),
    ("true || unknown", T),
    ("unknown || true", T),
    ("false || unknown", U),
    ("unknown || false", U),
    ("unknown || unknown", U),
    ("false || false", F),
    ("!unknown", U),
    ("!true", F),
    ("!false", T),
    ("!(false && unknown)", T),
    ("!(true || unknown)", F),
    ("unknown == true", U),
    ("unknown in [true]", U),
]


@pytest.mark.parametrize(("logic", "expected"), KLEENE, ids=[row[0] for row in KLEENE])
def test_kleene_truth_table(logic: str, expected: Truth) -> None:
    assert truth_of(cel(logic)) is expected


def test_two_different_unknown_facts_combine_to_unknown() -> None:
    assert truth_of("case.unknown && case.other_unknown") is U


#: (elements of a case list, macro, result). ``exists`` is true as soon as one element is true,
#: ``all`` is false as soon as one is false, whatever the unknown elements are.
MACROS = [
    pytest.param((True, None), "exists", T, id="exists [true, unknown]"),
    pytest.param((None, True), "exists", T, id="exists [unknown, true]"),
    pytest.param((False, None), "exists", U, id="exists [false, unknown]"),
    pytest.param((None,), "exists", U, id="exists [unknown]"),
    pytest.param((False, False), "exists", F, id="exists [false, false]"),
    pytest.param((), "exists", F, id="exists []"),
    pytest.param((None, None, True), "exists", T, id="exists [unknown, unknown, true]"),
    pytest.param((None, None), "exists", U, id="exists [unknown, unknown]"),
    pytest.param((False, None), "all", F, id="all [false, unknown]"),
    pytest.param((None, False), "all", F, id="all [unknown, false]"),
    pytest.param((True, None), "all", U, id="all [true, unknown]"),
    pytest.param((None,), "all", U, id="all [unknown]"),
    pytest.param((True, True), "all", T, id="all [true, true]"),
    pytest.param((), "all", T, id="all []"),
    pytest.param((None, None, False), "all", F, id="all [unknown, unknown, false]"),
    pytest.param((None, None), "all", U, id="all [unknown, unknown]"),
]


@pytest.mark.parametrize(("elements", "macro", "expected"), MACROS)
def test_macro_over_a_list_with_unknown_elements(
    elements: tuple[bool | None, ...], macro: str, expected: Truth
) -> None:
    items = [Unknown(f"case.items[{i}]") if e is None else e for i, e in enumerate(elements)]
    assert truth_of(f"case.items.{macro}(x, x)", {"items": items}) is expected


def test_an_unknown_fact_gives_unknown_not_an_error() -> None:
    outcome = outcome_of(cel("true && unknown"))
    assert outcome.truth is U
    assert outcome.error is None


def test_conditional_on_an_unknown_fact_is_unknown() -> None:
    assert truth_of(cel("unknown ? true : false")) is U


# --- known() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"), [("stated", T), ("missing", F)], ids=["stated field", "unknown field"]
)
def test_known_says_whether_a_field_is_settled(field: str, expected: Truth) -> None:
    assert truth_of(f'known(case.entry, "{field}")') is expected


def test_known_is_never_unknown_itself() -> None:
    assert truth_of('!known(case.entry, "missing")') is T


def test_known_of_a_field_the_entry_lacks_is_an_error() -> None:
    outcome = outcome_of('known(case.entry, "absent")')
    assert (outcome.truth, outcome.error is not None) == (U, True)


# --- real errors are never a quiet false -----------------------------------------------------

ERRORS = [
    pytest.param("case.absent", id="missing key"),
    pytest.param("!case.absent", id="negated missing key"),
    pytest.param("case.count == 'a'", id="int compared with string"),
    pytest.param("case.name > 1", id="string ordered against int"),
    pytest.param("case.count in ['a']", id="int in list of strings"),
    pytest.param("case.count", id="int where a truth value is expected"),
    pytest.param("known(case.name, 'a')", id="known() of a non-entry"),
    pytest.param("case.unknown && case.absent", id="error beside an unknown"),
    pytest.param("case.absent || case.unknown", id="unknown beside an error"),
    pytest.param(
        "case.yes == 'true'",
        id="bool compared with string",
    ),
]


@pytest.mark.parametrize("source", ERRORS)
def test_runtime_error_is_reported_never_false(source: str) -> None:
    outcome = outcome_of(source)
    assert outcome.error is not None
    assert outcome.truth is U


def test_runtime_error_is_not_mistaken_for_an_unknown_fact() -> None:
    outcome = outcome_of("case.absent")
    assert outcome.truth is U
    assert outcome.error is not None


# --- read tracing ----------------------------------------------------------------------------

ENTRIES: dict[str, object] = {
    "flows": [
        {"id": "F1", "bulk": True, "title": "one"},
        {"id": "F2", "bulk": Unknown("flows[F2].bulk"), "title": "two"},
    ],
    "retention": [{"id": "R1", "period": Unknown("retention[R1].period")}],
}


def test_reads_are_recorded_as_entry_and_field() -> None:
    reads = outcome_of("case.flows.exists(f, f.bulk == false)", ENTRIES).reads
    assert reads == {("F1", "bulk"), ("F2", "bulk")}


def test_known_records_the_field_it_asks_about() -> None:
    reads = outcome_of('case.retention.exists(r, known(r, "period"))', ENTRIES).reads
    assert reads == {("R1", "period")}


def test_fields_not_read_are_not_recorded() -> None:
    reads = outcome_of("size(case.flows) == 2", ENTRIES).reads
    assert reads == frozenset()


def test_each_evaluation_starts_a_fresh_record() -> None:
    recorder = Recorder()
    env = new_environment()
    activation = {"case": to_cel(ENTRIES, recorder)}
    evaluate(compile_expression("case.flows.exists(f, f.bulk)", env), activation, recorder)
    second = evaluate(
        compile_expression('case.flows.exists(f, f.title == "x")', env), activation, recorder
    )
    assert second.reads == {("F1", "title"), ("F2", "title")}


# --- static field paths ----------------------------------------------------------------------

PATHS = [
    ("size(case.flows) > 0", {"case.flows"}),
    ("case.flows.exists(f, f.bulk == true)", {"case.flows", "case.flows[].bulk"}),
    (
        "case.flows.exists(f, f.subjects.exists(s, "
        'case.subjects.exists(x, x.id == s && x.vulnerability == "high")))',
        {
            "case.flows",
            "case.flows[].subjects",
            "case.subjects",
            "case.subjects[].id",
            "case.subjects[].vulnerability",
        },
    ),
    (
        'case.litigation.exists(l, l.rulings.exists(r, r.kind == "tro"))',
        {"case.litigation", "case.litigation[].rulings", "case.litigation[].rulings[].kind"},
    ),
    (
        "size(case.oversight.filter(o, o.independent)) >= 3",
        {"case.oversight", "case.oversight[].independent"},
    ),
    ("case.flows.map(f, f.bulk).exists(b, b)", {"case.flows", "case.flows[].bulk"}),
    ('case.knowledge_cutoff.latest_fact == "2025"', {"case.knowledge_cutoff.latest_fact"}),
    pytest.param(
        "case.flows[0].bulk == true",
        {"case.flows", "case.flows[].bulk"},
    ),
]


@pytest.mark.parametrize(
    ("source", "paths"),
    PATHS,
    ids=lambda value: value if isinstance(value, str) and len(value) < 45 else None,
)
def test_field_paths_follow_macro_bound_variables(source: str, paths: set[str]) -> None:
    assert set(compile_expression(source, new_environment()).paths) == paths


# --- syntax errors ---------------------------------------------------------------------------

SYNTAX = [
    ("case.flows == = true", 1, 15),
    ("case.flows.exists(f,\n  f.bulk = = true)", 2, 10),
    ("case.flows &&", 1, 12),
]


@pytest.mark.parametrize(
    ("source", "line", "col"), SYNTAX, ids=["first line", "second line", "cut short"]
)
def test_syntax_error_has_line_and_column(source: str, line: int, col: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        compile_expression(source, new_environment())
    assert (info.value.line, info.value.col) == (line, col)


# --- a compiled expression evaluated again ----------------------------------------------------
# pia keeps the value of a literal (or a list of literals) on its syntax-tree node after the
# first evaluation; nothing that reads the case may be kept.


def evaluate_again(source: str, views: list[dict[str, object]]) -> list[Truth]:
    compiled = compile_expression(source, new_environment())
    truths = []
    for view in views:
        recorder = Recorder()
        outcome = evaluate(compiled, {"case": to_cel(view, recorder)}, recorder)
        assert outcome.error is None, outcome.error
        truths.append(outcome.truth)
    return truths


def test_a_list_of_literals_gives_the_same_answers_on_every_evaluation() -> None:
    views: list[dict[str, object]] = [{"name": "a"}, {"name": "c"}, {"name": "b"}]
    assert evaluate_again('case.name in ["a", "b"]', views) == [T, F, T]


def test_a_list_that_reads_the_case_is_evaluated_afresh_each_time() -> None:
    views: list[dict[str, object]] = [
        {"name": "a", "other": "a"},
        {"name": "a", "other": "z"},
        {"name": "z", "other": "z"},
    ]
    assert evaluate_again('case.name in [case.other, "b"]', views) == [T, F, T]


def test_a_parenthesised_fact_is_not_taken_for_a_constant() -> None:
    views: list[dict[str, object]] = [{"yes": True}, {"yes": False}]
    assert evaluate_again("(case.yes) == true", views) == [T, F]
