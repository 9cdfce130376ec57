"""``assess(case, rubrics)``: small purpose-built cases through the small test rubric.

``tests/data/rubrics/test.yaml`` has four criteria: ``basis`` (critical: an authority relied on and
in force), ``retention`` (period known, disposal provided), ``safeguarded`` (a safeguard working,
one verified) and ``notice`` (a notice in force). The cases in ``tests/data/engine/`` say in their
headers what the rubric makes of them: ``judged.yaml`` has assessor judgments, unverified
mitigations and unknown facts; ``dated.yaml`` has an authority a court enjoins on 2025-03-10.
"""

from __future__ import annotations

from datetime import date

import pytest

from helpers import DATA, criterion, indicator
from pia.cel.rubric import LoadedRubric, load_rubric, load_rubrics
from pia.engine import assess
from pia.engine.sensitivity import candidate_values
from pia.load.case import load_case, load_case_text
from pia.model.assessment import (
    Assessment,
    Change,
    EvidenceRef,
    IndicatorResult,
)
from pia.model.case import Authority, Notice, Safeguard
from pia.model.diagnostics import DiagnosticError
from pia.render.json import parse_json, render_json

ENGINE = DATA / "engine"
TEST_RUBRIC = DATA / "rubrics" / "test.yaml"
RUNTIME_ERROR_RUBRIC = DATA / "rubrics" / "runtime-error.yaml"
MINIMAL = DATA / "valid" / "minimal.yaml"


@pytest.fixture(scope="module")
def rubric() -> LoadedRubric:
    return load_rubric(TEST_RUBRIC)


@pytest.fixture(scope="module")
def judged(rubric: LoadedRubric) -> Assessment:
    return assess(load_case(ENGINE / "judged.yaml"), [rubric])


@pytest.fixture(scope="module")
def dated(rubric: LoadedRubric) -> Assessment:
    return assess(load_case(ENGINE / "dated.yaml"), [rubric])


def indicator_at(assessment: Assessment, ident: str) -> IndicatorResult:
    """An indicator by ``criterion/indicator`` id."""
    criterion_id, indicator_id = ident.split("/")
    return indicator(assessment, criterion_id, indicator_id)


# --- evidence --------------------------------------------------------------------------------


def test_evidence_names_the_entry_read_its_fields_and_sources(judged: Assessment) -> None:
    assert indicator_at(judged, "test.retention/period-known").evidence == (
        EvidenceRef(
            entry="RT1",
            section="retention",
            fields=("period",),
            confidence="reported",
            sources=("S3",),
        ),
    )


def test_evidence_of_a_true_exists_names_the_entries_that_made_it_true(judged: Assessment) -> None:
    """sg-log, sg-enc and sg-ver are implemented or verified; sg-new's status is unknown."""
    refs = indicator_at(judged, "test.safeguarded/working").evidence
    assert [(r.entry, r.sources) for r in refs] == [
        ("sg-enc", ("S1",)),
        ("sg-log", ("S1",)),
        ("sg-ver", ("S4",)),
    ]


def test_evidence_of_a_false_exists_names_the_entries_examined(dated: Assessment) -> None:
    refs = indicator_at(dated, "test.basis/in-force").evidence
    assert [(r.entry, r.fields) for r in refs] == [("A1", ("relied_on", "standing"))]


def test_indicator_lists_the_unknown_facts_it_read(judged: Assessment) -> None:
    assert indicator_at(judged, "test.notice/in-force").unknown_facts == ("N1.provided",)


def test_evidence_for_a_resolved_status_cites_the_sources_of_that_status(dated: Assessment) -> None:
    (ref,) = indicator_at(dated, "test.basis/enjoined").evidence
    assert "S2" in ref.sources


def test_evidence_names_only_fields_of_the_entry(rubric: LoadedRubric) -> None:
    text = (ENGINE / "judged.yaml").read_text(encoding="utf-8").replace("id: judged", "id: RT1")
    result = assess(load_case_text(text, "judged.yaml"), [rubric])
    (ref,) = indicator_at(result, "test.retention/period-known").evidence
    assert ref.fields == ("period",)


# --- unknown is not false, and never met ------------------------------------------------------


def test_unknown_indicator_bears_neither_way(judged: Assessment) -> None:
    found = indicator_at(judged, "test.notice/in-force")
    assert (found.state, found.bearing) == ("unknown", "unknown")


def test_criterion_with_only_unknown_indicators_scores_nothing(judged: Assessment) -> None:
    notice = criterion(judged, "test.notice")
    assert (notice.level, notice.share, notice.score, notice.best_case_level) == (
        "unknown",
        0.0,
        0.0,
        "good",
    )


def test_rubric_score_counts_unknown_as_nothing(judged: Assessment) -> None:
    (result,) = judged.rubrics
    # (2 + 1 + 1 + 0) / 5 weight: the unknown criterion earns nothing; the judged one counts at
    # its governing level (the judgment), not at the derived "poor"
    assert (result.score, result.rating) == (80.0, "fine")


def test_level_counts_include_unknown(judged: Assessment) -> None:
    (result,) = judged.rubrics
    assert result.level_counts == {"good": 3, "partial": 0, "poor": 0, "unknown": 1}


# --- judgments -------------------------------------------------------------------------------


def test_judgment_that_matches_the_derived_level_agrees(judged: Assessment) -> None:
    basis = criterion(judged, "test.basis")
    assert basis.judgment is not None
    assert (basis.level, basis.judgment.level, basis.judgment.agrees) == ("good", "good", True)


def test_a_judgment_governs_and_the_derived_level_stays_as_the_check(judged: Assessment) -> None:
    retention = criterion(judged, "test.retention")
    assert retention.judgment is not None
    assert (retention.level, retention.governed_by, retention.derived_level) == (
        "good",
        "judgment",
        "poor",
    )
    assert (retention.judgment.level, retention.judgment.agrees) == ("good", False)


def test_without_a_judgment_the_derived_level_governs(judged: Assessment) -> None:
    notice = criterion(judged, "test.notice")
    assert (notice.governed_by, notice.level) == ("derived", notice.derived_level)


def test_a_level_that_unknown_facts_could_raise_is_not_demonstrated(judged: Assessment) -> None:
    notice = criterion(judged, "test.notice")  # N1.provided is unknown
    assert (notice.basis, notice.best_case_level != notice.derived_level) == (
        "not_demonstrated",
        True,
    )


def test_every_finding_comes_from_an_indicator_in_the_state_it_claims(judged: Assessment) -> None:
    for result in judged.rubrics:
        for c in result.criteria:
            states = {i.id: i.state for i in c.indicators}
            assert [f.indicator for f in c.findings] != []
            for f in c.findings:
                assert f.state == states[f.indicator]
                if f.state == "unknown":
                    assert f.text.startswith("Not established: ")


def test_criterion_without_a_judgment_has_none(judged: Assessment) -> None:
    assert criterion(judged, "test.notice").judgment is None


# --- quality warnings ------------------------------------------------------------------------


def test_quality_warnings(judged: Assessment) -> None:
    """K1 is lowered by two implemented safeguards, none verified; K2 has a verified one. The
    retention judgment (good) is a whole level-value of 1.0 from the derived poor."""
    assert [(w.code, w.subject) for w in judged.warnings] == [
        ("unverified-mitigation", "K1"),
        ("judgment-far-from-derived", "test.retention"),
    ]


def test_no_unverified_mitigation_warning_when_the_risk_is_not_lowered(dated: Assessment) -> None:
    assert [w.code for w in dated.warnings] == []


JUDGMENT_PROBLEMS = [
    (
        "test.basis: {level: good,",
        "test.nope: {level: good,",
        "judgment-unknown-criterion",
        "test.nope",
    ),
    (
        "test.basis: {level: good,",
        "test.basis: {level: superb,",
        "judgment-unknown-level",
        "test.basis",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "subject"), JUDGMENT_PROBLEMS, ids=["unknown criterion", "unknown level"]
)
def test_judgment_that_names_no_criterion_or_level_is_warned_about(
    rubric: LoadedRubric, old: str, new: str, code: str, subject: str
) -> None:
    text = (ENGINE / "judged.yaml").read_text(encoding="utf-8")
    assert old in text
    result = assess(load_case_text(text.replace(old, new), "judged.yaml"), [rubric])
    assert (code, subject) in [(w.code, w.subject) for w in result.warnings]


# --- recommendations -------------------------------------------------------------------------


def test_recommendations_for_criteria_short_of_the_best_level_high_first(dated: Assessment) -> None:
    """basis is critical and at the worst level (high); retention is at the worst level (medium);
    safeguarded is partial (low); notice is good and needs nothing."""
    assert [(r.priority, r.criterion) for r in dated.recommendations] == [
        ("high", "test.basis"),
        ("medium", "test.retention"),
        ("low", "test.safeguarded"),
    ]


def test_unknown_criterion_gets_a_recommendation(judged: Assessment) -> None:
    assert ("medium", "test.notice") in [(r.priority, r.criterion) for r in judged.recommendations]


def test_recommendation_says_which_indicators_went_badly(dated: Assessment) -> None:
    """A supporting sign that is missing reads "Not shown: ..."; an undermining sign that is
    present reads as itself, so the reasons never state the opposite of the finding."""
    basis = next(r for r in dated.recommendations if r.criterion == "test.basis")
    assert basis.because == (
        "Not shown: An authority relied on is in force.",
        "A court has enjoined an authority relied on.",
    )


def test_a_criterion_short_only_through_unknowns_names_them(judged: Assessment) -> None:
    """No indicator went badly, so the reasons are the unknowns: a recommendation never comes
    with an empty "because"."""
    notice = next(r for r in judged.recommendations if r.criterion == "test.notice")
    assert notice.because
    assert all(reason.startswith("Unknown: ") for reason in notice.because)


# --- as of a date ----------------------------------------------------------------------------

AS_OF = [
    (date(2025, 3, 9), "good", "weak"),
    (date(2025, 3, 10), "poor", "bad"),  # the injunction (R1) takes effect
]


@pytest.mark.parametrize(("day", "level", "rating"), AS_OF, ids=[str(d) for d, _, _ in AS_OF])
def test_as_of_moves_the_result_across_a_dated_ruling(
    rubric: LoadedRubric, day: date, level: str, rating: str
) -> None:
    result = assess(load_case(ENGINE / "dated.yaml"), [rubric], as_of=day)
    assert (
        result.assessed_as_of,
        criterion(result, "test.basis").level,
        result.rubrics[0].rating,
    ) == (
        day,
        level,
        rating,
    )


def test_default_date_is_the_case_as_of(dated: Assessment) -> None:
    assert dated.assessed_as_of == date(2025, 6, 1)


def test_safeguard_not_yet_begun_mitigates_nothing(dated: Assessment) -> None:
    (risk,) = dated.risks
    assert [(m.safeguard, m.status, m.reduction) for m in risk.mitigations] == [
        ("sg-log", "implemented", 0.5),
        ("sg-audit", "absent", 0.0),
    ]


def test_residual_risk_keeps_the_inherent_severity(judged: Assessment) -> None:
    k1 = next(r for r in judged.risks if r.id == "K1")
    assert (k1.inherent_likelihood, k1.residual_likelihood, k1.residual_severity) == (3, 2, 3)


def test_a_risk_whose_level_does_not_move_names_the_safeguard_that_verified_would_move_it(
    judged: Assessment,
) -> None:
    """K2 (L3 x S2) keeps its moderate level: sg-ver is verified, sg-new unknown. Verified,
    sg-new would take it to L1, low."""
    k2 = next(r for r in judged.risks if r.id == "K2")
    assert (k2.inherent_level, k2.residual_level) == ("moderate", "moderate")
    assert [
        (e.safeguard, e.status, e.residual_likelihood, e.residual_level) for e in k2.if_verified
    ] == [("sg-new", "unknown", 1, "low")]


def test_a_risk_that_moves_needs_no_safeguard_named(judged: Assessment) -> None:
    k1 = next(r for r in judged.risks if r.id == "K1")
    assert (k1.inherent_level, k1.residual_level, k1.if_verified) == ("high", "moderate", ())


def test_a_risk_carries_its_treatment_owner_and_target_where_the_case_gives_them(
    rubric: LoadedRubric,
) -> None:
    text = (
        (ENGINE / "judged.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    mitigations: [sg-ver, sg-new]\n",
            "    mitigations: [sg-ver, sg-new]\n    treatment: reduce\n    owner: receiver\n"
            "    target: {likelihood: 1, severity: 2, by: 2026-06}\n",
        )
    )
    risks = assess(load_case_text(text, "treated.yaml"), [rubric]).risks
    k1, k2 = (next(r for r in risks if r.id == k) for k in ("K1", "K2"))
    assert (k2.treatment, k2.owner, k2.target and k2.target.level, k2.target and k2.target.by) == (
        "reduce",
        "receiver",
        "low",
        "2026-06",
    )
    assert (k1.treatment, k1.owner, k1.target) == (None, None, None)


# --- sensitivity -----------------------------------------------------------------------------


def test_sensitivity_ranks_unknown_facts_by_what_settling_them_moves(judged: Assessment) -> None:
    """sg-new.status moves a residual risk (2), N1.provided one criterion (1): the rating is
    already the best band on the governing levels (test.retention is judged good). The
    retention facts move only test.retention's derived level, which the judgment governs, so
    they move nothing."""
    assert [(s.fact, s.impact) for s in judged.sensitivity] == [
        ("sg-new.status", 2),
        ("N1.provided", 1),
    ]


def test_sensitivity_shows_every_value_that_moves_something_better_or_worse(
    judged: Assessment,
) -> None:
    item = next(s for s in judged.sensitivity if s.fact == "N1.provided")
    assert [(m.setting, m.direction, m.criteria, m.ratings) for m in item.outcomes] == [
        (
            "provided: true",
            "improves",
            (
                Change(
                    id="test.notice",
                    before="unknown",
                    after="good",
                    before_label="Unknown",
                    after_label="Good",
                ),
            ),
            (),
        ),
        (
            "provided: false",
            "worsens",
            (
                Change(
                    id="test.notice",
                    before="unknown",
                    after="poor",
                    before_label="Unknown",
                    after_label="Poor",
                ),
            ),
            (),
        ),
    ]
    assert (item.entry, item.field) == ("N1", "provided")


def test_a_negative_statement_is_settled_by_its_field_not_its_wording(rubric: LoadedRubric) -> None:
    """A notice whose statement says none was found: settling ``provided`` true means a notice
    was provided, which improves the result; it never reads as "no notice was found" being
    confirmed."""
    text = (ENGINE / "judged.yaml").read_text(encoding="utf-8")
    negative = text.replace(
        "statement: A routine use may cover the flow.",
        "statement: No routine-use notice was found.",
    )
    item = next(
        s
        for s in assess(load_case_text(negative, "negative.yaml"), [rubric]).sensitivity
        if s.fact == "N1.provided"
    )
    assert item.statement == "No routine-use notice was found."
    assert [(m.setting, m.direction) for m in item.outcomes] == [
        ("provided: true", "improves"),
        ("provided: false", "worsens"),
    ]


def test_a_judged_criterion_keeps_its_governing_level_whatever_a_fact_settles_to(
    judged: Assessment,
) -> None:
    moved = {c.id for s in judged.sensitivity for m in s.outcomes for c in m.criteria}
    assert "test.retention" not in moved


def test_sensitivity_names_sources_readers_and_where_to_look(judged: Assessment) -> None:
    item = next(s for s in judged.sensitivity if s.fact == "N1.provided")
    assert (item.kind, item.sources, item.read_by, item.where_to_look) == (
        "unknown",
        ("S1",),
        ("test.notice/in-force",),
        "Federal Register, 2024-2025.",
    )


def test_sensitivity_shows_a_residual_risk_a_safeguard_status_would_move(
    judged: Assessment,
) -> None:
    item = next(s for s in judged.sensitivity if s.fact == "sg-new.status")
    assert [(m.value, m.direction, m.risks) for m in item.outcomes] == [
        (
            "verified",
            "improves",
            (
                Change(
                    id="K2",
                    before="moderate",
                    after="low",
                    before_label="Moderate",
                    after_label="Low",
                ),
            ),
        )
    ]


def test_fact_that_moves_nothing_is_not_listed(dated: Assessment) -> None:
    assert "F1.automated_matching" not in [s.fact for s in dated.sensitivity]


# --- errors ----------------------------------------------------------------------------------


def test_expression_runtime_error_is_located_in_the_rubric() -> None:
    with pytest.raises(DiagnosticError) as info:
        assess(load_case(MINIMAL), [load_rubric(RUNTIME_ERROR_RUBRIC)])
    assert [(d.path, d.code, d.line, d.col) for d in info.value.diagnostics] == [
        (str(RUNTIME_ERROR_RUBRIC), "PIA-E032", 32, 15)
    ]


def test_two_entries_with_the_same_unknown_fact_are_unknown_not_an_error() -> None:
    """Two flows whose ``bulk`` is unknown: core's ``exists`` over them must be unknown."""
    text = MINIMAL.read_text(encoding="utf-8").replace("bulk: false", "bulk: unknown")
    flow = text[text.index("  - id: transfer") : text.index("safeguards:")]
    text = text.replace(flow, flow + flow.replace("id: transfer", "id: transfer-2"))
    result = assess(load_case_text(text, "two-flows.yaml"), load_rubrics(["core"]))
    per_case = indicator_at(result, "core.necessity-proportionality/per-case-requests")
    assert per_case.state == "unknown"


# --- reproducibility -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def both_rubrics(rubric: LoadedRubric) -> list[LoadedRubric]:
    return [*load_rubrics(["core"]), rubric]


CASES = ["judged.yaml", "dated.yaml"]


@pytest.mark.parametrize("name", CASES)
def test_assess_is_deterministic(name: str, both_rubrics: list[LoadedRubric]) -> None:
    case = load_case(ENGINE / name)
    first, second = assess(case, both_rubrics), assess(case, both_rubrics)
    assert first == second
    assert render_json(first) == render_json(second)


@pytest.mark.parametrize("name", CASES)
def test_json_round_trips_to_an_equal_assessment(
    name: str, both_rubrics: list[LoadedRubric]
) -> None:
    result = assess(load_case(ENGINE / name), both_rubrics)
    assert parse_json(render_json(result)) == result


def test_criteria_come_in_rubric_order_with_qualified_ids(judged: Assessment) -> None:
    assert [c.id for c in judged.rubrics[0].criteria] == [
        "test.basis",
        "test.retention",
        "test.safeguarded",
        "test.notice",
    ]


def test_a_fact_is_settled_to_every_value_the_format_allows_but_unknown_and_its_own() -> None:
    assert candidate_values(Safeguard, "status") == [
        "stated",
        "implemented",
        "verified",
        "disputed",
        "failed",
        "absent",
    ]
    assert candidate_values(Safeguard, "status", "disputed") == [
        "stated",
        "implemented",
        "verified",
        "failed",
        "absent",
    ]
    assert candidate_values(Notice, "provided") == [True, False]
    assert "enjoined" in candidate_values(Authority, "standing")
    assert candidate_values(Notice, "no_such_field") == []
