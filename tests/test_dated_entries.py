"""Oversight that reports, notices of unknown date, and remedies with dates.

- An oversight entry says what the activity is (``kind``) and, apart, whether it produced a
  report (``report``): an audit that published a report counts as a completed report.
- A notice's ``since`` may be ``unknown``: whether it is in force on a date is then unknown
  (unless its ``until`` has passed), never false.
- A remedy is dated like other facts: it exists for the assessment from ``since`` until
  ``until``, and a ``since`` after the case's ``as_of`` is an error unless the entry is planned.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from helpers import MINIMAL, indicator, variant
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cel.values import Unknown
from pia.engine import assess
from pia.engine.view import build_view
from pia.model.case import Case
from pia.model.diagnostics import DiagnosticError


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def state(case: Case, rubrics: list[LoadedRubric], qualified: str, ident: str, **kw: Any) -> str:
    return indicator(assess(case, rubrics, **kw), qualified, ident).state


# --- oversight: what it is, and whether it reported -------------------------------------------


def _oversight(kind: str, **fields: object) -> Case:
    def change(data: dict[str, Any]) -> None:
        data["oversight"] = [
            {
                "id": "audit",
                "body": "receiver",
                "kind": kind,
                "independent": True,
                "activity": "Audit of the transfers",
                "date": "2025-05",
                "outcome": "completed",
                "sources": ["S1"],
                "confidence": "confirmed",
                **fields,
            }
        ]

    return variant(change)


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("audit", {"report": "published"}, "true"),  # an audit that published a report
        ("audit", {"report": "issued"}, "true"),  # issued to the parties, not public
        ("audit", {"report": "none"}, "false"),
        ("audit", {}, "unknown"),  # whether it reported is not established
        ("report", {}, "true"),  # a report is a report
    ],
    ids=["audit-published", "audit-issued", "audit-no-report", "audit-report-unknown", "report"],
)
def test_an_oversight_activity_that_reported_counts_as_a_completed_report(
    kind: str, fields: dict[str, object], expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = _oversight(kind, **fields)
    assert state(case, rubrics, "core.transparency", "public-reporting") == expected


def test_an_audit_that_reported_is_still_an_audit(rubrics: list[LoadedRubric]) -> None:
    case = _oversight("audit", report="published")
    assert state(case, rubrics, "core.oversight", "independent-review") == "true"


# --- notice: since may be unknown --------------------------------------------------------------


def _notice(**fields: object) -> Case:
    def change(data: dict[str, Any]) -> None:
        data["notice"] = [
            {
                "id": "sorn",
                "kind": "sorn",
                "statement": "A system of records notice describes the transfer.",
                "provided": True,
                "covers": ["transfer"],
                "sources": ["S1"],
                "confidence": "confirmed",
                **fields,
            }
        ]

    return variant(change)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"since": "2025-01"}, "true"),
        ({"since": "unknown"}, "unknown"),  # exists, undated: in force is not established
        ({"since": "unknown", "until": "2025-03"}, "false"),  # withdrawn before the date
    ],
    ids=["dated", "since-unknown", "since-unknown-ended"],
)
def test_a_notice_of_unknown_date_is_in_force_unknown_not_false(
    fields: dict[str, object], expected: str, rubrics: list[LoadedRubric]
) -> None:
    assert state(_notice(**fields), rubrics, "core.transparency", "public-notice") == expected


def test_the_view_marks_in_force_unknown_for_a_notice_of_unknown_date() -> None:
    (notice,) = build_view(_notice(since="unknown"), date(2025, 6, 1))["notice"]
    assert notice["since"] == Unknown("notice[sorn].since")
    assert isinstance(notice["in_force"], Unknown)


# --- redress: dated like other facts -----------------------------------------------------------


def _remedy(**fields: object) -> Case:
    def change(data: dict[str, Any]) -> None:
        data["redress"] = [
            {
                "id": "complaint",
                "kind": "complaint",
                "mechanism": "Complaint to the receiving agency",
                "statement": "Anyone may complain.",
                "available": True,
                "sources": ["S1"],
                "confidence": "confirmed",
                **fields,
            }
        ]

    return variant(change)


@pytest.mark.parametrize(
    ("fields", "as_of", "expected"),
    [
        ({}, None, "true"),  # undated: applies throughout
        ({"since": "2025-03"}, None, "true"),
        ({"since": "2025-03"}, date(2025, 2, 1), "false"),  # not yet created on that date
        ({"since": "unknown"}, None, "true"),  # it exists; only its start is not dated
        ({"since": "2024", "until": "2025-04"}, None, "false"),  # withdrawn before the date
    ],
    ids=["undated", "since", "before-since", "since-unknown", "after-until"],
)
def test_a_remedy_exists_for_the_assessment_only_while_its_dates_hold(
    fields: dict[str, object], as_of: date | None, expected: str, rubrics: list[LoadedRubric]
) -> None:
    case = _remedy(**fields)
    assert state(case, rubrics, "core.redress", "remedy-available", as_of=as_of) == expected


def test_a_remedy_dated_after_as_of_is_an_error_unless_planned() -> None:
    with pytest.raises(DiagnosticError) as caught:
        _remedy(since="2062-02-05")
    assert [d.code for d in caught.value.diagnostics] == ["PIA-E023"]
    assert _remedy(since="2062-02-05", planned=True).redress[0].since == "2062-02-05"


# --- no default states a judgment ----------------------------------------------------------------


def test_a_source_left_unrated_has_reliability_unknown_not_medium() -> None:
    case = variant(lambda data: data["sources"][0].pop("reliability", None))
    assert case.sources[0].reliability == "unknown"


def test_a_flow_with_neither_status_nor_since_has_occurred_unknown() -> None:
    (flow,) = build_view(variant(lambda data: None), date(2025, 6, 1))["flows"]
    assert "since" not in MINIMAL.read_text(encoding="utf-8").split("flows:")[1].split("safe")[0]
    assert isinstance(flow["occurred"], Unknown)
