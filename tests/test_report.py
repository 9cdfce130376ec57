"""End to end: run the CLI, open the PDF with pypdf, and read it as a reader would.

The ICE–IRS report is rendered once per test session (it is the slow part); each test then
checks one property of it: structure, facts and citations, attachments, archival metadata,
links, and that `pia verify` re-derives its numbers.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import ROOT, outline_titles
from pia.cel.rubric import load_rubrics
from pia.cli import main
from pia.engine import assess
from pia.load.case import load_case_file
from pia.render.json import render_json

ICE = ROOT / "cases" / "ice-irs.yaml"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
HOSTILE = ROOT / "tests" / "data" / "hostile" / "case.yaml"


def test_assess_writes_every_requested_format(ice_report: Path) -> None:
    names = sorted(p.name for p in ice_report.iterdir())
    assert names == ["ice-irs.html", "ice-irs.json", "ice-irs.md", "ice-irs.pdf"]


def test_report_is_a_long_document_with_numbered_pages(ice_pdf: PdfReader, ice_text: str) -> None:
    pages = len(ice_pdf.pages)
    assert pages > 30
    assert f"Page 2 of {pages}" in ice_text


def test_chapters_appear_in_the_order_of_the_dhs_template_as_bookmarks(ice_pdf: PdfReader) -> None:
    chapters = [
        "Abstract",
        "Overview",
        "1. Authorities and Other Requirements",
        "2. Characterization of the Information",
        "3. Uses of the Information",
        "4. Notice",
        "5. Data Retention",
        "6. Information Sharing",
        "7. Redress",
        "8. Auditing and Accountability",
        "Action Plan and Residual Risk",
        "Responsible Officials",
        "Approval Signature",
        "Glossary",
        "How this assessment was made",
        "Appendix A. Indicator trace",
        "Appendix B. The case in full",
        "Appendix C. Every fact that could change the rating",
        "Appendix D. Sources",
    ]
    titles = outline_titles(ice_pdf)
    positions = [titles.index(chapter) for chapter in chapters]
    assert positions == sorted(positions)


def test_table_of_contents_gives_page_numbers(ice_pdf: PdfReader) -> None:
    toc = " ".join((ice_pdf.pages[1].extract_text() or "").split())
    assert "Contents" in toc
    assert any(ch.isdigit() for ch in toc.split("Sources")[-1])


def test_key_facts_of_the_case_are_reported(ice_text: str) -> None:
    for fact in (
        "April 7, 2025",
        "6103(i)(2)",
        "Centro de Trabajadores Unidos v. Bessent",
        "1:25-cv-00677",
        "Kollar-Kotelly",
        "Talwani",
        "TIGTA",
        "Kiteworks",
    ):
        assert fact in ice_text, fact


def test_findings_carry_citation_markers_that_the_sources_section_lists(ice_text: str) -> None:
    assert "[S79" in ice_text or "S79]" in ice_text
    sources = ice_text.split("Appendix D. Sources")[-1]
    assert "S79 IRS acting commissioner is resigning" in ice_text or "S79" in sources


def test_attachments_are_the_inputs_and_the_result(ice_pdf: PdfReader, ice_report: Path) -> None:
    files = {name: data[0] for name, data in ice_pdf.attachments.items()}
    assert files["case-ice-irs.yaml"] == ICE.read_bytes()
    for loaded in load_rubrics():
        assert files[f"rubric-{loaded.rubric.id}.yaml"] == loaded.text.encode("utf-8")
    assert files["assessment.json"] == (ice_report / "ice-irs.json").read_bytes()


def test_pdf_is_marked_pdf_a_3_and_tagged(ice_pdf: PdfReader) -> None:
    root = ice_pdf.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]


def test_document_metadata_comes_from_the_case(ice_pdf: PdfReader) -> None:
    info = ice_pdf.metadata
    assert info is not None
    assert "IRS–ICE memorandum of understanding" in str(info.title)
    assert "pia project" in str(info.author)
    assert str(info.get("/CreationDate", "")).startswith("D:20261202")


def test_internal_links_resolve(ice_pdf: PdfReader) -> None:
    destinations = set(ice_pdf.named_destinations)
    targets = []
    for page in ice_pdf.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if "/Dest" in annot:
                targets.append(str(annot["/Dest"]))
            elif action is not None and "/D" in action:
                targets.append(str(action["/D"]))
    assert targets, "the report should link citations and cross-references"
    missing = sorted({t for t in targets if t not in destinations})
    assert missing == []


def test_verify_rederives_the_numbers(ice_report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(ice_report / "ice-irs.pdf")]) == 0
    assert "verified" in capsys.readouterr().out


def test_verify_reports_a_tampered_result(
    tmp_path: Path, ice_report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(ice_report / "ice-irs.pdf"))
    result = json.loads((ice_report / "ice-irs.json").read_text(encoding="utf-8"))
    result["rubrics"][0]["score"] = 99.9
    tampered_json = json.dumps(result, indent=2, sort_keys=True) + "\n"
    (attached,) = [a for a in writer.attachment_list if a.name == "assessment.json"]
    attached.content = tampered_json.encode("utf-8")  # the one attachment, rewritten in place
    target = tmp_path / "tampered.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())
    assert main(["verify", str(target)]) == 1
    printed = capsys.readouterr().out
    assert f"{target}: NOT verified" in printed
    assert "FAIL" in printed


def test_shipped_reports_are_current() -> None:
    """reports/ holds rendered reports; their embedded result must equal a fresh assessment
    (compared as JSON, not bytes, so other machines' fonts do not matter)."""
    rubrics = load_rubrics()
    for case_path in sorted((ROOT / "cases").glob("*.yaml")):
        cf = load_case_file(case_path)
        pdf = ROOT / "reports" / f"{cf.case.id}.pdf"
        assert pdf.exists(), f"run `pia assess {case_path.relative_to(ROOT)}`"
        embedded = {n: d[0] for n, d in PdfReader(str(pdf)).attachments.items()}
        fresh = render_json(assess(cf.case, rubrics, case_sha256=cf.sha256))
        assert embedded["assessment.json"].decode("utf-8") == fresh, (
            f"reports/{pdf.name} is stale: run `make report` (or pia assess {case_path.name})"
        )


def _render_in_fresh_process(out: Path) -> bytes:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pia.cli",
            "assess",
            str(MINIMAL),
            "--rubric",
            "core",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return (out / "minimal.pdf").read_bytes()


def test_same_inputs_give_the_same_pdf_bytes_in_separate_processes(tmp_path: Path) -> None:
    first = _render_in_fresh_process(tmp_path / "one")
    second = _render_in_fresh_process(tmp_path / "two")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_a_failed_render_keeps_the_earlier_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "minimal.json"
    target.write_text("earlier report\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("pia.render.json.render_json", broken)
    code = main(
        ["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", str(tmp_path)]
    )
    assert code == 3
    assert "renderer exploded" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.json"]


def test_page_references_are_pydyfs_own_however_often_read() -> None:
    """pia reads pydyf's page references from a cache (WeasyPrint asks for them once per tagged
    element); the cache follows pages as they are added and gives pydyf's own bytes."""
    import pydyf

    import pia.render.pdf  # noqa: F401  (installs the cached property)

    pdf = pydyf.PDF()
    for count in range(1, 5):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{n} 0 R".encode("ascii") for n in pdf.pages["Kids"][::3])
        assert pdf.page_references == expected
        assert len(pdf.page_references) == count


def test_pdf_streams_are_deflated_at_zlibs_default_level() -> None:
    """pydyf asks for level 9; pia has it deflate at zlib's default (6), four times faster on a
    long report for a file a few per cent larger, and still a valid, deterministic Flate stream."""
    import zlib

    import pydyf

    import pia.render.pdf  # noqa: F401  (gives pydyf its zlib)

    stream = pydyf.Stream([b"BT /F1 12 Tf (privacy impact) Tj ET"] * 200, compress=True)
    deflater = zlib.compressobj(6)
    expected = deflater.compress(b"\n".join(stream.stream)) + deflater.flush()
    assert expected in stream.data
    assert zlib.decompress(expected) == b"\n".join(stream.stream)


def test_pias_user_agent_stylesheet_drops_only_pseudo_elements_the_reports_never_have() -> None:
    """WeasyPrint's user-agent stylesheet styles ``::marker`` and five footnote and note
    pseudo-elements on every element; pia keeps the marker for list items and drops the rest.
    The patterns must all be found (a WeasyPrint that changed them fails here, not silently)."""
    import weasyprint

    from pia.render.pdf import UNIVERSAL_PSEUDO, user_agent_css

    original = weasyprint.html.UA
    assert len(UNIVERSAL_PSEUDO.findall(original)) == 6
    ours = user_agent_css(original)
    assert UNIVERSAL_PSEUDO.findall(ours) == []
    assert "\nli::marker {" in ours
    removed = set(original.splitlines()) - set(ours.splitlines())
    assert {line.split(" {")[0] for line in removed} == {
        "::marker",
        "::footnote-call",
        "::footnote-marker",
        "::note-call",
        "::note-marker",
        "::note-callback",
    }


def test_the_pages_are_the_same_with_weasyprints_own_user_agent_stylesheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint

    from pia.render.html import render_html
    from pia.render.pdf import PiaFetcher, PiaHTML

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    cf = load_case_file(MINIMAL)
    rubrics = load_rubrics()
    assessment = assess(cf.case, rubrics, case_sha256=cf.sha256)
    html = render_html(assessment, cf.case, rubrics=rubrics, for_pdf=True)
    assert "<li" in html, "the markers of list items are part of the comparison"
    pdfs = [
        cls(string=html, base_url=None, url_fetcher=PiaFetcher()).write_pdf(
            pdf_variant="pdf/a-3b", pdf_tags=True
        )
        for cls in (PiaHTML, weasyprint.HTML)
    ]
    assert pdfs[0] == pdfs[1]
