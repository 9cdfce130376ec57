"""The Markdown report follows the profile: the same decision page, the same sections in the
profile's order, the same risks and findings under each section, the action plan and the sign-off
as the HTML and PDF body, then the trace, every fact that could change the rating and the
sources. It reads the render context the HTML reads; it ranks and selects nothing itself."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.engine import assess
from pia.engine.digest import digest
from pia.load.case import load_case_file
from pia.load.profile import load_profile
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.render.markdown import render_markdown

STATE = ROOT / "cases" / "irs-state-exchange.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"


@pytest.fixture(scope="module")
def rubrics() -> list[LoadedRubric]:
    return load_rubrics()


@pytest.fixture(scope="module")
def state(rubrics: list[LoadedRubric]) -> tuple[Assessment, Case]:
    cf = load_case_file(STATE)
    return assess(cf.case, rubrics, case_sha256=cf.sha256), cf.case


def headings(md: str, level: int) -> list[str]:
    mark = "#" * level + " "
    return [line[len(mark) :] for line in md.splitlines() if line.startswith(mark)]


def section_text(md: str, heading: str) -> str:
    """The text under one ``## heading``, up to the next."""
    start = md.index(f"\n## {heading}\n")
    end = md.find("\n## ", start + 1)
    return md[start : end if end >= 0 else len(md)]


@pytest.mark.parametrize("profile_id", ["dhs", "edpb"])
def test_the_body_has_the_profiles_sections_in_the_profiles_order(
    state: tuple[Assessment, Case], profile_id: str
) -> None:
    assessment, case = state
    md = render_markdown(assessment, case, profile=profile_id)
    profile = load_profile(profile_id)
    expected = [f"{s.number}. {s.title}" if s.number else s.title for s in profile.sections]
    body = headings(md, 2)[: len(expected)]
    assert body == expected
    assert headings(md, 2)[len(expected) :][:4] == [
        "Appendix A. Indicator trace",
        "Appendix B. The case in full",
        "Appendix C. Every fact that could change the rating",
        "Appendix D. Sources",
    ]


def test_edpb_and_dhs_differ_in_order_and_headings(state: tuple[Assessment, Case]) -> None:
    assessment, case = state
    dhs = headings(render_markdown(assessment, case, profile="dhs"), 2)
    edpb = headings(render_markdown(assessment, case, profile="edpb"), 2)
    assert dhs[0] == "Abstract"
    assert edpb[0] == "0. Technical Sheet and Triggers"
    assert "3. Inherent Risk" in edpb
    assert "3. Inherent Risk" not in dhs
    assert dhs.index("Other Frameworks") > dhs.index("Action Plan and Residual Risk")
    assert edpb.index("6. Decision") < edpb.index("Other Frameworks")


@pytest.mark.parametrize("profile_id", ["dhs", "edpb"])
def test_the_decision_page_says_what_the_engine_chose(
    state: tuple[Assessment, Case], profile_id: str
) -> None:
    assessment, case = state
    md = render_markdown(assessment, case, profile=profile_id)
    page = md[: md.index("\n## ")]
    chosen = digest(assessment, case, load_profile(profile_id))
    assert chosen.conclusion.split(":")[0].split(", it rates ")[1] in page
    assert "As the public record stood (latest fact known 2024-08; assessed 25 November" in page
    lowered = sum(r.residual_likelihood < r.inherent_likelihood for r in assessment.risks)
    assert f"privacy risks; the safeguards in effect lower {lowered} of them." in page
    assert chosen.rating.split(" (")[0] in page
    listed = re.findall(r"^\d+\. \*\*(.+?):", page, flags=re.M)
    assert listed == [f.title for f in chosen.top_findings]
    for option in ("Approve", "Approve with conditions", "Do not approve", "Refer"):
        assert f"- [ ] {option}\n" in page


def test_each_topic_section_carries_its_risks_and_findings(
    state: tuple[Assessment, Case],
) -> None:
    assessment, case = state
    profile = load_profile("dhs")
    md = render_markdown(assessment, case, profile="dhs")
    chosen = digest(assessment, case, profile)
    criteria = {c.id: c for r in assessment.rubrics for c in r.criteria}
    risks = {r.id: r for r in assessment.risks}
    numbers = {r.id: n for n, r in enumerate(assessment.risks, start=1)}
    placed = 0
    for plan in chosen.sections:
        section = next(s for s in profile.sections if s.id == plan.section)
        text = section_text(md, f"{section.number}. {section.title}")
        for rid in plan.risks:
            assert f"**Privacy risk R{numbers[rid]}:** {risks[rid].title}." in text
            placed += 1
        for cid in plan.criteria:
            assert f"#### {criteria[cid].title}: {criteria[cid].label}" in text
    assert placed, "the state exchange places at least one risk in a topic section"


def test_the_action_plan_names_each_action_and_the_sign_off_its_blanks(
    rubrics: list[LoadedRubric],
) -> None:
    cf = load_case_file(ICE)
    case = cf.case
    md = render_markdown(assess(case, rubrics, case_sha256=cf.sha256), case)
    plan = section_text(md, "Action Plan and Residual Risk")
    assert case.actions
    for act in case.actions:
        assert " ".join(act.what.split())[:40] in plan
    assert "| Review by | ____________ |" in section_text(md, "Approval Signature")


def test_every_unknown_fact_and_open_question_is_listed(state: tuple[Assessment, Case]) -> None:
    assessment, case = state
    md = render_markdown(assessment, case)
    gaps = section_text(md, "Appendix C. Every fact that could change the rating")
    for item in assessment.sensitivity:
        assert item.statement[:30] in gaps.replace("\\", "")
    for q in case.open_questions:
        assert q.question[:30] in gaps.replace("\\", "")


def test_flows_say_their_kind_and_direction(state: tuple[Assessment, Case]) -> None:
    assessment, case = state
    md = render_markdown(assessment, case)
    for f in case.flows:
        row = next(
            line for line in md.splitlines() if line.startswith(f"| F{case.flows.index(f) + 1} |")
        )
        kind = "kind unknown" if f.kind == "unknown" else f.kind.replace("_", " ")
        assert kind in row
