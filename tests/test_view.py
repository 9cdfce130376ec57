"""The as-of view: the case as rubric expressions see it on one date.

``tests/data/engine/dated.yaml`` holds facts that start and stop: authority A1 is in force until a
court enjoins it on 2025-03-10, safeguard sg-log is stated from April 2025 and implemented from
15 May, notice N1 is in force for April only, and several entries are dated after the case's
as-of date (2025-06-01). Date rule: a partial date counts from its first day, and ``until``
excludes its own day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pia.cel.values import Unknown
from pia.engine.view import build_view
from pia.load.case import load_case, load_case_text
from pia.model.case import Case

DATED = Path(__file__).resolve().parent / "data" / "engine" / "dated.yaml"
CASE = load_case(DATED)


def view_on(day: date, case: Case = CASE) -> dict[str, Any]:
    return build_view(case, day)


def entry(view: dict[str, Any], section: str, ident: str) -> dict[str, Any] | None:
    return next((e for e in view[section] if e.get("id") == ident), None)


def ids(view: dict[str, Any], section: str) -> list[str]:
    return [e["id"] for e in view[section]]


# --- entries that do not exist yet -----------------------------------------------------------

DATED_ENTRIES = [
    # (section, id, first day it exists, as the fixture dates it)
    ("oversight", "O1", date(2025, 3, 15)),  # date: 2025-03-15
    ("litigation", "L1", date(2025, 2, 1)),  # filed: 2025-02
    ("flows", "F1", date(2025, 4, 1)),  # since: 2025-04
    ("notice", "N2", date(2025, 5, 20)),  # since: 2025-05-20
    ("safeguards", "sg-audit", date(2025, 7, 1)),  # first status since 2025-07
]


@pytest.mark.parametrize(("section", "ident", "first_day"), DATED_ENTRIES)
def test_entry_is_absent_the_day_before_it_is_dated(
    section: str, ident: str, first_day: date
) -> None:
    before = date.fromordinal(first_day.toordinal() - 1)
    assert ident not in ids(view_on(before), section)


@pytest.mark.parametrize(("section", "ident", "first_day"), DATED_ENTRIES)
def test_entry_is_present_from_the_day_it_is_dated(
    section: str, ident: str, first_day: date
) -> None:
    assert ident in ids(view_on(first_day), section)


def test_ruling_dated_after_the_date_is_absent() -> None:
    (suit,) = view_on(date(2025, 6, 1))["litigation"]
    assert [r["id"] for r in suit["rulings"]] == ["R1"]  # R2 is dated 2025-09


def test_timeline_event_dated_after_the_date_is_absent() -> None:
    assert [e["date"] for e in view_on(date(2025, 6, 1))["timeline"]] == ["2025-03-10"]


def test_flow_that_starts_after_the_date_is_absent() -> None:
    assert ids(view_on(date(2025, 6, 1)), "flows") == ["F1"]  # F2 starts 2025-08


# --- status histories ------------------------------------------------------------------------

STATED = "{status: stated, since: 2025-04, until: 2025-05-15, sources: [S1], confidence: reported}"
IMPLEMENTED = "{status: implemented, since: 2025-05-15, sources: [S1], confidence: reported}"


def with_sg_log_history(*states: str) -> Case:
    """The dated case with sg-log's status history replaced by ``states``, in that order."""
    text = DATED.read_text(encoding="utf-8")
    old = f"      - {STATED}\n      - {IMPLEMENTED}\n"
    assert old in text
    new = "".join(f"      - {state}\n" for state in states)
    return load_case_text(text.replace(old, new), "dated.yaml")


STANDING = [
    (date(2024, 1, 1), "in_force"),  # since 2024-01 counts from its first day
    (date(2025, 3, 9), "in_force"),
    (date(2025, 3, 10), "enjoined"),  # until 2025-03-10 excludes its own day
    (date(2025, 6, 1), "enjoined"),
]


@pytest.mark.parametrize(("day", "standing"), STANDING, ids=[str(d) for d, _ in STANDING])
def test_standing_in_force_on_the_date(day: date, standing: str) -> None:
    authority = entry(view_on(day), "authorities", "A1")
    assert authority is not None
    assert authority["standing"] == standing


SAFEGUARD = [
    (date(2025, 4, 1), "stated"),
    (date(2025, 5, 14), "stated"),
    (date(2025, 5, 15), "implemented"),
]


@pytest.mark.parametrize(("day", "status"), SAFEGUARD, ids=[str(d) for d, _ in SAFEGUARD])
def test_safeguard_status_in_force_on_the_date(day: date, status: str) -> None:
    safeguard = entry(view_on(day), "safeguards", "sg-log")
    assert safeguard is not None
    assert safeguard["status"] == status


def test_entry_whose_history_has_not_begun_is_absent() -> None:
    assert entry(view_on(date(2025, 3, 31)), "safeguards", "sg-log") is None


def test_history_up_to_the_date_is_kept() -> None:
    authority = entry(view_on(date(2025, 6, 1)), "authorities", "A1")
    assert authority is not None
    assert [h["status"] for h in authority["history"]] == ["in_force", "enjoined"]
    assert authority["status_sources"] == ["S2"]


def test_history_after_the_date_is_not_kept() -> None:
    authority = entry(view_on(date(2025, 3, 9)), "authorities", "A1")
    assert authority is not None
    assert [h["status"] for h in authority["history"]] == ["in_force"]


def test_status_is_unknown_when_every_state_has_ended() -> None:
    safeguard = entry(
        view_on(date(2025, 6, 1), with_sg_log_history(STATED)), "safeguards", "sg-log"
    )
    assert safeguard is not None
    assert safeguard["status"] == Unknown("safeguards[sg-log].status")


def test_flow_without_a_status_history_has_unknown_status() -> None:
    text = DATED.read_text(encoding="utf-8").replace("since: 2025-08\n", "since: 2025-05\n")
    flow = entry(view_on(date(2025, 6, 1), load_case_text(text, "f2.yaml")), "flows", "F2")
    assert flow is not None
    assert flow["status"] == Unknown("flows[F2].status")


def test_latest_started_state_wins_whatever_order_the_history_is_written_in() -> None:
    newest_first = with_sg_log_history(IMPLEMENTED, STATED.replace(", until: 2025-05-15", ""))
    safeguard = entry(view_on(date(2025, 6, 1), newest_first), "safeguards", "sg-log")
    assert safeguard is not None
    assert safeguard["status"] == "implemented"


# --- unknown values --------------------------------------------------------------------------


def test_unknown_value_becomes_a_marker_carrying_its_path() -> None:
    retention = entry(view_on(date(2025, 6, 1)), "retention", "RT1")
    assert retention is not None
    assert retention["period"] == Unknown("retention[RT1].period")


def test_defaulted_unknown_value_becomes_a_marker_too() -> None:
    flow = entry(view_on(date(2025, 6, 1)), "flows", "F1")
    assert flow is not None
    assert flow["automated_matching"] == Unknown("flows[F1].automated_matching")


def test_known_values_stay_plain() -> None:
    flow = entry(view_on(date(2025, 6, 1)), "flows", "F1")
    assert flow is not None
    assert (flow["bulk"], flow["status"]) == (False, "active")


def test_judgments_are_not_in_the_view() -> None:
    assert "judgments" not in view_on(date(2025, 6, 1))


# --- notices ---------------------------------------------------------------------------------

IN_FORCE = [
    (date(2025, 4, 1), "N1", True),
    (date(2025, 4, 30), "N1", True),
    (date(2025, 5, 1), "N1", False),  # until 2025-05 ends it on its first day
    (date(2025, 6, 1), "N1", False),
    (date(2025, 6, 1), "N2", True),
]


@pytest.mark.parametrize(("day", "ident", "in_force"), IN_FORCE)
def test_notice_in_force_on_the_date(day: date, ident: str, in_force: bool) -> None:
    notice = entry(view_on(day), "notice", ident)
    assert notice is not None
    assert notice["in_force"] is in_force


def test_views_built_from_entries_marked_for_other_dates_are_the_views_built_afresh() -> None:
    """A caller that builds views of one case on many dates keeps each entry marked once; every
    view is still the one built from nothing, and building one changes none built before."""
    dumped = CASE.model_dump(mode="json", by_alias=True)
    marked: dict[tuple[str, int], Any] = {}
    days = [date(2024, 1, 1), date(2025, 3, 10), date(2025, 4, 15), date(2025, 5, 20)]
    built = [build_view(CASE, day, dumped, marked) for day in days]
    assert marked
    assert built == [view_on(day) for day in days]
    assert dumped == CASE.model_dump(mode="json", by_alias=True)
