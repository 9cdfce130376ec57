"""What the report says of a risk's treatment: the treatment, owner and target the case gives, and
for a risk whose level does not move, each safeguard whose verification would move it and how far
(the engine's ``if_verified``), in the HTML and PDF register and in the Markdown alike."""

from __future__ import annotations

import pytest

from helpers import ROOT
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine import assess
from pia.load.case import load_case_text
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.model.facts import UNKNOWN_LIST
from pia.render.context import risk_plan, risk_safeguards, risk_still
from pia.render.html import render_html
from pia.render.markdown import render_markdown

ICE = ROOT / "cases" / "ice-irs.yaml"
#: The risk that gets a treatment, an owner and a target below.
MITIGATIONS = (
    "    mitigations: [sg-pub1075, sg-single-custodian, sg-return-or-dispose, sg-irs-cutoff]\n"
)
PLAN = MITIGATIONS + (
    "    treatment: reduce\n    owner: ice\n    target: {likelihood: 2, severity: 3, by: 2026-06}\n"
)


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics(["fipps"])


@pytest.fixture(scope="module")
def planned(rubrics: list[LoadedRubric]) -> tuple[Assessment, Case]:
    text = ICE.read_text(encoding="utf-8")
    assert text.count(MITIGATIONS) == 1
    case = load_case_text(text.replace(MITIGATIONS, PLAN), "ice.yaml")
    return assess(case, rubrics), case


def risk(assessment: Assessment, ident: str) -> object:
    return next(r for r in assessment.risks if r.id == ident)


def test_the_plan_names_treatment_owner_and_target(planned: tuple[Assessment, Case]) -> None:
    assessment, case = planned
    ice = next(p.name for p in case.parties if p.id == "ice")
    result = next(r for r in assessment.risks if r.id == "risk-insecure-holding")
    assert risk_plan(result, case) == (
        f"Treatment: reduce; owner: {ice}; target: moderate (likelihood 2, severity 3) by 2026-06."
    )
    others = [r for r in assessment.risks if r.id != "risk-insecure-holding"]
    assert all(risk_plan(r, case) == "" for r in others)


def test_a_risk_that_does_not_move_names_each_safeguard_that_would_move_it(
    planned: tuple[Assessment, Case],
) -> None:
    assessment, _ = planned
    for r in assessment.risks:
        text = risk_still(r)
        if r.residual_level != r.inherent_level:
            assert text == ""
            continue
        assert text.startswith("Its level does not move")
        movers = {effect.title for effect in r.if_verified}
        everyone = "verifying any one of these safeguards would" in text
        assert everyone == (
            len(r.mitigations) > 1
            and movers == {m.title for m in r.mitigations}
            and len({(e.residual_likelihood, e.residual_level) for e in r.if_verified}) == 1
        )
        for effect in r.if_verified:
            assert everyone or effect.title in text
            assert f"likelihood to {effect.residual_likelihood} ({effect.residual_level})" in text
    chilling = next(r for r in assessment.risks if r.id == "risk-chilling")
    (only,) = chilling.if_verified
    assert risk_still(chilling) == (
        f"Its level does not move: verifying {only.title} would lower its likelihood to "
        f"{only.residual_likelihood} ({only.residual_level})."
    )


def test_the_register_and_the_markdown_carry_the_plan_and_what_would_move(
    planned: tuple[Assessment, Case],
) -> None:
    assessment, case = planned
    result = next(r for r in assessment.risks if r.id == "risk-insecure-holding")
    html = render_html(assessment, case)
    plan = html[html.index('id="action-plan"') : html.index('id="crosswalk"')]
    md = render_markdown(assessment, case)
    for text in (plan, md):
        assert "Treatment: reduce; owner:" in text
        assert risk_still(result).split(":")[0] in text
    assert risk_still(result).replace('"', "&#34;") in plan or risk_still(result) in plan


def test_a_risk_whose_every_safeguard_would_move_it_does_not_list_them_twice(
    planned: tuple[Assessment, Case],
) -> None:
    """The register lists the safeguards, then says what would move the risk: where any one of
    them would, and all to the same level, it says so without naming them all again."""
    assessment, _ = planned
    bulk = next(r for r in assessment.risks if r.id == "risk-on-demand-bulk")
    assert len(bulk.mitigations) > 1
    assert {e.title for e in bulk.if_verified} == {m.title for m in bulk.mitigations}
    (effect, *_) = bulk.if_verified
    assert risk_still(bulk) == (
        "Its level does not move: verifying any one of these safeguards would lower its "
        f"likelihood to {effect.residual_likelihood} ({effect.residual_level})."
    )
    assert risk_safeguards(bulk).count(bulk.mitigations[0].title) == 1


def test_the_safeguards_of_a_risk_are_one_sentence_and_unknown_ones_are_not_called_none(
    planned: tuple[Assessment, Case],
) -> None:
    assessment, _ = planned
    for r in assessment.risks:
        text = risk_safeguards(r)
        assert text.endswith(").")
        assert all(f"{m.title} (" in text for m in r.mitigations)
    first = assessment.risks[0]
    unknown = first.model_copy(update={"mitigations": UNKNOWN_LIST, "if_verified": ()})
    none = first.model_copy(update={"mitigations": ()})
    assert risk_safeguards(unknown) == ""
    assert "does not establish which safeguards" in risk_still(unknown)
    assert risk_safeguards(none) == "No safeguard recorded."
