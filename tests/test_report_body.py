"""The report a privacy officer signs: a decision page, the body in the order of the agency's
template (its profile), plain words, and paper and layout a reader can use.

The PDFs of both shipped cases are rendered once per session; layout checks (rows split across
pages, near-empty pages) read WeasyPrint's own page boxes for the ICE–IRS report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from helpers import MINIMAL, ROOT, outline_titles
from pia.cel.rubric import load_rubrics
from pia.cli import main
from pia.engine import assess
from pia.engine.digest import MAX_RECOMMENDATIONS, digest
from pia.load.case import load_case_file
from pia.load.profile import choose_paper, choose_profile, load_profile
from pia.model.case import Case, ReportSettings, SignOff
from pia.model.diagnostics import DiagnosticError
from pia.model.entries import declared_entries
from pia.render.html import render_html

STATE = ROOT / "cases" / "irs-state-exchange.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"
LETTER = (612, 792)
A4 = (595, 842)
#: Where the body ends: the first appendix's bookmark.
FIRST_APPENDIX = "Appendix A. Indicator trace"


@pytest.fixture(scope="session")
def state_pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    out = tmp_path_factory.mktemp("state")
    assert main(["assess", str(STATE), "--out", str(out)]) == 0
    return PdfReader(str(out / "irs-state-exchange.pdf"))


@pytest.fixture(scope="session")
def ice_html() -> str:
    cf = load_case_file(ICE)
    rubrics = load_rubrics()
    return render_html(assess(cf.case, rubrics, case_sha256=cf.sha256), cf.case, rubrics=rubrics)


def _render(case_path: Path, tmp_path: Path, *options: str) -> PdfReader:
    assert (
        main(["assess", str(case_path), "--rubric", "core", "--out", str(tmp_path), *options]) == 0
    )
    return PdfReader(str(tmp_path / f"{load_case_file(case_path).case.id}.pdf"))


def body_pages(reader: PdfReader) -> int:
    """Pages before the first appendix, found by its bookmark."""

    def find(items: list[Any]) -> int | None:
        for item in items:
            if isinstance(item, list):
                found = find(item)
                if found is not None:
                    return found
            elif str(item.title) == FIRST_APPENDIX:
                return reader.get_destination_page_number(item)
        return None

    page = find(reader.outline)
    assert page is not None, "the report has no Appendix A bookmark"
    return page


def body_text(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() or "" for p in reader.pages[: body_pages(reader)])


def size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


# --- length and paper ------------------------------------------------------------------------


def test_ice_irs_body_is_at_most_40_letter_pages(ice_pdf: PdfReader) -> None:
    assert size(ice_pdf) == LETTER
    assert body_pages(ice_pdf) <= 40


def test_dhs_profile_prints_on_letter_and_edpb_on_a4(tmp_path: Path) -> None:
    assert size(_render(MINIMAL, tmp_path / "dhs", "--profile", "dhs")) == LETTER
    assert size(_render(MINIMAL, tmp_path / "edpb", "--profile", "edpb")) == A4


def test_paper_option_overrides_the_profile(tmp_path: Path) -> None:
    assert size(_render(MINIMAL, tmp_path, "--profile", "edpb", "--paper", "letter")) == LETTER


def test_every_appendix_heading_and_bookmark_begins_with_appendix(ice_pdf: PdfReader) -> None:
    titles = outline_titles(ice_pdf)
    first = titles.index(FIRST_APPENDIX)
    top_level = [str(item.title) for item in ice_pdf.outline if not isinstance(item, list)]
    after = [t for t in top_level if titles.index(t) >= first]
    assert after == [
        "Appendix A. Indicator trace",
        "Appendix B. The case in full",
        "Appendix C. Every fact that could change the rating",
        "Appendix D. Sources",
    ]


# --- page one --------------------------------------------------------------------------------


def test_page_one_states_the_conclusion_the_findings_and_the_decision_sought(
    ice_pdf: PdfReader,
) -> None:
    first = " ".join((ice_pdf.pages[0].extract_text() or "").split())
    assert (
        "it rates “Severely deficient” against the DHS Fair Information Practice Principles"
        in first
    )
    assert "Rating under the DHS Fair Information Practice Principles: Severely deficient" in first
    assert "Findings that matter most" in first
    for option in ("Approve", "Approve with conditions", "Do not approve", "Refer"):
        assert f"☐ {option}" in first
    assert "As of 2 December 2026" in first
    assert "Prepared by" in first
    assert "System owner" in first


def test_top_findings_are_three_to_five_criteria_of_the_primary_rubric_critical_first() -> None:
    cf = load_case_file(ICE)
    result = digest(assess(cf.case, load_rubrics()), cf.case, load_profile("dhs"))
    top = result.top_findings
    assert 3 <= len(top) <= 5
    assert all(f.criterion.startswith("fipps.") for f in top)
    criticals = [f.critical for f in top]
    assert criticals == sorted(criticals, reverse=True)
    assert all(f.text and f.sources for f in top)


def test_the_edpb_profile_takes_gdpr_as_its_primary_rubric() -> None:
    cf = load_case_file(ICE)
    result = digest(assess(cf.case, load_rubrics()), cf.case, load_profile("edpb"))
    assert result.primary_rubric == "gdpr-dpia"
    assert "GDPR" in result.conclusion


# --- recommendations and actions -------------------------------------------------------------


def test_recommendations_are_consolidated_across_rubrics_and_tied_to_actions() -> None:
    cf = load_case_file(ICE)
    assessment = assess(cf.case, load_rubrics())
    recs = digest(assessment, cf.case, load_profile("dhs")).recommendations
    assert len(recs) <= MAX_RECOMMENDATIONS
    answered = [c for rec in recs for c in rec.criteria]
    assert sorted(answered) == sorted(r.criterion for r in assessment.recommendations)
    security = next(rec for rec in recs if "fipps.security" in rec.criteria)
    assert security.actions == ("act-ice-safeguard-cap",)
    assert any(not rec.actions for rec in recs)


def test_a_recommendation_without_an_action_says_so(ice_html: str) -> None:
    plan = ice_html[ice_html.index('id="action-plan"') : ice_html.index('id="crosswalk"')]
    assert "No action recorded." in plan
    assert "ICE corrective action plan for open IRS safeguard findings" in plan


def test_the_risk_register_shows_before_and_after_with_the_treatment(ice_html: str) -> None:
    plan = ice_html[ice_html.index('id="action-plan"') : ice_html.index('id="crosswalk"')]
    assert "Before → after" in plan
    assert "Its level does not move: verifying" in plan


# --- plain language --------------------------------------------------------------------------


def _forbidden_terms(case: Case) -> set[str]:
    """Entry and criterion ids. The report numbers flows F1, F2... and risks R1, R2...; an id of
    that shape cannot be told apart from those numbers, so it is not counted."""
    ids = {d.id for d in declared_entries(case)} | {a.id for a in case.actions}
    ids = {i for i in ids if not re.fullmatch(r"[FR]\d+", i)}
    for loaded in load_rubrics():
        ids |= {f"{loaded.rubric.id}.{c.id}" for c in loaded.rubric.criteria}
    return ids


@pytest.mark.parametrize("which", ["ice", "state"])
def test_body_has_no_ids_backticks_raw_urls_or_snake_case(
    which: str, ice_pdf: PdfReader, state_pdf: PdfReader
) -> None:
    reader, path = (ice_pdf, ICE) if which == "ice" else (state_pdf, STATE)
    text = body_text(reader)
    words = set(re.findall(r"[\w.-]+", text))
    leaked = sorted(words & _forbidden_terms(load_case_file(path).case))
    assert leaked == []
    assert "`" not in text
    assert "<http" not in text
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []


def test_bookmarks_carry_no_ids(ice_pdf: PdfReader) -> None:
    titles = outline_titles(ice_pdf)
    terms = _forbidden_terms(load_case_file(ICE).case)
    assert [t for t in titles if set(re.findall(r"[\w.-]+", t)) & terms] == []


def test_footers_carry_the_short_title(ice_pdf: PdfReader) -> None:
    second = ice_pdf.pages[2].extract_text() or ""
    assert "IRS–ICE taxpayer-address sharing MOU (2025)" in second


def test_footers_carry_the_pia_identifier_when_the_case_gives_one(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8") + "sign_off:\n  pia_id: DHS/TEST/PIA-001\n"
    case = tmp_path / "signed.yaml"
    case.write_text(text, encoding="utf-8")
    reader = _render(case, tmp_path)
    assert "DHS/TEST/PIA-001" in (reader.pages[1].extract_text() or "")


# --- sign-off --------------------------------------------------------------------------------


def test_sign_off_leaves_a_blank_line_for_each_field_the_case_does_not_give(ice_html: str) -> None:
    officials = ice_html[ice_html.index('id="officials"') : ice_html.index('id="signature"')]
    for field in ("Identifier", "Preparer", "System or program owner", "Component privacy officer"):
        row = officials[officials.index(f"<th>{field}</th>") :]
        assert row.split("</tr>", 1)[0].count('class="blank"') == 1, field


def test_a_decision_taken_is_ticked(tmp_path: Path) -> None:
    cf = load_case_file(MINIMAL)
    case = cf.case.model_copy(update={"sign_off": SignOff(decision="refer", conditions="None.")})
    rubrics = load_rubrics(["core"])
    html = render_html(assess(case, rubrics), case)
    assert "☒ Refer" in html
    assert "☐ Approve" in html


# --- profiles --------------------------------------------------------------------------------


def test_profile_comes_from_the_option_then_the_case_then_the_jurisdiction() -> None:
    case = load_case_file(MINIMAL).case
    assert choose_profile(case).id == "dhs"
    eu = case.model_copy(update={"report": ReportSettings(jurisdiction="eu")})
    assert choose_profile(eu).id == "edpb"
    assert choose_paper(eu, choose_profile(eu)) == "a4"
    named = case.model_copy(update={"report": ReportSettings(profile="edpb", paper="letter")})
    assert choose_profile(named).id == "edpb"
    assert choose_paper(named, choose_profile(named)) == "letter"
    assert choose_profile(named, "dhs").id == "dhs"


def test_an_unknown_profile_is_a_diagnostic_not_a_traceback() -> None:
    with pytest.raises(DiagnosticError):
        load_profile("nist")


def test_edpb_body_follows_the_edpb_template(tmp_path: Path) -> None:
    cf = load_case_file(ICE)
    rubrics = load_rubrics()
    html = render_html(assess(cf.case, rubrics), cf.case, profile="edpb")
    headings = re.findall(
        r'<section class="chapter kind-\w+" id="[\w-]+">\s*<h1>([^<]+)</h1>', html
    )
    assert headings[:7] == [
        "0. Technical Sheet and Triggers",
        "1. Description of the Processing",
        "2. Lawfulness, Necessity and Proportionality",
        "3. Inherent Risk",
        "4. Action Plan and Residual Risk",
        "5. Views of the DPO and Data Subjects",
        "6. Decision",
    ]


# --- figures ---------------------------------------------------------------------------------


class _Figures(HTMLParser):
    """Every image, and whether it sits in a figure with a caption."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, bool]] = []
        self._in_figure = False
        self._pending: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "figure":
            self._in_figure, self._pending = True, []
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            if self._in_figure:
                self._pending.append(alt)
            else:
                self.images.append((alt, False))
        elif tag == "figcaption" and self._in_figure:
            self.images += [(alt, True) for alt in self._pending]
            self._pending = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.images += [(alt, False) for alt in self._pending]
            self._in_figure = False


def test_every_chart_and_diagram_has_a_caption_and_alt_text(ice_html: str) -> None:
    parser = _Figures()
    parser.feed(ice_html)
    assert len(parser.images) >= 7  # flows, risk map, score history, four scorecards
    assert all(alt.strip() and captioned for alt, captioned in parser.images)


def test_the_methodology_lists_waivers_and_charts_the_score_over_time(ice_html: str) -> None:
    method = ice_html[ice_html.index('id="methodology"') : ice_html.index('id="appendix-trace"')]
    assert 'alt="DHS Fair Information Practice Principles score over time' in method
    # The shipped cases accept no warning on the record today; a case with a waiver:
    cf = load_case_file(ROOT / "tests" / "data" / "waivers" / "entry-waiver.yaml")
    rubrics = load_rubrics(["core"])
    html = render_html(assess(cf.case, rubrics), cf.case, rubrics=rubrics)
    method = html[html.index('id="methodology"') : html.index('id="appendix-trace"')]
    assert "Warnings accepted on the record" in method
    assert "A flow names no legal authority" in method
    assert "name no authority for the transfer" in method  # the waiver's reason, in its words


# --- layout ----------------------------------------------------------------------------------


def _laid_out(path: Path) -> list[Any]:
    """WeasyPrint's laid-out pages of a shipped case's report."""
    import weasyprint

    from pia.render.pdf import PiaFetcher

    cf = load_case_file(path)
    rubrics = load_rubrics()
    html = render_html(
        assess(cf.case, rubrics, case_sha256=cf.sha256), cf.case, rubrics=rubrics, for_pdf=True
    )
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=PiaFetcher()).render()
    return list(document.pages)


@pytest.fixture(scope="session")
def ice_pages() -> list[Any]:
    """WeasyPrint's laid-out pages of the ICE–IRS report."""
    return _laid_out(ICE)


@pytest.fixture(scope="session")
def state_pages() -> list[Any]:
    """WeasyPrint's laid-out pages of the state-exchange report."""
    return _laid_out(STATE)


def _boxes(box: Any, parent: Any = None) -> Iterator[tuple[Any, Any]]:
    yield box, parent
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child, box)


def _split_rows(pages: list[Any]) -> list[list[tuple[int, float, float]]]:
    """Rows laid out on more than one page though shorter than a page, each as its parts
    (page, height, page height). Rows a cell spans (a fact and the values it could be settled
    as) count as one row: they are split if they do not all fall on one page."""
    rows: dict[int, list[tuple[int, float, float]]] = {}
    spanned: dict[int, int] = {}  # a row's element -> the element of the row whose cell spans it
    open_spans: dict[int, tuple[int, int | None]] = {}  # a row group's element -> rows still
    for number, page in enumerate(pages):  # spanned, and by which row (a group may go on)
        height = page._page_box.height
        for box, parent in _boxes(page._page_box):
            if type(box).__name__ == "TableRowGroupBox" and not box.is_header:
                pending, owner = open_spans.get(id(box.element), (0, None))
                for row in box.children:
                    span = max((getattr(c, "rowspan", 1) for c in row.children), default=1)
                    if pending > 0 and owner is not None:
                        spanned[id(row.element)] = owner
                        pending -= 1
                    if span > 1:
                        owner, pending = id(row.element), span - 1
                open_spans[id(box.element)] = (pending, owner)
            if type(box).__name__ == "TableRowBox" and not getattr(parent, "is_header", False):
                rows.setdefault(id(box.element), []).append((number, box.height, height))
    for row, owner in spanned.items():
        if row in rows and owner in rows:
            rows[owner] = rows[owner] + rows.pop(row)
    return [
        parts
        for parts in rows.values()
        if len({n for n, _, _ in parts}) > 1 and sum(h for _, h, _ in parts) < 0.9 * parts[0][2]
    ]


def test_no_table_row_is_split_across_pages_unless_it_alone_exceeds_a_page(
    ice_pages: list[Any], state_pages: list[Any]
) -> None:
    assert _split_rows(ice_pages) == []
    assert _split_rows(state_pages) == []


def _pdf_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


@pytest.mark.parametrize("which", ["ice", "state"])
def test_no_word_is_broken_across_lines(
    which: str, ice_pdf: PdfReader, state_pdf: PdfReader
) -> None:
    """Every word the PDF prints is a word of the report ("Lawfuln" and "ess" are not): words
    wrap whole. The report's words are its HTML text and the text of its charts."""
    import base64

    reader, path = (ice_pdf, ICE) if which == "ice" else (state_pdf, STATE)
    html = _shipped_case_html(path)[1]
    charts = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text) + " ".join(base64.b64decode(c).decode() for c in charts)
    from html import unescape

    known = _pdf_words(unescape(text))
    broken = {
        n + 1: sorted(_pdf_words(page.extract_text() or "") - known)
        for n, page in enumerate(reader.pages)
    }
    assert {n: words for n, words in broken.items() if words} == {}


def test_no_page_is_less_than_a_third_full_except_before_a_chapter(ice_pages: list[Any]) -> None:
    starts: dict[int, int] = {}
    fill = []
    for number, page in enumerate(ice_pages):
        box = page._page_box
        top, bottom = box.content_box_y(), box.content_box_y()
        for child, _ in _boxes(box):
            element = getattr(child, "element", None)
            if element is not None and element.tag == "section":
                starts.setdefault(id(element), number)
            drawn = type(child).__name__ in ("LineBox", "TableRowBox", "BlockReplacedBox")
            if drawn and child.position_y < top + box.height:
                bottom = max(bottom, child.position_y + child.height)
        fill.append((bottom - top) / box.height)
    chapter_pages = set(starts.values())
    sparse = [
        n + 1 for n, share in enumerate(fill[:-1]) if share < 1 / 3 and (n + 1) not in chapter_pages
    ]
    assert sparse == []


@pytest.mark.parametrize("profile", ["dhs", "edpb"])
def test_every_criterion_of_the_primary_rubric_and_every_risk_is_discussed_once(
    profile: str,
) -> None:
    cf = load_case_file(ICE)
    assessment = assess(cf.case, load_rubrics())
    result = digest(assessment, cf.case, load_profile(profile))
    primary = next(r for r in assessment.rubrics if r.id == result.primary_rubric)
    placed = [c for plan in result.sections for c in plan.criteria]
    assert sorted(placed) == sorted(c.id for c in primary.criteria)
    risks = [r for plan in result.sections for r in plan.risks] + list(result.unplaced_risks)
    assert sorted(risks) == sorted(r.id for r in assessment.risks)


def test_the_paper_option_offers_exactly_the_papers_the_format_knows() -> None:
    from typing import get_args

    from pia.cli.options import PAPERS
    from pia.model.profile import Paper

    assert get_args(Paper) == PAPERS


# --- one numbering of flows ----------------------------------------------------------------

#: A flow label as a reader sees one printed: F and a number, with the letter some cases add.
FLOW_TOKEN = re.compile(r"\bF\d+[a-z]?\b")
#: Elements that have no end tag, so never enclose text.
_VOID = frozenset({"br", "img", "col", "meta", "hr", "input", "link", "wbr"})


class _FlowLabels(HTMLParser):
    """Every flow label printed in a report's HTML, with the flow it names: the flow whose
    record the nearest enclosing link points to, or whose record the nearest enclosing element
    is (None where neither encloses it)."""

    def __init__(self, flow_ids: set[str]) -> None:
        super().__init__()
        self.flow_ids = flow_ids
        self.stack: list[str | None] = []
        self.seen: list[tuple[str, str | None]] = []
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("alt"):
            self.alts.append(str(found["alt"]))
        if tag in _VOID:
            return
        target = (found.get("href") or "").removeprefix("#entry-") if tag == "a" else ""
        anchor = (found.get("id") or "").removeprefix("entry-")
        flow = next((f for f in (target, anchor) if f in self.flow_ids), None)
        self.stack.append(flow)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        flow = next((f for f in reversed(self.stack) if f is not None), None)
        self.seen += [(token, flow) for token in FLOW_TOKEN.findall(data)]


def _shipped_case_html(path: Path) -> tuple[Case, str]:
    cf = load_case_file(path)
    rubrics = load_rubrics()
    return cf.case, render_html(
        assess(cf.case, rubrics, case_sha256=cf.sha256), cf.case, rubrics=rubrics
    )


@pytest.mark.parametrize("path", [ICE, STATE], ids=["ice", "state"])
def test_every_flow_label_printed_in_the_html_names_the_same_flow_everywhere(path: Path) -> None:
    """The body, the diagram's text, Appendix A's evidence and unknown facts, Appendix B and
    Appendix C: "F7" is one flow wherever it is printed, numbered in the case's order, even
    where the case's own id for a flow is another flow's label (as in the state exchange)."""
    case, html = _shipped_case_html(path)
    labels = {f.id: f"F{n}" for n, f in enumerate(case.flows, start=1)}
    parser = _FlowLabels(set(labels))
    parser.feed(html)
    assert parser.seen, "the report prints no flow label"
    assert [(token, flow) for token, flow in parser.seen if flow is None] == []
    assert [(token, flow) for token, flow in parser.seen if token != labels[flow]] == []
    named = {token for alt in parser.alts for token in FLOW_TOKEN.findall(alt)}
    assert named <= set(labels.values())
    for f in case.flows:
        if any(f.title in alt for alt in parser.alts):
            assert any(f"{labels[f.id]} {f.title}" in alt for alt in parser.alts)


@pytest.mark.parametrize("which", ["ice", "state"])
def test_the_pdf_and_markdown_print_only_the_reports_own_flow_labels(
    which: str, ice_pdf: PdfReader, state_pdf: PdfReader, tmp_path: Path
) -> None:
    reader, path = (ice_pdf, ICE) if which == "ice" else (state_pdf, STATE)
    case = load_case_file(path).case
    labels = {f"F{n}" for n in range(1, len(case.flows) + 1)}
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert set(FLOW_TOKEN.findall(text)) <= labels
    assert main(["assess", str(path), "--out", str(tmp_path), "--format", "md", "-q"]) == 0
    markdown = (tmp_path / f"{case.id}.md").read_text(encoding="utf-8")
    assert set(FLOW_TOKEN.findall(markdown)) <= labels
    for n, f in enumerate(case.flows, start=1):
        assert re.search(rf"\| F{n} \| {re.escape(f.title[:30])}", markdown), f.title


# --- page one: residual risk, links, and the date the conclusion speaks for -------------------


def test_page_one_says_how_many_risks_the_safeguards_lower_and_which_remain_worst(
    ice_pdf: PdfReader,
) -> None:
    cf = load_case_file(ICE)
    risks = assess(cf.case, load_rubrics()).risks
    assert all(r.residual_likelihood == r.inherent_likelihood for r in risks)  # as the case stands
    critical = [r for r in risks if r.residual_level == "critical"]
    assert 1 < len(critical) < len(risks)
    first = " ".join((ice_pdf.pages[0].extract_text() or "").split())
    assert (
        f"{len(risks)} privacy risks; no safeguard in effect lowers any. {len(critical)} are "
        f"critical after safeguards, including “{critical[0].title}”."
    ) in first


def test_page_one_says_so_when_safeguards_lower_some_risks(state_pdf: PdfReader) -> None:
    cf = load_case_file(STATE)
    risks = assess(cf.case, load_rubrics()).risks
    lowered = [r for r in risks if r.residual_likelihood < r.inherent_likelihood]
    assert 0 < len(lowered) < len(risks)
    first = " ".join((state_pdf.pages[0].extract_text() or "").split())
    assert (
        f"{len(risks)} privacy risks; the safeguards in effect lower {len(lowered)} of them."
        in (first)
    )


def test_page_one_links_each_finding_to_the_body_and_the_rating_to_its_trace(
    ice_html: str,
) -> None:
    cf = load_case_file(ICE)
    assessment = assess(cf.case, load_rubrics())
    result = digest(assessment, cf.case, load_profile("dhs"))
    page_one = ice_html[: ice_html.index('<nav class="toc">')]
    for f in result.top_findings:
        assert f'<a href="#finding-{f.criterion}"><strong>{f.title}:' in page_one
        assert ice_html.count(f'id="finding-{f.criterion}"') == 1
    assert f'<a href="#rubric-{result.primary_rubric}"><span class="band' in page_one
    assert f'id="rubric-{result.primary_rubric}"' in ice_html


def test_a_conclusion_on_an_older_record_is_dated_by_the_record_not_the_assessment(
    state_pdf: PdfReader,
) -> None:
    """The state exchange's latest known fact is from August 2024; it is assessed in November
    2026. What the report knows is the record, not the arrangement on the assessment date."""
    first = " ".join((state_pdf.pages[0].extract_text() or "").split())
    assert (
        "As the public record stood (latest fact known 2024-08; assessed 25 November 2026), "
        "it rates “Needs improvement”" in first
    )
    assert "As the arrangement stood" not in first


def test_a_conclusion_on_a_current_record_speaks_for_the_assessment_date() -> None:
    cf = load_case_file(MINIMAL)
    assert cf.case.knowledge_cutoff is None
    html = render_html(assess(cf.case, load_rubrics()), cf.case)
    assert "As the arrangement stood on " in html
    assert "As the public record stood" not in html


@pytest.mark.parametrize(
    ("latest", "older"),
    [
        ("2024-08", True),
        ("2026-11", False),
        ("2026-11-25", False),
        ("2026-11-24", True),
        ("2019/2024-08~", True),
        ("2026~", False),
    ],
)
def test_a_partial_latest_fact_is_older_only_if_it_ends_before_the_assessment_date(
    latest: str, older: bool
) -> None:
    from datetime import date

    from pia.engine.digest import record_is_older

    assert record_is_older(latest, date(2026, 11, 25)) is older


# --- a level that rests on unknown facts --------------------------------------------------


def test_a_level_resting_on_unknown_facts_says_how_far_it_could_rise_in_body_and_page_one(
    ice_html: str,
) -> None:
    """Not "not demonstrated" (which reads as "the failure is not demonstrated"): the level, and
    how far settling the unknown facts could raise it, with the way to what would change it."""
    cf = load_case_file(ICE)
    assessment = assess(cf.case, load_rubrics())
    result = digest(assessment, cf.case, load_profile("dhs"))
    primary = next(r for r in assessment.rubrics if r.id == result.primary_rubric)
    labels = {lv.id: lv.label.lower() for lv in primary.scale}
    assert "Not demonstrated:" not in ice_html
    page_one, body = ice_html.split('<nav class="toc">', 1)
    open_levels = [
        c for c in primary.criteria if c.basis == "not_demonstrated" and c.governed_by == "derived"
    ]
    assert open_levels
    for c in open_levels:
        finding = body[body.index(f'id="finding-{c.id}"') :]
        finding = finding[: finding.index("</div>")]
        could = f"it could rise to {labels[c.best_case_level]}"
        assert (could in finding) is (c.best_case_level != c.level), c.id
        if c.best_case_level != c.level:
            assert 'href="#gaps"' in finding
    for f in result.top_findings:
        c = next(c for c in primary.criteria if c.id == f.criterion)
        item = page_one[page_one.index(f'href="#finding-{c.id}"') :].split("</li>", 1)[0]
        shown = f"could rise to {labels[c.best_case_level]}</a> if facts" in item
        assert shown is (c in open_levels and c.best_case_level != c.level), c.id


# --- bookmarks --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["ice", "state"])
def test_bookmarks_of_findings_read_as_words_not_badge_text(
    which: str, ice_pdf: PdfReader, state_pdf: PdfReader
) -> None:
    """A finding's heading shows its level and "critical" as badges; its bookmark says them in
    words ("Use Limitation: Not met (critical)"), and each section's findings are told apart."""
    reader, path = (ice_pdf, ICE) if which == "ice" else (state_pdf, STATE)
    titles = outline_titles(reader)
    cf = load_case_file(path)
    assessment = assess(cf.case, load_rubrics())
    primary = next(r for r in assessment.rubrics if r.id == "fipps")
    for c in primary.criteria:
        expected = f"{c.title}: {c.label}" + (" (critical)" if c.critical else "")
        assert expected in titles
    badges = ("critical", "reported", "alleged", "disputed", "high", "medium", "low")
    assert [t for t in titles if t.split()[-1] in badges] == []
    findings = [t for t in titles if "findings" in t.lower()]
    assert len(findings) == len(set(findings))


def _synthetic_pages(css: str) -> list[Any]:
    """A page whose foot leaves room for one row of a fact whose three rows a cell spans."""
    import weasyprint

    rows = "".join(
        f'<tr style="height: 15mm">{"<td rowspan=3>fact</td>" if n == 0 else ""}<td>v{n}</td></tr>'
        for n in range(3)
    )
    html = (
        f"<style>{css} @page {{ size: letter; }}</style><div style='height: 205mm'></div>"
        f'<table><tbody class="fact">{rows}</tbody></table>'
    )
    return list(weasyprint.HTML(string=html).render().pages)


def test_a_facts_rows_stay_together_and_the_split_check_sees_them_apart() -> None:
    css = (ROOT / "src" / "pia" / "render" / "assets" / "report.css").read_text(encoding="utf-8")
    assert "tbody.fact { break-inside: avoid; }" in css
    assert _split_rows(_synthetic_pages(css)) == []
    without = css.replace("tbody.fact { break-inside: avoid; }", "")
    assert len(_split_rows(_synthetic_pages(without))) == 1


# --- oversight as a timeline ------------------------------------------------------------------


def _dates_of_table_after(html: str, heading: str) -> list[str]:
    table = html[html.index(heading) :]
    table = table[table.index("<tbody") : table.index("</table>")]
    return re.findall(r"<tr[^>]*><td>([^<]*)</td>", table)


@pytest.mark.parametrize("path", [ICE, STATE], ids=["ice", "state"])
def test_oversight_is_listed_by_date_undated_last_in_body_and_appendix(path: Path) -> None:
    """Whatever order the case writes its oversight in (here: the shipped case's, reversed)."""
    shipped = load_case_file(path).case
    case = shipped.model_copy(update={"oversight": tuple(reversed(shipped.oversight))})
    html = render_html(assess(case, load_rubrics(["fipps"])), case)
    dated = [str(o.date) for o in case.oversight if o.date != "unknown"]
    assert dated != sorted(dated), "the case lists its oversight out of date order"
    expected = sorted(dated) + ["unknown"] * (len(case.oversight) - len(dated))
    assert _dates_of_table_after(html, "<h2>Oversight</h2>") == expected
    assert _dates_of_table_after(html, '<h2 id="oversight">') == expected


# --- a section's empty parts are said, not left out ----------------------------------------


@pytest.mark.parametrize("path", [ICE, STATE], ids=["ice", "state"])
def test_a_section_with_no_risk_or_no_finding_says_so(path: Path, tmp_path: Path) -> None:
    case, html = _shipped_case_html(path)
    assessment = assess(case, load_rubrics())
    profile = load_profile("dhs")
    plans = {p.section: p for p in digest(assessment, case, profile).sections}
    no_risk = "No privacy risk is mapped to this section"
    no_criterion = "No criterion of the DHS Fair Information Practice Principles is mapped to"
    said = {"risk": 0, "criterion": 0}
    for s in profile.sections:
        if s.kind != "topic":
            continue
        body = html[html.index(f'id="{s.id}"') :]
        body = body[: body.index("</section>")]
        plan = plans[s.id]
        assert (no_risk in body) is (s.risks and not plan.risks), s.id
        assert (no_criterion in body) is (bool(s.topics) and not plan.criteria), s.id
        said["risk"] += no_risk in body
        said["criterion"] += no_criterion in body
    assert main(["assess", str(path), "--out", str(tmp_path), "--format", "md", "-q"]) == 0
    markdown = (tmp_path / f"{case.id}.md").read_text(encoding="utf-8")
    assert markdown.count(no_risk) == said["risk"]
    assert markdown.count(no_criterion) == said["criterion"]
    assert said["risk"] + said["criterion"] > 0


# --- what a fact could be settled as, in words about its field -----------------------------


def _yes_no_fields() -> set[tuple[str, str]]:
    """(case section, field) of every field of the case format that holds yes, no or unknown,
    in a section's entries or in the models they hold: the fields a fact can be unknown in and
    settled as yes or no (a plain yes-or-no field is never unknown)."""
    from pia.model.introspect import literal_values, models_in, unwrap

    found: set[tuple[str, str]] = set()

    def walk(section: str, model: type[Any], seen: set[type[Any]]) -> None:
        for name, info in model.model_fields.items():
            if bool in unwrap(info.annotation) and "unknown" in literal_values(info.annotation):
                found.add((section, info.alias or name))
            for inner in models_in(info.annotation):
                if inner not in seen:
                    walk(section, inner, seen | {inner})

    for section, info in Case.model_fields.items():
        for model in models_in(info.annotation):
            walk(section, model, {model})
    return found


def test_every_yes_or_no_field_of_the_case_format_is_said_in_words_when_settled() -> None:
    from pia.render.wording import SETTLED_YES

    assert _yes_no_fields() - set(SETTLED_YES) == set()
    assert set(SETTLED_YES) - _yes_no_fields() == set()


def test_a_negative_statement_settled_reads_as_the_field_not_as_true(
    ice_html: str, tmp_path: Path
) -> None:
    """ "None of the sources reports notice ..." | "If settled as: true" read as "if it is true
    that no notice was given"; the value is said of the field it settles."""
    cf = load_case_file(ICE)
    item = next(
        s
        for s in assess(cf.case, load_rubrics()).sensitivity
        if s.section == "notice" and s.field == "provided"
    )
    assert item.statement.startswith("None of the sources reports notice")
    body, appendix = ice_html.split('id="appendix-gaps"', 1)
    for part in (body[body.index('id="gaps"') :], appendix):
        assert "<td>Notice given: yes<br>" in part
        assert "<td>true<br>" not in part
        assert "<td>provided: true<br>" not in part
    assert main(["assess", str(ICE), "--out", str(tmp_path), "--format", "md", "-q"]) == 0
    markdown = (tmp_path / "ice-irs.md").read_text(encoding="utf-8")
    assert "| Notice given: yes (improves) |" in markdown


def test_the_conclusion_counts_failing_criteria_in_good_english() -> None:
    """One criterion not met "is", several "are"; a rating is named, not made an adjective."""
    rubrics = load_rubrics(["fipps"])
    said = {}
    for name, path in (("ice", ICE), ("state", STATE)):
        case = load_case_file(path).case
        said[name] = digest(assess(case, rubrics), case, load_profile("dhs")).conclusion
    assert "1 of its 8 criteria is not met" in said["state"]
    assert "6 of its 8 criteria are not met" in said["ice"]
    assert "it rates “Needs improvement” against" in said["state"]


def test_the_parties_outside_the_flows_are_named_not_described() -> None:
    """Page one's party table shows who sends, receives or acts; the rest are named in a line
    (the state exchange's were called "courts, advocates, offices": they are none of those)."""
    from html import unescape

    from pia.render.context import others_named

    case, html = _shipped_case_html(STATE)
    table = html[html.index("<h2>Parties</h2>") :]
    table = unescape(table[: table.index("</table>")])
    line = unescape(re.sub(r"<[^>]+>", "", html))
    line = line[line.index("Also recorded, outside the flows above: ") :]
    line = line[: line.index("(Appendix B)")]
    rows = set(re.findall(r"<tr><td>(?:<a [^>]*>)?([^<]*)<", table))
    outside = [unescape(p.name) for p in case.parties if unescape(p.name) not in rows]
    assert "U.S. Government Accountability Office (GAO)" in outside
    assert line == f"Also recorded, outside the flows above: {others_named(outside, 6)} "
    assert "courts, advocates" not in html
    assert others_named(["A"], 6) == "A"
    assert others_named(["A", "B", "C"], 6) == "A, B and C"
    assert others_named([str(n) for n in range(8)], 6) == "0, 1, 2, 3, 4 and 3 more"
    assert others_named([], 6) == ""
