"""Scoring rules, one test per rule of ``pia.engine.score``'s docstring (printed in every report).

The rubric here is built in the test: scale good (1.0) / partial (0.5) / poor (0.0) with thresholds
0.75 and 0.4, bands fine (75) / weak (40) / bad (0), and ``critical_cap: weak``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from pia.cel.values import Truth
from pia.engine import score
from pia.model.rubric import Criterion, Rubric

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def indicator(
    ident: str, effect: str, weight: float = 1.0, caps: str | None = None
) -> dict[str, object]:
    found: dict[str, object] = {
        "id": ident,
        "description": ident,
        "when": "true",
        "effect": effect,
        "weight": weight,
    }
    if caps is not None:
        found["caps"] = caps
    return found


def criterion(
    ident: str,
    indicators: Sequence[dict[str, object]],
    *,
    weight: float = 1.0,
    critical: bool = False,
) -> dict[str, object]:
    return {
        "id": ident,
        "title": ident,
        "question": "?",
        "why": "Because.",
        "references": [{"framework": "Test", "ref": "1"}],
        "weight": weight,
        "critical": critical,
        "levels": {"good": "Good.", "partial": "Partial.", "poor": "Poor."},
        "indicators": list(indicators),
        "recommendation": "Do better.",
        "dhs_pia_section": "uses",
    }


def rubric(*criteria: dict[str, object]) -> Rubric:
    data = {
        "id": "test",
        "title": "Test",
        "version": "1",
        "description": "Test.",
        "framework": {"name": "Test", "citation": "Test", "binding": "Nobody."},
        "scale": [
            {"id": "good", "label": "Good", "value": 1.0, "meaning": "."},
            {"id": "partial", "label": "Partial", "value": 0.5, "meaning": "."},
            {"id": "poor", "label": "Poor", "value": 0.0, "meaning": "."},
        ],
        "thresholds": {"good": 0.75, "partial": 0.4, "poor": 0.0},
        "bands": [
            {"id": "fine", "label": "Fine", "min": 75, "meaning": "."},
            {"id": "weak", "label": "Weak", "min": 40, "meaning": "."},
            {"id": "bad", "label": "Bad", "min": 0, "meaning": "."},
        ],
        "critical_cap": "weak",
        "criteria": list(criteria) or [criterion("c", [indicator("i", "supports")])],
    }
    return Rubric.model_validate_json(json.dumps(data))


def level_of(indicators: Sequence[dict[str, object]], truths: Sequence[Truth]) -> score.LevelResult:
    """Score one criterion made of ``indicators`` whose indicators came out as ``truths``."""
    r = rubric(criterion("c", indicators))
    crit: Criterion = r.criteria[0]
    return score.criterion_level(
        r, crit, {ind.id: t for ind, t in zip(crit.indicators, truths, strict=True)}
    )


# --- indicators to a criterion level ---------------------------------------------------------

BEARINGS = [
    ("supports", T, "good"),
    ("supports", F, "bad"),
    ("undermines", T, "bad"),
    ("undermines", F, "good"),
    ("supports", U, "unknown"),
    ("undermines", U, "unknown"),
]


@pytest.mark.parametrize(("effect", "truth", "expected"), BEARINGS)
def test_bearing_of_an_indicator(effect: str, truth: Truth, expected: str) -> None:
    assert score.bearing(effect, truth) == expected


def test_share_is_good_weight_over_all_weight_and_unknown_is_not_good() -> None:
    result = level_of(
        [
            indicator("a", "supports", 3),
            indicator("b", "supports", 1),
            indicator("c", "supports", 2),
        ],
        [T, F, U],
    )
    assert result.share == 0.5
    assert result.determined == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    ("share", "level"),
    [
        (1.0, "good"),
        (0.75, "good"),
        (0.74, "partial"),
        (0.4, "partial"),
        (0.39, "poor"),
        (0, "poor"),
    ],
)
def test_level_is_the_best_whose_threshold_the_share_reaches(share: float, level: str) -> None:
    assert score.level_for_share(rubric(), share) == level


def test_a_share_of_three_quarters_reaches_good() -> None:
    supports = [indicator(i, "supports") for i in "abcd"]
    assert level_of(supports, [T, T, T, F]).level == "good"


def test_true_undermining_indicator_with_caps_holds_the_level_down() -> None:
    result = level_of(
        [indicator("a", "supports", 9), indicator("blocked", "undermines", 1, caps="poor")],
        [T, T],
    )
    assert (result.share, result.level, result.capped_by) == (0.9, "poor", ("blocked",))


def test_false_undermining_indicator_with_caps_does_not_cap() -> None:
    result = level_of(
        [indicator("a", "supports"), indicator("blocked", "undermines", caps="poor")], [T, F]
    )
    assert (result.level, result.capped_by) == ("good", ())


def test_cap_never_raises_a_level() -> None:
    result = level_of(
        [indicator("a", "supports", 1), indicator("blocked", "undermines", 9, caps="partial")],
        [F, T],
    )
    assert result.level == "poor"


def test_every_indicator_unknown_gives_level_unknown_worth_nothing() -> None:
    result = level_of([indicator("a", "supports"), indicator("b", "undermines")], [U, U])
    assert (result.level, result.share, result.determined) == ("unknown", 0.0, 0.0)
    assert score.level_value(rubric(), result.level) == 0.0


def test_best_case_level_counts_every_unknown_as_good() -> None:
    result = level_of([indicator("a", "supports", 1), indicator("b", "supports", 3)], [T, U])
    assert (result.level, result.best_case_level) == ("poor", "good")


def test_best_case_level_keeps_the_caps() -> None:
    result = level_of(
        [
            indicator("a", "supports", 1),
            indicator("b", "supports", 3),
            indicator("blocked", "undermines", 1, caps="partial"),
        ],
        [T, U, T],
    )
    assert result.best_case_level == "partial"


def test_best_case_of_all_unknown_is_the_best_level() -> None:
    assert level_of([indicator("a", "supports")], [U]).best_case_level == "good"


# --- criteria to a rubric rating -------------------------------------------------------------

FOUR = rubric(
    criterion("a", [indicator("i", "supports")], weight=2),
    criterion("b", [indicator("i", "supports")]),
    criterion("c", [indicator("i", "supports")]),
    criterion("d", [indicator("i", "supports")]),
)


def test_rubric_score_is_earned_share_of_all_weight() -> None:
    levels = {"a": "good", "b": "partial", "c": "poor", "d": "unknown"}
    assert score.rubric_score(FOUR, levels) == 50.0  # (2 x 1.0 + 1 x 0.5) / 5


def test_rubric_score_is_rounded_to_one_decimal() -> None:
    three = rubric(*(criterion(c, [indicator("i", "supports")]) for c in "abc"))
    assert score.rubric_score(three, {"a": "good", "b": "poor", "c": "poor"}) == 33.3


@pytest.mark.parametrize(
    ("points", "band"),
    [(100, "fine"), (75, "fine"), (74.9, "weak"), (40, "weak"), (39.9, "bad"), (0, "bad")],
)
def test_rating_is_the_best_band_whose_minimum_the_score_reaches(points: float, band: str) -> None:
    assert score.band_for_score(rubric(), points) == band


def test_critical_criterion_at_worst_level_caps_the_rating() -> None:
    r = rubric(
        criterion("key", [indicator("i", "supports")], critical=True),
        criterion("rest", [indicator("i", "supports")], weight=9),
    )
    total, rating, uncapped, reason = score.rating(r, {"key": "poor", "rest": "good"})
    assert (total, rating, uncapped) == (90.0, "weak", "fine")
    assert reason is not None
    assert "key" in reason


def test_critical_cap_never_raises_a_rating() -> None:
    r = rubric(criterion("key", [indicator("i", "supports")], critical=True))
    assert score.rating(r, {"key": "poor"})[1:] == ("bad", "bad", None)


def test_criterion_that_is_not_critical_does_not_cap() -> None:
    r = rubric(
        criterion("minor", [indicator("i", "supports")]),
        criterion("rest", [indicator("i", "supports")], weight=9),
    )
    assert score.rating(r, {"minor": "poor", "rest": "good"})[1:] == ("fine", "fine", None)


# --- risks -----------------------------------------------------------------------------------

STRENGTHS = [
    ("verified", 1.0),
    ("implemented", 0.5),
    ("stated", 0.25),
    ("disputed", 0.0),
    ("failed", 0.0),
    ("absent", 0.0),
    ("unknown", 0.0),
]


@pytest.mark.parametrize(("status", "strength"), STRENGTHS)
def test_mitigation_strength_by_status(status: str, strength: float) -> None:
    assert score.mitigation_reduction([status]) == strength


RESIDUAL = [
    (4, [], 4),
    (4, ["stated"], 4),  # 3.75 rounds up: only whole steps count
    (4, ["implemented"], 4),
    (4, ["implemented", "implemented"], 3),
    (4, ["verified"], 3),
    (3, ["stated", "stated", "stated", "stated"], 2),
    (4, ["verified", "implemented"], 3),  # 2.5 rounds up
    (2, ["verified", "verified", "verified"], 1),  # never below 1
    (1, ["verified"], 1),
    (4, ["disputed", "failed", "absent", "unknown"], 4),
]


@pytest.mark.parametrize(("likelihood", "statuses", "residual"), RESIDUAL)
def test_residual_likelihood_rounds_up_and_never_goes_below_one(
    likelihood: int, statuses: list[str], residual: int
) -> None:
    assert score.residual_likelihood(likelihood, statuses) == residual


RISK_LEVELS = [
    (1, 1, "low"),
    (1, 3, "low"),
    (2, 2, "moderate"),
    (1, 4, "moderate"),
    (2, 3, "moderate"),
    (2, 4, "high"),
    (3, 3, "high"),
    (4, 2, "high"),
    (3, 4, "critical"),
    (4, 4, "critical"),
]


@pytest.mark.parametrize(("likelihood", "severity", "level"), RISK_LEVELS)
def test_risk_level_bands_the_product_of_likelihood_and_severity(
    likelihood: int, severity: int, level: str
) -> None:
    assert score.risk_level(likelihood, severity) == level


def test_scoring_rules_printed_in_reports_name_every_step() -> None:
    headings = [rule.split(":", 1)[0] for rule in score.SCORING_RULES]
    assert headings == [
        "Indicators to a criterion level",
        "Indicators that do not apply",
        "One governing level per criterion",
        "Criteria to a rubric rating",
        "Risks",
        "What would change the rating",
    ]
