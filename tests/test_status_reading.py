"""How the method reads a status history, a court order and a purpose, for any case.

Built in memory from ``tests/data/engine/dated.yaml`` (as of 2025-06-01): authority A1 in force
until a court enjoins it on 2025-03-10 (ruling R1, a preliminary injunction granted); safeguard
sg-log, whose history each test rewrites; flow F1, active from April 2025.

- An undated status (no ``since``) began on a date the sources do not give. Written after a
  dated status, it began after it and by the case's ``as_of``: from then it is in force; before
  then, which of the two is in force is unknown. It is never read as not holding.
- A past failure counts against a safeguard only while it is the last status the case knows:
  a later known status supersedes it; a later unknown one does not.
- A court order that stayed or enjoined an authority, and that no later ruling lifted, is one
  fact (``court_relief``) that every rubric reads alike, whether or not the authority's standing
  on the date is known.
- A purpose of kind ``collection`` is the purpose of collection: it is not tested for
  compatibility with itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml

from helpers import DATA, indicator
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cel.values import Unknown
from pia.engine import assess
from pia.engine.history import dated_facts
from pia.engine.view import build_view
from pia.load.case import load_case_text
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.model.diagnostics import DiagnosticError

DATED = DATA / "engine" / "dated.yaml"
AS_OF = date(2025, 6, 1)


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def dated(change: Callable[[dict[str, Any]], None]) -> Case:
    """The dated case with one change made to its data."""
    data = yaml.safe_load(DATED.read_text(encoding="utf-8"))
    change(data)
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "dated.yaml")


def state(status: str, since: str | None = None, until: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status, "sources": ["S1"], "confidence": "reported"}
    if since is not None:
        out["since"] = since
    if until is not None:
        out["until"] = until
    return out


def sg_log(*states: dict[str, Any], controls: list[str] | None = None) -> Case:
    """The dated case with sg-log's history (and controls) replaced."""

    def change(data: dict[str, Any]) -> None:
        sg = next(s for s in data["safeguards"] if s["id"] == "sg-log")
        sg["status"] = list(states)
        if controls is not None:
            sg["controls"] = controls

    return dated(change)


def safeguard(case: Case, day: date = AS_OF) -> dict[str, Any]:
    view = build_view(case, day)
    return next(s for s in view["safeguards"] if s["id"] == "sg-log")


def state_of(result: Assessment, qualified: str, ident: str) -> str:
    return indicator(result, qualified, ident).state


# --- 1. an undated status is not dropped ------------------------------------------------------


def test_an_undated_status_written_after_a_dated_one_is_in_force_on_the_case_date() -> None:
    """stated (dated) then implemented (undated, say one recipient's training material): the
    implementation is reported by the case's date, so it is the status in force then."""
    case = sg_log(state("stated", "2025-04"), state("implemented"))
    assert safeguard(case)["status"] == "implemented"


def test_before_the_case_date_which_of_them_holds_is_unknown_not_the_dated_one() -> None:
    case = sg_log(state("stated", "2025-04"), state("implemented"))
    assert safeguard(case, date(2025, 5, 1))["status"] == Unknown("safeguards[sg-log].status")


def test_an_undated_status_written_first_holds_from_the_beginning_until_a_dated_one() -> None:
    case = sg_log(state("stated"), state("implemented", "2025-05-15"))
    assert safeguard(case, date(2025, 5, 1))["status"] == "stated"
    assert safeguard(case)["status"] == "implemented"


def test_statuses_that_agree_stay_known_whatever_their_order() -> None:
    case = sg_log(state("stated", "2025-04"), state("stated"))
    assert safeguard(case, date(2025, 5, 1))["status"] == "stated"


def test_the_status_a_report_prints_is_the_one_the_history_puts_in_force(
    rubrics: list[LoadedRubric],
) -> None:
    case = sg_log(state("stated", "2025-04"), state("implemented"))
    result = assess(case, rubrics[:1], with_sensitivity=False)
    (entry,) = [s for s in result.states if s.entry == "sg-log"]
    assert entry.status == "implemented"


def test_an_undated_implementation_counts_as_implemented_in_the_rubrics(
    rubrics: list[LoadedRubric],
) -> None:
    case = sg_log(state("stated", "2025-04"), state("implemented"), controls=["need_to_know"])
    result = assess(case, rubrics, with_sensitivity=False)
    assert state_of(result, "core.minimisation", "minimisation-control") == "true"
    assert state_of(result, "fipps.data-minimization", "minimisation-control") == "true"


# --- 2. a failure a later known status supersedes no longer counts ----------------------------

FAILED_THEN_VERIFIED = (
    state("failed", "2025-04", "2025-05-15"),
    state("verified", "2025-05-15"),
)

SECURITY_FAILED = [
    ("core.security", "security-failed"),
    ("fipps.security", "security-failed"),
    ("oecd.security-safeguards", "security-failed"),
    ("gdpr-dpia.security", "security-failed"),
]


@pytest.mark.parametrize(("criterion", "ident"), SECURITY_FAILED)
def test_a_failure_superseded_by_a_later_known_status_does_not_count(
    rubrics: list[LoadedRubric], criterion: str, ident: str
) -> None:
    case = sg_log(*FAILED_THEN_VERIFIED, controls=["onsite_review"])
    result = assess(case, rubrics, with_sensitivity=False)
    assert state_of(result, criterion, ident) == "false"


@pytest.mark.parametrize(
    "history",
    [
        (state("stated", "2025-04"), state("failed", "2025-05-15")),  # still failing
        (state("failed", "2025-04", "2025-05-15"),),  # ended, nothing known after
        (state("failed", "2025-04"), state("unknown", "2025-05-15")),  # later status unknown
    ],
    ids=["in-force", "ended-then-nothing", "later-unknown"],
)
@pytest.mark.parametrize(("criterion", "ident"), SECURITY_FAILED)
def test_a_failure_counts_while_no_later_known_status_supersedes_it(
    rubrics: list[LoadedRubric],
    criterion: str,
    ident: str,
    history: tuple[dict[str, Any], ...],
) -> None:
    case = sg_log(*history, controls=["onsite_review"])
    result = assess(case, rubrics, with_sensitivity=False)
    assert state_of(result, criterion, ident) == "true"


def test_last_known_is_the_status_in_force_or_the_last_known_before_an_unknown() -> None:
    assert safeguard(sg_log(*FAILED_THEN_VERIFIED))["last_known"] == "verified"
    later_unknown = sg_log(state("failed", "2025-04"), state("unknown", "2025-05-15"))
    assert isinstance(safeguard(later_unknown)["status"], Unknown)
    assert safeguard(later_unknown)["last_known"] == "failed"
    nothing_known = sg_log(state("unknown", "2025-04"))
    assert safeguard(nothing_known)["last_known"] == Unknown("safeguards[sg-log].last_known")


def test_the_report_prints_the_last_known_status_the_view_places_not_the_last_written(
    rubrics: list[LoadedRubric],
) -> None:
    """A history written out of date order: the last known status is the one that began last
    (verified, 2025-04), not the one written last (failed, 2025-01), in the view and in what
    the report prints beside an unknown status."""
    case = sg_log(
        state("verified", "2025-04"), state("failed", "2025-01"), state("unknown", "2025-05-15")
    )
    placed = safeguard(case)
    assert (placed["last_known"], placed["last_known_since"]) == ("verified", "2025-04")
    result = assess(case, rubrics[:1], with_sensitivity=False)
    (entry,) = [s for s in result.states if s.entry == "sg-log"]
    assert (entry.status, entry.last_known, entry.last_known_since) == (
        "unknown",
        "verified",
        "2025-04",
    )


def test_no_shipped_rubric_counts_a_failure_from_the_whole_history() -> None:
    """Every rubric reads a past failure through ``last_known``, never by searching the whole
    history, which would count a failure fixed long ago."""
    for rubric in load_rubrics():
        for crit in rubric.rubric.criteria:
            for ind in crit.indicators:
                assert '"failed"' not in ind.when or "history" not in ind.when, (
                    f"{rubric.rubric.id}.{crit.id}/{ind.id}"
                )


# --- 3. the collection purpose is not tested against itself -----------------------------------


def with_collection_purpose(compatible: Any = None) -> Case:
    def change(data: dict[str, Any]) -> None:
        purpose: dict[str, Any] = {
            "id": "P0",
            "statement": "What the sender collected the names for.",
            "kind": "collection",
            "sources": ["S1"],
            "confidence": "confirmed",
        }
        if compatible is not None:
            purpose["compatible_with_collection"] = compatible
        data["purposes"] = [purpose]
        data["data"][0]["sensitivity"] = "high"
        data["flows"][0]["purposes"] = ["P0"]

    return dated(change)


def test_the_collection_purpose_fits_the_purpose_of_collection() -> None:
    view = build_view(with_collection_purpose(), AS_OF)
    assert view["purposes"][0]["compatible_with_collection"] is True


def test_a_flow_serving_only_the_collection_purpose_serves_no_incompatible_one(
    rubrics: list[LoadedRubric],
) -> None:
    result = assess(with_collection_purpose(), rubrics, with_sensitivity=False)
    got = state_of(result, "gdpr-dpia.purpose-limitation", "incompatible-use-on-sensitive")
    assert got == "false"


def test_a_collection_purpose_recorded_as_incompatible_with_itself_is_an_error() -> None:
    with pytest.raises(DiagnosticError, match="purpose of kind collection"):
        with_collection_purpose(compatible=False)


# --- 4. court relief not lifted reads alike in every rubric -----------------------------------


def enjoined_then_unknown(data: dict[str, Any]) -> None:
    """A1 enjoined by a granted preliminary injunction, then its standing becomes unknown with
    no ruling reported lifting the injunction."""
    data["authorities"][0]["standing"].append(
        {"status": "unknown", "since": "2025-05", "sources": ["S1"], "confidence": "reported"}
    )


def test_court_relief_not_lifted_holds_when_the_standing_on_the_date_is_unknown() -> None:
    view = build_view(dated(enjoined_then_unknown), AS_OF)
    (authority,) = view["authorities"]
    assert isinstance(authority["standing"], Unknown)
    assert authority["court_relief"] is True


def test_fipps_reads_the_court_relief_the_core_rubric_reads(rubrics: list[LoadedRubric]) -> None:
    result = assess(dated(enjoined_then_unknown), rubrics, with_sensitivity=False)
    assert state_of(result, "core.legal-basis", "court-relief-granted") == "true"
    assert state_of(result, "fipps.purpose-specification", "authority-not-in-force") == "true"
    assert state_of(result, "fipps.purpose-specification", "authority-contested") == "true"
    assert state_of(result, "core.legal-basis", "authority-blocked") == "true"


def test_a_later_ruling_that_restores_the_authority_lifts_the_court_relief() -> None:
    def lifted(data: dict[str, Any]) -> None:
        data["authorities"][0]["standing"].append(
            {
                "status": "in_force",
                "since": "2025-05",
                "by": "R1b",
                "sources": ["S2"],
                "confidence": "confirmed",
            }
        )
        data["litigation"][0]["rulings"].append(
            {
                "id": "R1b",
                "date": "2025-05",
                "court": "Court of appeals",
                "kind": "stay",
                "outcome": "granted",
                "holding": "The injunction is stayed pending appeal.",
                "sources": ["S2"],
                "confidence": "confirmed",
            }
        )

    (authority,) = build_view(dated(lifted), AS_OF)["authorities"]
    assert authority["court_relief"] is False


def test_the_score_over_time_moves_on_the_case_date_for_an_undated_status() -> None:
    """`pia history` knows the day an undated status comes into force: the case's date."""
    case = sg_log(state("stated", "2025-04"), state("implemented"))
    (fact,) = [f for f in dated_facts(case) if "undated" in f.text]
    assert (fact.day, fact.entry) == (AS_OF, "sg-log")
    assert fact.text == "safeguard sg-log: implemented (undated; in force by the case's date)"


def test_a_criterion_tells_first_the_finding_that_caps_it_hardest(
    rubrics: list[LoadedRubric],
) -> None:
    """The court order not lifted caps Legal basis at not met: the criterion's first finding
    says so, before the lighter cap and the rule that merely fails."""
    result = assess(dated(enjoined_then_unknown), rubrics[:1], with_sensitivity=False)
    (legal,) = [c for c in result.rubrics[0].criteria if c.id == "core.legal-basis"]
    assert [f.indicator for f in legal.findings][:2] == [
        "court-relief-granted",
        "authority-blocked",
    ]
