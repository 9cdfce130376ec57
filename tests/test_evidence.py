"""The evidence grammar: per-citation confidence, inferred claims with a basis, partial statuses
with counts, pending standing, oversight recommendations, unknown litigation fields, mirrors, and
internal notes that no report prints.

``tests/data/evidence/grammar.yaml`` uses every form once; the invalid forms are written inline.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import DATA
from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.engine.view import build_view
from pia.load.case import load_case_file, load_case_text
from pia.model.common import Citation, date_words
from pia.model.diagnostics import DiagnosticError
from pia.render.outputs import render_text, write_outputs

GRAMMAR = DATA / "evidence" / "grammar.yaml"
MARKER = "INTERNAL-NOTE-MARKER"
#: The line of the party :func:`with_party` adds (just below ``parties:``).
ADDED = GRAMMAR.read_text(encoding="utf-8").splitlines().index("parties:") + 2


def codes(text: str) -> list[tuple[str, int]]:
    """The (code, line) of every problem loading ``text`` gives."""
    with pytest.raises(DiagnosticError) as caught:
        load_case_text(text, "case.yaml")
    return [(d.code, d.line) for d in caught.value.diagnostics]


def with_party(party: str) -> str:
    """The grammar case with one more party, written as given (a YAML flow mapping)."""
    text = GRAMMAR.read_text(encoding="utf-8")
    return text.replace("parties:\n", f"parties:\n  - {party}\n", 1)


def test_a_citation_is_the_id_and_carries_its_own_confidence() -> None:
    case = load_case_file(GRAMMAR).case
    sender = next(p for p in case.parties if p.id == "sender")
    assert sender.sources == ("S1", "S2")
    plain, long = sender.sources
    assert isinstance(plain, Citation)
    assert isinstance(long, Citation)
    assert plain.confidence is None
    assert plain.confidence_in(sender.confidence) == "confirmed"
    assert long.confidence == "reported"
    assert long.confidence_in(sender.confidence) == "reported"


def test_an_inferred_claim_and_an_inferred_citation_keep_their_basis() -> None:
    data = load_case_file(GRAMMAR).case.data[0]
    assert data.confidence == "inferred"
    assert data.basis
    assert data.basis.startswith("The agreement names")
    cited = data.sources[0]
    assert isinstance(cited, Citation)
    assert (cited.confidence, cited.basis) == ("inferred", "The report lists the fields sent.")


def test_rubric_expressions_see_citations_as_ids() -> None:
    case = load_case_file(GRAMMAR).case
    view = build_view(case, case.as_of)
    sender = next(p for p in view["parties"] if p["id"] == "sender")
    assert sender["sources"] == ["S1", "S2"]


def test_inferred_without_a_basis_is_a_missing_field() -> None:
    party = "{id: x, name: X, kind: agency, sources: [S1], confidence: inferred}"
    assert codes(with_party(party)) == [("PIA-E011", ADDED)]


def test_an_inferred_citation_without_a_basis_is_a_missing_field() -> None:
    party = "{id: x, name: X, kind: agency, sources: [{source: S1, confidence: inferred}], " + (
        "confidence: reported}"
    )
    assert codes(with_party(party)) == [("PIA-E011", ADDED)]


def test_a_citation_that_is_neither_an_id_nor_a_mapping_is_a_wrong_value() -> None:
    party = "{id: x, name: X, kind: agency, sources: [3], confidence: reported}"
    assert codes(with_party(party)) == [("PIA-E012", ADDED)]


def test_a_long_citation_names_a_declared_source() -> None:
    party = "{id: x, name: X, kind: agency, sources: [{source: S9, confidence: reported}], " + (
        "confidence: reported}"
    )
    assert codes(with_party(party)) == [("PIA-E020", ADDED)]


def test_mirror_of_names_a_declared_source() -> None:
    text = GRAMMAR.read_text(encoding="utf-8").replace("mirror_of: S2", "mirror_of: S8")
    assert [code for code, _line in codes(text)] == ["PIA-E020"]


def test_a_partial_status_counts_no_more_met_than_there_are() -> None:
    case = load_case_file(GRAMMAR).case
    progress = case.safeguards[0].status[0].progress
    assert progress is not None
    assert progress.words() == "5 of 12 requirements met"
    text = GRAMMAR.read_text(encoding="utf-8").replace("{met: 5, of: 12}", "{met: 13, of: 12}")
    assert [code for code, _line in codes(text)] == ["PIA-E012"]


def test_pending_standing_recommendations_and_unknown_litigation_fields_load() -> None:
    case = load_case_file(GRAMMAR).case
    assert [s.status for s in case.authorities[0].standing] == ["pending", "in_force"]
    rec = case.oversight[0].recommendations[0]
    assert rec.addressee == "sender"
    assert [s.status for s in rec.status] == ["open"]
    assert (case.litigation[0].docket, case.litigation[0].filed) == ("unknown", "unknown")


def test_a_pending_standing_is_not_in_force_before_the_date_it_took_effect() -> None:
    case = load_case_file(GRAMMAR).case
    before = build_view(case, case.as_of.replace(month=3))
    after = build_view(case, case.as_of)
    assert before["authorities"][0]["standing"] == "pending"
    assert after["authorities"][0]["standing"] == "in_force"


def test_the_report_prints_partial_counts_and_recommendations() -> None:
    case_file = load_case_file(GRAMMAR)
    rubrics = load_rubrics()
    html = render_text("html", assess(case_file.case, rubrics), case_file, rubrics)
    assert "5 of 12 requirements met" in html
    # a citation in the long form says how surely it supports the entry
    assert '<a class="cite" href="#src-S2">[S2 (reported)' in html
    assert "Recommended to Sending agency: Log every disclosure" in html
    assert "• Logging covers requests but not disclosures." in html
    assert '• Three of the logged requests named no statute. <a class="cite"' in html


def test_internal_notes_never_print_in_any_report_format(tmp_path: Path) -> None:
    case_file = load_case_file(GRAMMAR)
    assert MARKER in GRAMMAR.read_text(encoding="utf-8")
    rubrics = load_rubrics()
    assessment = assess(case_file.case, rubrics)
    written = write_outputs(["pdf", "html", "md", "json"], tmp_path, assessment, case_file, rubrics)
    for path in written:
        if path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(path.read_bytes()))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            assert "Sending agency" in text  # the text was extracted
        else:
            text = path.read_text(encoding="utf-8")
        assert MARKER not in text, path.name


# --- figures and dates -----------------------------------------------------------------------


def with_count(figure: str) -> str:
    """The grammar case with its subject's count replaced by ``figure`` (a flow mapping)."""
    text = GRAMMAR.read_text(encoding="utf-8")
    start = text.index("      - {at_least: 40000")
    end = text.index("\n", start)
    return text[:start] + f"      - {figure}" + text[end:]


def test_a_figure_may_be_a_bound_without_a_value() -> None:
    figure = load_case_file(GRAMMAR).case.subjects[0].count[0]
    assert (figure.value, figure.at_least, figure.at_most) == ("unknown", 40000, None)


@pytest.mark.parametrize(
    "figure",
    [
        "{low: 10, at_least: 12, unit: u, sources: [S2], confidence: reported}",
        "{at_least: 12, at_most: 10, unit: u, sources: [S2], confidence: reported}",
        "{value: 9, at_least: 10, unit: u, sources: [S2], confidence: reported}",
        "{value: 11, low: 1, high: 10, unit: u, sources: [S2], confidence: reported}",
    ],
    ids=["range-and-bound", "bounds-crossed", "value-below-bound", "value-above-range"],
)
def test_a_figure_whose_bounds_disagree_is_refused(figure: str) -> None:
    assert [code for code, _line in codes(with_count(figure))] == ["PIA-E012"]


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("2025-05", "2025-05"),
        ("{earliest: 2022-10, latest: 2023-03, approximate: true}", "2022-10~/2023-03~"),
        ("{earliest: 2022-10, latest: 2023-03}", "2022-10/2023-03"),
        ("'2022-10/2023-03'", "2022-10/2023-03"),
        ("{earliest: 2022, approximate: true}", "2022~"),
        ("2022~", "2022~"),
    ],
)
def test_dates_and_ranges_are_kept_in_one_written_form(written: str, kept: str) -> None:
    text = GRAMMAR.read_text(encoding="utf-8").replace(
        "date: {earliest: 2025-02, latest: 2025-04, approximate: true}", f"date: {written}"
    )
    assert load_case_text(text, "case.yaml").timeline[0].date == kept


@pytest.mark.parametrize(
    "written",
    [
        "{earliest: 2023-03, latest: 2022-10}",
        "'2022~/2023'",
        "{earliest: 2022-13}",
        "{latest: 2022}",
    ],
    ids=["reversed", "mixed-marks", "no-such-month", "no-earliest"],
)
def test_a_malformed_date_range_is_a_wrong_value(written: str) -> None:
    text = GRAMMAR.read_text(encoding="utf-8").replace(
        "date: {earliest: 2025-02, latest: 2025-04, approximate: true}", f"date: {written}"
    )
    assert [code for code, _line in codes(text)] == ["PIA-E012"]


def test_a_ranged_date_counts_from_its_latest_bound() -> None:
    """A flow active since "February to April 2025, approximately" is not taken to run in
    March, when the sources cannot say it had begun; it runs from April."""
    case = load_case_file(GRAMMAR).case
    march = build_view(case, date(2025, 3, 15))
    april = build_view(case, date(2025, 4, 1))
    assert [f["id"] for f in march["flows"]] == []
    assert [(f["id"], f["status"]) for f in april["flows"]] == [("transfer", "active")]


def test_dates_read_in_words() -> None:
    assert date_words("2022-10~/2023-03~") == "about 2022-10 to 2023-03"
    assert date_words("2022~") == "about 2022"
    assert date_words("2025-05") == "2025-05"
