"""``load_located``: YAML text -> plain data, with 1-based positions, pia's narrow scalar rules and
limits that make hostile input cheap to refuse."""

from __future__ import annotations

import contextlib
import time

import pytest

import pia.load.located
from pia.load.located import MAX_BYTES, Located, Position, load_located
from pia.model.diagnostics import DiagnosticError


def load(text: str | bytes) -> Located:
    return load_located(text, "case.yaml")


def value_of(yaml_value: str) -> object:
    """What a scalar written as ``key: <yaml_value>`` loads as."""
    data = load(f"key: {yaml_value}\n").data
    assert isinstance(data, dict)
    return data["key"]


def problems(text: str | bytes) -> list[tuple[str, int, int]]:
    with pytest.raises(DiagnosticError) as info:
        load(text)
    return [(d.code, d.line, d.col) for d in info.value.diagnostics]


def alias_bomb(levels: int = 9) -> str:
    """Billion laughs: each level is ten aliases of the one before; 10**9 strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


# --- positions -------------------------------------------------------------------------------


def test_key_positions_are_one_based() -> None:
    located = load("id: x\nparties:\n  - name: A\n")
    assert located.keys[("id",)] == Position(1, 1)
    assert located.keys[("parties", 0, "name")] == Position(3, 5)


def test_value_positions_are_one_based() -> None:
    located = load("id: x\nparties:\n  - name: A\n")
    assert located.values[("id",)] == Position(1, 5)
    assert located.values[("parties", 0)] == Position(3, 5)
    assert located.values[("parties", 0, "name")] == Position(3, 11)


def test_flow_sequence_items_have_their_own_positions() -> None:
    located = load("sources: [S1, S2]\n")
    assert located.values[("sources", 1)] == Position(1, 15)


def test_value_at_falls_back_to_the_deepest_existing_parent() -> None:
    located = load("flows:\n  - id: f1\n")
    assert located.value_at(("flows", 0, "bulk")) == Position(2, 5)


# --- scalars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "loaded"), [("true", True), ("false", False)])
def test_true_and_false_are_booleans(written: str, loaded: bool) -> None:
    assert value_of(written) is loaded


@pytest.mark.parametrize("written", ["no", "yes", "on", "off", "NO", "Yes", "y", "n"])
def test_yaml_1_1_booleans_stay_strings(written: str) -> None:
    assert value_of(written) == written


@pytest.mark.parametrize("written", ['"12"', "'12'", '"1.5"', '"true"', '"null"', "'~'"])
def test_quoted_scalars_stay_strings(written: str) -> None:
    assert value_of(written) == written[1:-1]


def test_str_tag_keeps_a_number_as_a_string() -> None:
    assert value_of("!!str 12") == "12"


@pytest.mark.parametrize("written", ["2025-06-01", "2025-06-01T10:00:00Z", "2025-06"])
def test_dates_stay_strings(written: str) -> None:
    assert value_of(written) == written


@pytest.mark.parametrize(
    ("written", "loaded"), [("12", 12), ("-3", -3), ("1_000", 1000), ("1.5", 1.5)]
)
def test_plain_numbers_are_numbers(written: str, loaded: float) -> None:
    assert value_of(written) == loaded


@pytest.mark.parametrize("written", ["0777", "0x1F", "1:30"])
def test_yaml_1_1_octal_hex_and_sexagesimal_stay_strings(written: str) -> None:
    assert value_of(written) == written


@pytest.mark.parametrize("written", ["null", "~", ""])
def test_null_forms_are_none(written: str) -> None:
    assert value_of(written) is None


# --- YAML features pia refuses ---------------------------------------------------------------


def test_duplicate_key_message_names_the_first_line() -> None:
    with pytest.raises(DiagnosticError) as info:
        load("id: a\ntitle: T\nid: b\n")
    (problem,) = info.value.diagnostics
    assert (problem.code, problem.line, problem.col) == ("PIA-E002", 3, 1)
    assert "line 1" in problem.message


def test_every_duplicate_key_is_reported() -> None:
    assert problems("a: 1\nb: 2\na: 3\nb: 4\n") == [("PIA-E002", 3, 1), ("PIA-E002", 4, 1)]


def test_alias_is_reported_at_the_alias() -> None:
    assert problems("a: &x 1\nb: *x\n") == [("PIA-E003", 2, 4)]


def test_alias_bomb_is_refused_quickly() -> None:
    start = time.perf_counter()
    codes = {code for code, _, _ in problems(alias_bomb(levels=9))}
    assert time.perf_counter() - start < 1.0
    assert codes == {"PIA-E003"}


def test_unsafe_python_tag_is_refused() -> None:
    assert problems("a: !!python/object/apply:os.system [ls]\n") == [("PIA-E005", 1, 4)]


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_document_is_refused(text: str) -> None:
    assert problems(text) == [("PIA-E007", 1, 1)]


@pytest.mark.parametrize("text", ["just text\n", "42\n", "- a\n- b\n"])
def test_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    assert problems(text) == [("PIA-E007", 1, 1)]


@pytest.mark.parametrize("key", ["1", "true", "null", "~", "[a, b]"])
def test_non_string_key_is_refused(key: str) -> None:
    assert [code for code, _, _ in problems(f"{key}: x\n")] == ["PIA-E008"]


@pytest.mark.parametrize("key", ["no", "yes", "on", "NO", '"1"'])
def test_keys_that_yaml_1_1_reads_as_booleans_or_quoted_numbers_are_strings(key: str) -> None:
    assert load(f"{key}: x\n").data == {key.strip('"'): "x"}


def test_an_unclosed_list_points_at_its_opening_bracket() -> None:
    assert problems("a: [1, 2\nb: 3\n") == [("PIA-E001", 1, 4)]


def test_an_unclosed_quote_points_at_its_opening_line_not_the_end_of_the_file() -> None:
    assert problems('a: x\nb: "never closed\nc: y\nd: z\n') == [("PIA-E001", 2, 4)]


def test_libyaml_messages_are_put_in_plain_words_with_a_hint() -> None:
    with pytest.raises(DiagnosticError) as info:
        load('a: x\nb: "never closed\n')
    (problem,) = info.value.diagnostics
    assert problem.message.startswith("a quoted value opened here is never closed")
    assert problem.hint is not None


def test_tab_indentation_is_a_syntax_error() -> None:
    assert problems("a:\n\t- 1\n") == [("PIA-E001", 2, 1)]


# --- limits ----------------------------------------------------------------------------------


def test_input_over_the_size_limit_is_refused() -> None:
    text = "a: " + "x" * MAX_BYTES + "\n"
    assert problems(text) == [("PIA-E006", 1, 1)]


def test_size_limit_counts_utf8_bytes_not_characters() -> None:
    text = "a: " + "é" * (MAX_BYTES // 2 + 1) + "\n"  # fewer characters than the limit
    assert len(text) < MAX_BYTES
    assert problems(text) == [("PIA-E006", 1, 1)]


def test_node_count_over_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pia.load.located, "MAX_NODES", 50)
    text = "items: [" + ", ".join(["1"] * 49) + "]\n"  # 51 nodes
    assert problems(text) == [("PIA-E006", 1, 1)]


def test_node_count_at_the_cap_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pia.load.located, "MAX_NODES", 50)
    text = (
        "items: [" + ", ".join(["1"] * 48) + "]\n"
    )  # the root, the list, 48 items; keys don't count
    assert load(text).data == {"items": [1] * 48}


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    assert [code for code, _, _ in problems("a: " + "[" * 5000 + "]" * 5000 + "\n")] == ["PIA-E001"]


def test_bytes_that_are_not_utf8_are_a_syntax_error() -> None:
    assert [code for code, _, _ in problems(b"a: \xff\n")] == ["PIA-E001"]


# --- known bugs ------------------------------------------------------------------------------


def test_huge_integer_is_not_a_crash() -> None:
    with contextlib.suppress(DiagnosticError):  # a string or a located problem are both fine
        load("a: " + "1" * 5000 + "\n")


def test_lone_surrogate_is_a_diagnostic_not_a_crash() -> None:
    assert [code for code, _, _ in problems("a: \ud800\n")] == ["PIA-E001"]


def test_control_character_is_located_at_its_line_and_column() -> None:
    assert problems("a: 1\nb: \x01\n") == [("PIA-E001", 2, 4)]


def test_control_character_message_is_one_line() -> None:
    with pytest.raises(DiagnosticError) as info:
        load("a: \x01\n")
    assert all("\n" not in d.format() for d in info.value.diagnostics)


def test_node_cap_stops_before_the_whole_file_is_composed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pia.load.located, "MAX_NODES", 10)
    text = "[" + "1," * 200_000 + "]\n"
    start = time.perf_counter()
    assert problems(text) == [("PIA-E006", 1, 1)]
    assert time.perf_counter() - start < 0.1
