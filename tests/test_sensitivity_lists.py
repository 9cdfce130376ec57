"""What would change the rating reaches unknown lists and unknown sections.

An unknown list is settled both ways the open-world rule allows, and no further: *none* (``[]``)
and *at least one*, an entry that exists and of which nothing else is known. The second invents
no fact: it moves only indicators that ask whether an entry exists, and it is never evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import indicator, variant
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine import assess
from pia.load.case import load_case_text
from pia.model.assessment import Assessment, SensitivityItem

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def item(assessment: Assessment, fact: str) -> SensitivityItem:
    found = [s for s in assessment.sensitivity if s.fact == fact]
    assert found, [s.fact for s in assessment.sensitivity]
    return found[0]


@pytest.fixture(scope="module")
def exchange(rubrics: list[LoadedRubric]) -> Assessment:
    """The state exchange as if its sources said nothing of litigation (`litigation: unknown`)."""
    path = ROOT / "cases" / "irs-state-exchange.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["litigation"] = "unknown"
    case = load_case_text(yaml.safe_dump(data, sort_keys=False), "exchange-unknown-litigation.yaml")
    return assess(case, rubrics)


def test_an_unknown_section_that_caps_criteria_is_listed(exchange: Assessment) -> None:
    """`litigation: unknown` leaves "a court order blocked the flows" unknown, which caps two
    criteria; knowing there is no litigation would lift the caps."""
    litigation = item(exchange, "litigation")
    assert (litigation.entry, litigation.section, litigation.kind) == ("", "litigation", "unknown")
    assert litigation.statement == "Litigation"
    (none,) = [m for m in litigation.outcomes if m.value == "none"]
    assert none.setting == "litigation: none"
    assert none.direction == "improves"
    assert {c.id for c in none.criteria} >= {"oecd.use-limitation", "gdpr-dpia.lawfulness"}
    assert all(c.before == "not_met" for c in none.criteria if c.id != "core.legal-basis")


def test_the_unknown_section_is_named_among_an_indicators_unknown_facts(
    exchange: Assessment,
) -> None:
    found = indicator(exchange, "oecd.use-limitation", "court-relief-granted")
    assert found.state == "unknown"
    assert found.unknown_facts == ("litigation",)


def _no_authorities(data: dict[str, Any]) -> None:
    data["flows"][0].pop("authorities", None)


def test_an_unknown_list_of_references_is_settled_to_none_and_to_at_least_one(
    rubrics: list[LoadedRubric],
) -> None:
    """A flow whose authorities are not established: settled to none, "every flow names its
    authority" is false; settled to at least one, it is true (and nothing else is asserted)."""
    transfer = item(assess(variant(_no_authorities), rubrics), "transfer.authorities")
    assert (transfer.entry, transfer.field, transfer.section) == (
        "transfer",
        "authorities",
        "flows",
    )
    settings = {m.value: m.setting for m in transfer.outcomes}
    assert settings == {
        "none": "authorities: none",
        "some": "authorities: at least one, not yet known",
    }


@pytest.mark.parametrize(("value", "expected"), [([], "false"), (["act"], "true")])
def test_each_settlement_gives_what_the_case_would_give_written_that_way(
    value: list[str], expected: str, rubrics: list[LoadedRubric]
) -> None:
    """The settlements agree with the case written each way: none as `[]`, at least one as a
    named authority (the indicator asks only whether one is named)."""

    def written(data: dict[str, Any]) -> None:
        data["flows"][0]["authorities"] = value
        data["authorities"] = [
            {
                "id": "act",
                "title": "An act",
                "kind": "unknown",
                "citation": "An Act, s. 1",
                "relied_on": True,
                "sources": ["S1"],
                "confidence": "confirmed",
            }
        ]

    case = variant(written)
    assert indicator(assess(case, rubrics), "core.legal-basis", "flows-cite-authority").state == (
        expected
    )


def test_the_entry_that_exists_is_never_evidence(rubrics: list[LoadedRubric]) -> None:
    """Settling a list to at least one entry reads only a stand-in: no indicator's evidence or
    unknown facts change by running the analysis, and no entry is added to the case."""
    case = variant(_no_authorities)
    first = assess(case, rubrics)
    again = assess(case, rubrics)
    assert first == again
    cited = {
        e.entry for r in first.rubrics for c in r.criteria for i in c.indicators for e in i.evidence
    }
    assert cited <= {"transfer", "audit-log", "sender", "receiver", "name"}


def test_a_list_the_case_knows_is_not_a_fact_to_settle(rubrics: list[LoadedRubric]) -> None:
    def known(data: dict[str, Any]) -> None:
        data["flows"][0]["authorities"] = []

    facts = {s.fact for s in assess(variant(known), rubrics).sensitivity}
    assert "transfer.authorities" not in facts
