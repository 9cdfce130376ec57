"""The report's markup is lean where WeasyPrint spends its time, and says each thing once.

Line breaking inside inline boxes and the PDF's per-link objects are most of the render of a long
report, so a citation group is one link per source and nothing more, the indicator trace prints an
evidence list once (a row that repeats one links to the row that shows it) and leads to sources
through the case entries it links to, and the sources appendix says where each source is cited
in words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.model.assessment import Assessment
from pia.render.context import evidence_repeats, evidence_view
from pia.render.html import render_html

ROOT = Path(__file__).resolve().parent.parent
ICE = ROOT / "cases" / "ice-irs.yaml"


@pytest.fixture(scope="module")
def ice() -> tuple[Assessment, str]:
    cf = load_case_file(ICE)
    rubrics = load_rubrics()
    assessment = assess(cf.case, rubrics, case_sha256=cf.sha256)
    return assessment, render_html(assessment, cf.case, rubrics=rubrics, for_pdf=True)


def test_a_citation_group_is_one_link_per_source_with_its_punctuation_inside(
    ice: tuple[Assessment, str],
) -> None:
    _, html = ice
    group = re.search(r'(<a class="cite" href="#src-[^"]+">[^<]*</a>)+', html)
    assert group is not None
    links = re.findall(r'<a class="cite" href="#src-([^"]+)">([^<]*)</a>', group.group(0))
    text = "".join(label for _, label in links)
    assert text.startswith("[")
    assert text.endswith("]")
    for sid, label in links:
        assert sid in label
    assert '<span class="cite">' not in html


def test_a_trace_row_that_repeats_evidence_links_to_the_row_that_shows_it(
    ice: tuple[Assessment, str],
) -> None:
    assessment, html = ice
    repeats = evidence_repeats(assessment)
    assert repeats, "the four rubrics of the ICE case ask some questions alike"
    indicators = {
        (c.id, i.id): i for r in assessment.rubrics for c in r.criteria for i in c.indicators
    }
    for row, first in repeats.items():
        assert first not in repeats, "a repeat points at a row that shows the evidence itself"
        assert evidence_view(indicators[row]) == evidence_view(indicators[first])
        assert indicators[row].unknown_facts == indicators[first].unknown_facts
        assert f'id="ev-{first[0]}-{first[1]}"' in html
        assert f'href="#ev-{first[0]}-{first[1]}"' in html
    shown = html.count('<td class="small" id="ev-')
    total = sum(1 for i in indicators.values() if evidence_view(i).entries or i.unknown_facts)
    assert shown < total


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="chapter', start)
    return html[start : end if end != -1 else len(html)]


def test_trace_evidence_links_the_entries_that_carry_the_sources(
    ice: tuple[Assessment, str],
) -> None:
    _, html = ice
    trace = _section(html, "appendix-trace")
    rows = re.findall(r'<td class="small" id="ev-([^"]+)">(.*?)</td>', trace, flags=re.S)
    assert rows
    for _, cell in rows:
        assert 'href="#src-' not in cell, "a row cites no source itself"
    case = _section(html, "appendix-case")
    for _, cell in rows:
        for entry in re.findall(r'href="#entry-([^"]+)"', cell):
            assert f'id="entry-{entry}"' in html, entry
    # each linked entry in the case appendix cites its sources
    cited_rows = re.findall(r'<tr id="entry-[^"]+">(.*?)</tr>', case, flags=re.S)
    assert any('href="#src-' in row for row in cited_rows)


def test_sources_appendix_says_in_words_where_each_source_is_cited_and_what_rests_on_it(
    ice: tuple[Assessment, str],
) -> None:
    assessment, html = ice
    sources = _section(html, "sources")
    s2 = re.search(r'<li id="src-S2">(.*?)</li>', sources, flags=re.S)
    assert s2 is not None
    item = s2.group(1)
    assert "Cited in: " in item
    assert "Legal authorities" in item
    counted = re.search(r"Findings resting on it: (.*?)\.</span>", item)
    assert counted is not None
    resting = {
        r.title: sum(
            1
            for c in r.criteria
            if any("S2" in e.sources for i in c.indicators for e in i.evidence)
            or (c.judgment is not None and "S2" in c.judgment.sources)
        )
        for r in assessment.rubrics
    }
    for title, n in resting.items():
        if n:
            assert f"{n} in {title}" in counted.group(1)
    assert "<a " not in item.split("<br>")[-1], "the places are words, not links"


def test_every_internal_link_has_a_target(ice: tuple[Assessment, str]) -> None:
    _, html = ice
    targets = set(re.findall(r'\bid="([^"]+)"', html))
    dangling = sorted({t for t in re.findall(r'href="#([^"]+)"', html) if t not in targets})
    assert dangling == []
