"""The description of the arrangement names its systems (owner, operator, hosting, dated status,
what each replaces) and says what each flow is (its kind, direction and route), in the HTML and
PDF body (``_systems.html.j2``) and in the Markdown, under either profile."""

from __future__ import annotations

import pytest

from helpers import DATA
from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.render.html import render_html
from pia.render.markdown import render_markdown

SYSTEM_CASE = DATA / "system" / "parking-permits.yaml"


@pytest.fixture(scope="module")
def parking() -> tuple[Assessment, Case]:
    cf = load_case_file(SYSTEM_CASE)
    return assess(cf.case, load_rubrics(["core"])), cf.case


def names(case: Case) -> dict[str, str]:
    return {p.id: p.name for p in case.parties} | {s.id: s.name for s in case.systems}


@pytest.mark.parametrize("profile", ["dhs", "edpb"])
def test_the_description_names_each_system(parking: tuple[Assessment, Case], profile: str) -> None:
    assessment, case = parking
    html = render_html(assessment, case, profile=profile)
    body = html[: html.index('id="appendix-trace"')]
    new, legacy = case.systems
    assert "<h2>Systems</h2>" in body
    row = body[body.index(f'<tr id="entry-{new.id}">') :]
    row = row[: row.index("</tr>")]
    assert new.name in row
    assert names(case)[new.owners[0]] in row
    assert "commercial cloud" in row
    assert names(case)[new.hosted_by[0]] in row
    assert "from 2024-03: operational" in row
    assert f"replaces {legacy.name}" in row
    legacy_row = body[body.index(f'<tr id="entry-{legacy.id}">') :]
    legacy_row = legacy_row[: legacy_row.index("</tr>")]
    assert "<td>unknown</td>" in legacy_row  # its operator is not established
    assert "until 2024-03: operational; from 2024-03: retired" in legacy_row
    assert f"replaced by {new.name}" in legacy_row


def test_each_flow_says_its_kind_direction_and_route(parking: tuple[Assessment, Case]) -> None:
    assessment, case = parking
    html = render_html(assessment, case)
    table = html[html.index("<h2>What each flow is</h2>") :]
    table = table[: table.index("</table>")]
    n = names(case)
    apply_, hosting, enforcement = case.flows
    assert f"<td>collection</td><td>one way</td><td>{n[apply_.via[0]]}</td>" in table
    assert hosting.via == ()
    assert "<td>hosting</td><td>one way</td><td>direct</td>" in table
    assert "<td>disclosure</td><td>two way</td>" in table
    md = render_markdown(assessment, case)
    assert f"{n[enforcement.from_]} ↔ {n[enforcement.to]}" in md
    assert f"{n[apply_.from_]} → {n[apply_.via[0]]} → {n[apply_.to]}" in md


def test_the_markdown_has_the_systems_and_the_flow_kinds(parking: tuple[Assessment, Case]) -> None:
    assessment, case = parking
    md = render_markdown(assessment, case, profile="edpb")
    description = md[md.index("## 1. Description of the Processing") : md.index("## 2. ")]
    assert "### Systems" in description
    for system in case.systems:
        assert system.name in description
    assert "| disclosure, two way |" in description
    assert "| hosting, one way |" in description
