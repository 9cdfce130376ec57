"""Indicators that assume an exchange between parties do not apply to a system with none.

An agreement between the parties, its named signatories, limits on the recipient's use and
onward disclosure, requests reviewed before disclosure, an accounting of disclosures: a single
agency's own system that discloses nothing to another party has none of these, and that is not a
failure. Such indicators carry ``applies_when`` (the case has a disclosure or matching flow);
where it is false they are *not applicable*: no finding, and their weight leaves the criterion.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from helpers import DATA, MINIMAL, criterion, indicator
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine import assess
from pia.load.case import load_case_text
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.render.html import render_html

SYSTEM_CASE = DATA / "system" / "parking-permits.yaml"

#: The shipped indicators that assume data is exchanged with another party for its own use:
#: they apply where a flow discloses data or sends it for matching.
EXCHANGE_INDICATORS = (
    ("core.necessity-proportionality", "per-case-requests"),
    ("core.necessity-proportionality", "request-review"),
    ("core.accountability", "accounting"),
    ("fipps.purpose-specification", "written-agreement"),
    ("oecd.accountability", "named-signatory"),
    ("gdpr-dpia.necessity-proportionality", "case-by-case"),
    ("gdpr-dpia.necessity-proportionality", "necessity-reviewed"),
)

#: The shipped indicators about what a recipient may do with the data: they apply wherever data
#: goes to another party, a host or a processor included (a hosting contract that bars the host
#: from using the data is a use restriction).
RECIPIENT_INDICATORS = (
    ("core.purpose-limitation", "use-restricted"),
    ("fipps.use-limitation", "use-confined"),
    ("fipps.use-limitation", "redisclosure-barred"),
    ("oecd.use-limitation", "use-restricted"),
    ("oecd.use-limitation", "onward-disclosure-limited"),
)


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


def own_system(*, hosted: bool = True) -> Case:
    """The fictional parking-permit system without its one disclosure (to the enforcement
    contractor): the city collects and uses the data itself, and a cloud provider hosts it for
    the city (``hosted``) or not (an agency's in-house system, no other party at all)."""
    data = yaml.safe_load(SYSTEM_CASE.read_text(encoding="utf-8"))
    gone = {"disclosure"} | (set() if hosted else {"hosting"})
    data["flows"] = [f for f in data["flows"] if f["kind"] not in gone]
    data["parties"] = [p for p in data["parties"] if p["id"] != "enforcement-contractor"]
    kept = {f["id"] for f in data["flows"]}
    for safeguard in data["safeguards"]:
        safeguard["applies_to"] = [f for f in safeguard["applies_to"] if f in kept]
    for notice in data["notice"]:
        notice["covers"] = [f for f in notice["covers"] if f in kept]
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "own-system.yaml")


@pytest.fixture(scope="module")
def own(rubrics: list[LoadedRubric]) -> Assessment:
    return assess(own_system(), rubrics)


@pytest.fixture(scope="module")
def in_house(rubrics: list[LoadedRubric]) -> Assessment:
    return assess(own_system(hosted=False), rubrics)


@pytest.fixture(scope="module")
def exchange(rubrics: list[LoadedRubric]) -> Assessment:
    return assess(load_case_text(SYSTEM_CASE.read_text(encoding="utf-8"), "p.yaml"), rubrics)


def test_every_indicator_that_assumes_an_exchange_says_so(rubrics: list[LoadedRubric]) -> None:
    gated = {
        (f"{lr.rubric.id}.{c.id}", i.id)
        for lr in rubrics
        for c in lr.rubric.criteria
        for i in c.indicators
        if i.applies_when is not None
    }
    assert gated == set(EXCHANGE_INDICATORS) | set(RECIPIENT_INDICATORS)


@pytest.mark.parametrize(("qualified", "ident"), EXCHANGE_INDICATORS)
def test_an_exchange_indicator_does_not_apply_to_a_system_with_no_disclosure(
    own: Assessment, qualified: str, ident: str
) -> None:
    result = indicator(own, qualified, ident)
    assert (result.state, result.bearing) == ("not_applicable", "none")
    assert ident not in {f.indicator for f in criterion(own, qualified).findings}


@pytest.mark.parametrize(("qualified", "ident"), RECIPIENT_INDICATORS)
def test_a_recipient_indicator_applies_to_a_host_and_not_to_an_in_house_system(
    own: Assessment, in_house: Assessment, qualified: str, ident: str
) -> None:
    assert indicator(own, qualified, ident).state in ("true", "false", "unknown")
    result = indicator(in_house, qualified, ident)
    assert (result.state, result.bearing) == ("not_applicable", "none")
    assert ident not in {f.indicator for f in criterion(in_house, qualified).findings}


def test_the_hosting_contract_counts_as_confining_the_hosts_use(own: Assessment) -> None:
    assert indicator(own, "fipps.use-limitation", "use-confined").state == "true"


@pytest.mark.parametrize(("qualified", "ident"), EXCHANGE_INDICATORS + RECIPIENT_INDICATORS)
def test_an_exchange_indicator_applies_where_data_is_disclosed(
    exchange: Assessment, qualified: str, ident: str
) -> None:
    assert indicator(exchange, qualified, ident).state in ("true", "false", "unknown")


@pytest.mark.parametrize(
    "qualified", sorted({q for q, _ in EXCHANGE_INDICATORS + RECIPIENT_INDICATORS})
)
def test_a_criterion_is_judged_on_the_indicators_that_apply(
    in_house: Assessment, qualified: str
) -> None:
    result = criterion(in_house, qualified)
    applying = [i for i in result.indicators if i.state != "not_applicable"]
    good = sum(i.weight for i in applying if i.bearing == "good")
    assert result.share == round(good / sum(i.weight for i in applying), 3)
    assert not any(i.bearing == "bad" for i in result.indicators if i.state == "not_applicable")


def test_no_written_agreement_is_not_a_failure_of_a_system_that_shares_nothing(
    own: Assessment, exchange: Assessment
) -> None:
    # With the disclosure, the missing agreement counts against purpose specification.
    assert indicator(exchange, "fipps.purpose-specification", "written-agreement").state == "false"
    assert criterion(exchange, "fipps.purpose-specification").level == "partially_met"
    # Without it, the criterion rests on what applies: a statute relied on, a stated purpose.
    assert criterion(own, "fipps.purpose-specification").level == "met"


def _flow_kind(kind: str) -> Case:
    data: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["flows"][0]["kind"] = kind
    data["authorities"] = []  # known to be none: no agreement, so none names its signatories
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "kind.yaml")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("disclosure", "false"), ("internal_use", "not_applicable"), ("unknown", "unknown")],
    ids=["applies", "does-not-apply", "may-not-apply"],
)
def test_a_false_indicator_that_may_not_apply_is_unknown(
    kind: str, expected: str, rubrics: list[LoadedRubric]
) -> None:
    result = indicator(assess(_flow_kind(kind), rubrics), "oecd.accountability", "named-signatory")
    assert result.state == expected


def test_the_trace_says_in_words_that_an_indicator_does_not_apply(
    own: Assessment, rubrics: list[LoadedRubric]
) -> None:
    html = render_html(own, own_system(), rubrics=rubrics)
    assert "not applicable</td>" in html
    assert "not_applicable</td>" not in html
