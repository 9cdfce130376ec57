"""The shipped cases, scored by the shipped rubrics: the results a reader of the reports relies on.

- The golden summaries in ``tests/cases/<case>/expected.json`` pin every rating, criterion level
  and indicator state, and every risk's inherent and residual level. They are small enough to
  review line by line; regenerate with ``pytest tests/test_cases.py --update-goldens`` and read
  the diff before committing it.
- The contrast tests say *why* the two cases differ, by the indicators that decide it.
- The as-of tests pin that the 2025 court orders move the ICE–IRS result when the date crosses
  them.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from helpers import ROOT, criterion, indicator
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.model.assessment import Assessment

GOLDENS = ROOT / "tests" / "cases"
CASES = sorted((ROOT / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


@pytest.fixture(scope="module")
def results(rubrics: list[LoadedRubric]) -> dict[str, Assessment]:
    out = {}
    for path in CASES:
        cf = load_case_file(path)
        out[cf.case.id] = assess(cf.case, rubrics, case_sha256=cf.sha256)
    return out


def summary(a: Assessment) -> dict[str, Any]:
    """What a reviewer checks: ratings, levels, indicator states, risks, open facts."""
    return {
        "assessed_as_of": a.assessed_as_of.isoformat(),
        "rubrics": {
            r.id: {
                "score": r.score,
                "rating": r.rating,
                "criteria": {
                    c.id: {
                        "level": c.level,
                        "derived": c.derived_level,
                        "basis": c.basis,
                        "judged": c.judgment.level if c.judgment else None,
                        "indicators": {i.id: i.state for i in c.indicators},
                    }
                    for c in r.criteria
                },
            }
            for r in a.rubrics
        },
        "risks": {
            r.id: f"{r.inherent_level} (L{r.inherent_likelihood}xS{r.inherent_severity}) -> "
            f"{r.residual_level} (L{r.residual_likelihood}xS{r.residual_severity})"
            for r in a.risks
        },
        "sensitivity": [s.fact for s in a.sensitivity],
        "warnings": [f"{w.code}: {w.subject}" for w in a.warnings],
    }


@pytest.mark.parametrize("case_id", [p.stem for p in CASES])
def test_result_matches_the_reviewed_golden(
    case_id: str, results: dict[str, Assessment], request: pytest.FixtureRequest
) -> None:
    golden = GOLDENS / case_id / "expected.json"
    current = json.dumps(summary(results[case_id]), indent=2, sort_keys=True) + "\n"
    if request.config.getoption("--update-goldens"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(current, encoding="utf-8")
        pytest.skip(f"rewrote {golden.relative_to(GOLDENS.parent.parent)}; review its diff")
    assert golden.read_text(encoding="utf-8") == current, (
        f"{case_id}: the result changed; review it, then run with --update-goldens"
    )


def state(a: Assessment, qualified: str, ident: str) -> str:
    return indicator(a, qualified, ident).state


def derived_value(a: Assessment, qualified: str) -> float:
    """The value of the level the indicators give (the facts, before any judgment)."""
    rubric = next(r for r in a.rubrics if qualified.startswith(r.id + "."))
    levels = {lv.id: lv.value for lv in rubric.scale}
    return levels.get(criterion(a, qualified).derived_level, 0.0)


@pytest.mark.parametrize(
    "qualified",
    ["core.purpose-limitation", "core.oversight", "core.transparency"],
)
def test_ice_irs_scores_below_the_state_exchange(
    qualified: str, results: dict[str, Assessment]
) -> None:
    ice, exchange = results["ice-irs"], results["irs-state-exchange"]
    assert derived_value(ice, qualified) < derived_value(exchange, qualified)


def test_every_rubric_rates_ice_irs_below_the_state_exchange(
    results: dict[str, Assessment],
) -> None:
    ice = {r.id: r.score for r in results["ice-irs"].rubrics}
    state_exchange = {r.id: r.score for r in results["irs-state-exchange"].rubrics}
    assert set(ice) == set(state_exchange) == {"core", "fipps", "oecd", "gdpr-dpia"}
    assert all(ice[r] < state_exchange[r] for r in ice)


def test_purpose_limitation_differs_because_incompatible_uses_are_alleged(
    results: dict[str, Assessment],
) -> None:
    assert (
        state(results["ice-irs"], "core.purpose-limitation", "incompatible-use-alleged") == "true"
    )
    assert (
        state(results["irs-state-exchange"], "core.purpose-limitation", "incompatible-use-alleged")
        == "false"
    )
    assert (
        state(results["irs-state-exchange"], "core.purpose-limitation", "stated-purpose-compatible")
        == "true"
    )


def test_oversight_differs_because_audits_recur_and_questions_were_refused(
    results: dict[str, Assessment],
) -> None:
    ice, state_exchange = results["ice-irs"], results["irs-state-exchange"]
    assert state(ice, "core.oversight", "oversight-refused") == "true"
    assert state(ice, "core.oversight", "recurring-audit") == "false"
    assert state(state_exchange, "core.oversight", "recurring-audit") == "true"


def test_legal_basis_differs_because_court_orders_blocked_only_the_ice_irs_flows(
    results: dict[str, Assessment],
) -> None:
    """ICE-IRS: a stay and an injunction blocked the disclosure (capping the level). The state
    exchange: the one decision its sources record (Stone v. Commissioner) rejected a § 6103
    claim and blocked nothing, so no court relief is granted and the level is established."""
    ice, state_exchange = results["ice-irs"], results["irs-state-exchange"]
    assert state(ice, "core.legal-basis", "court-relief-granted") == "true"
    assert state(state_exchange, "core.legal-basis", "court-relief-granted") == "false"
    assert criterion(state_exchange, "core.legal-basis").basis == "established"
    assert criterion(ice, "core.legal-basis").basis == "established"


def test_transparency_differs_because_only_the_state_exchange_is_publicly_noticed(
    results: dict[str, Assessment],
) -> None:
    assert state(results["ice-irs"], "core.transparency", "public-notice") != "true"
    assert state(results["ice-irs"], "core.transparency", "notice-missing") == "true"
    assert state(results["irs-state-exchange"], "core.transparency", "public-notice") == "true"


@pytest.fixture(scope="module")
def ice_on(rubrics: list[LoadedRubric]) -> Any:
    cf = load_case_file(ROOT / "cases" / "ice-irs.yaml")
    core = [r for r in rubrics if r.rubric.id == "core"]

    def at(day: str) -> Assessment:
        return assess(cf.case, core, as_of=datetime.date.fromisoformat(day))

    return at


def test_the_november_2025_stay_moves_the_legal_basis(ice_on: Any) -> None:
    before, after = ice_on("2025-11-20"), ice_on("2025-11-21")
    assert state(before, "core.legal-basis", "court-relief-granted") == "false"
    assert state(after, "core.legal-basis", "court-relief-granted") == "true"
    assert criterion(before, "core.legal-basis").level == "partially_met"
    assert criterion(after, "core.legal-basis").level == "not_met"
    assert after.rubrics[0].score < before.rubrics[0].score


def test_before_the_litigation_the_authority_was_in_force(ice_on: Any) -> None:
    early = ice_on("2025-03-01")
    assert state(early, "core.legal-basis", "authority-standing") == "true"
    assert criterion(early, "core.legal-basis").level == "met"


def test_facts_after_the_date_do_not_exist_yet(ice_on: Any) -> None:
    """The TIGTA report of June 8, 2026 is the case's only independent review of the
    transfer: before it, oversight had no completed independent inspection."""
    assert state(ice_on("2026-06-07"), "core.oversight", "independent-review") in {"true", "false"}
    ids_before = {
        e.entry
        for i in criterion(ice_on("2026-06-07"), "core.oversight").indicators
        for e in i.evidence
    }
    assert "ov-tigta-report" not in ids_before
