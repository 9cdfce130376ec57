"""A list with entries may be incomplete: ``{known: [...], complete: false}``.

A plain list says "these and no others"; the incomplete form says "these, and possibly others".
Indicators read the known entries and one more that nobody has described, so "every X has Y" and
"no X is Z" come out unknown unless the known entries already decide them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml

from helpers import MINIMAL, indicator, variant
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cel.values import PartialEntries
from pia.engine import assess
from pia.engine.view import build_view
from pia.load.case import load_case_text
from pia.model.case import Case
from pia.model.diagnostics import Diagnostic, DiagnosticError
from pia.model.facts import UNKNOWN_LIST, PartialList, is_partial_list
from pia.model.jsonschema import json_schema


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def state(case: Case, rubrics: list[LoadedRubric], criterion: str, ident: str) -> str:
    return indicator(assess(case, rubrics), criterion, ident).state


def authority(ident: str, standing: str) -> dict[str, Any]:
    return {
        "id": ident,
        "citation": f"Act {ident}",
        "title": f"The {ident} act",
        "kind": "statute",
        "relied_on": True,
        "standing": [{"status": standing, "sources": ["S1"], "confidence": "confirmed"}],
        "sources": ["S1"],
        "confidence": "confirmed",
    }


def authorities(entries: list[dict[str, Any]], complete: bool | None) -> Case:
    """The minimal case relying on ``entries``: a plain list (complete None), or the
    ``{known, complete}`` form."""

    def change(data: dict[str, Any]) -> None:
        data["authorities"] = (
            entries if complete is None else {"known": entries, "complete": complete}
        )

    return variant(change)


IN_FORCE = authority("act", "in_force")
ENJOINED = authority("rule", "enjoined")


# --- "every authority relied on is in force": all() ------------------------------------------


@pytest.mark.parametrize(
    ("entries", "complete", "expected"),
    [
        ([IN_FORCE], None, "true"),  # these and no others: every one is in force
        ([IN_FORCE], True, "true"),  # complete: true is the plain list
        ([IN_FORCE], False, "unknown"),  # possibly others, whose standing nobody knows
        ([IN_FORCE, ENJOINED], False, "false"),  # a known one already fails: decided
        ([], False, "unknown"),  # none known, possibly some: the same as unknown
    ],
    ids=["plain", "complete", "incomplete-undecided", "incomplete-decided", "none-known"],
)
def test_every_x_has_y_is_unknown_on_an_incomplete_list_unless_a_known_entry_decides(
    entries: list[dict[str, Any]], complete: bool | None, expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = authorities(entries, complete)
    assert state(case, rubrics, "core.legal-basis", "authority-standing") == expected


# --- "no authority relied on is blocked": exists() read as a finding of none ------------------


@pytest.mark.parametrize(
    ("entries", "complete", "expected"),
    [
        ([IN_FORCE], None, "false"),  # none of these is blocked, and there are no others
        ([IN_FORCE], False, "unknown"),  # an authority nobody has described may be blocked
        ([IN_FORCE, ENJOINED], False, "true"),  # a known one is blocked: decided
    ],
    ids=["plain", "incomplete-undecided", "incomplete-decided"],
)
def test_no_x_is_z_is_unknown_on_an_incomplete_list_unless_a_known_entry_decides(
    entries: list[dict[str, Any]], complete: bool | None, expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = authorities(entries, complete)
    assert state(case, rubrics, "core.legal-basis", "authority-blocked") == expected


# --- lists of references, and `in` -----------------------------------------------------------


def _flows(known: list[dict[str, Any]] | None, cite: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["authorities"] = [IN_FORCE]
        flow = data["flows"][0]
        flow["authorities"] = cite
        if known is not None:
            data["flows"] = {"known": [flow, *known], "complete": False}

    return change


UNCITED = {
    "id": "second",
    "title": "A second flow",
    "from": "sender",
    "to": "receiver",
    "data": ["name"],
    "authorities": [],
    "bulk": False,
    "sources": ["S1"],
    "confidence": "confirmed",
}


@pytest.mark.parametrize(
    ("known", "expected"),
    [(None, "true"), ([], "unknown"), ([UNCITED], "false")],
    ids=["complete", "incomplete-undecided", "incomplete-decided"],
)
def test_an_incomplete_section_of_flows_reaches_every_flow_cites_an_authority(
    known: list[dict[str, Any]] | None, expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = variant(_flows(known, ["act"]))
    assert state(case, rubrics, "core.legal-basis", "flows-cite-authority") == expected


def _controls(controls: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["flows"][0]["kind"] = "disclosure"  # a use restriction binds a recipient
        data["safeguards"][0]["controls"] = controls
        data["safeguards"][0]["status"][0]["status"] = "implemented"

    return change


@pytest.mark.parametrize(
    ("controls", "expected"),
    [
        (["audit_logging"], "false"),
        ({"known": ["audit_logging"], "complete": False}, "unknown"),
        ({"known": ["audit_logging", "use_restriction"], "complete": False}, "true"),
    ],
    ids=["complete", "incomplete-undecided", "incomplete-decided"],
)
def test_membership_in_an_incomplete_list_of_values_is_unknown_unless_found(
    controls: object, expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = variant(_controls(controls))
    assert state(case, rubrics, "core.purpose-limitation", "use-restricted") == expected


# --- the model, the view, the schema ---------------------------------------------------------


def test_an_incomplete_list_iterates_its_known_entries_and_differs_from_the_plain_list() -> None:
    case = authorities([IN_FORCE], False)
    assert is_partial_list(case.authorities)
    assert [a.id for a in case.authorities] == ["act"]
    assert case.authorities != authorities([IN_FORCE], None).authorities
    assert authorities([], False).authorities == UNKNOWN_LIST
    assert not is_partial_list(authorities([IN_FORCE], True).authorities)


def test_an_incomplete_list_is_written_back_in_its_own_form_and_reads_back_the_same() -> None:
    case = authorities([IN_FORCE], False)
    dumped = case.model_dump(mode="json", by_alias=True)
    assert dumped["authorities"]["complete"] is False
    assert [a["id"] for a in dumped["authorities"]["known"]] == ["act"]
    again = Case.model_validate_json(case.model_dump_json(by_alias=True))
    assert again.authorities == case.authorities
    assert isinstance(again.authorities, PartialList)


def test_the_view_keeps_an_incomplete_list_and_its_joined_entries_incomplete() -> None:
    case = variant(_flows(None, {"known": ["act"], "complete": False}))
    (flow,) = build_view(case, date(2025, 6, 1))["flows"]
    assert isinstance(flow["authorities"], PartialEntries)
    assert isinstance(flow["authority_entries"], PartialEntries)
    assert [a["id"] for a in flow["authority_entries"]] == ["act"]


def test_the_json_schema_accepts_the_incomplete_form() -> None:
    schema = json_schema("case")
    for field in (
        schema["properties"]["authorities"],
        schema["$defs"]["Flow"]["properties"]["authorities"],
    ):
        partial = next(o for o in field["anyOf"] if o.get("type") == "object")
        assert partial["required"] == ["known", "complete"]


def problems_of(text: str) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as caught:
        load_case_text(text, "bad.yaml")
    return list(caught.value.diagnostics)


@pytest.mark.parametrize(
    "value",
    [{"known": ["act"]}, {"known": ["act"], "complete": "no"}, {"known": [], "also": 1}],
    ids=["no-complete", "not-a-bool", "stray-key"],
)
def test_a_malformed_incomplete_list_is_a_located_schema_error(value: object) -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["authorities"] = [IN_FORCE]
    data["flows"][0]["authorities"] = value
    text = yaml.safe_dump(data, sort_keys=False)
    problems = problems_of(text)
    assert problems
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "known:" in t)
    assert any(p.line in (line - 1, line) for p in problems)


def test_a_dangling_reference_inside_an_incomplete_list_points_at_its_line() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["authorities"] = [IN_FORCE]
    data["flows"][0]["authorities"] = {"known": ["act", "nosuch"], "complete": False}
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    problems = problems_of(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "- nosuch" in t)
    assert [(p.code, p.line) for p in problems] == [("PIA-E020", line)]
