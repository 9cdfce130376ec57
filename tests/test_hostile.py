"""Case text is data: a hostile case renders safely, reads no file and evaluates no template.

``tests/data/hostile/case.yaml`` puts script tags, ``<img src="file:///etc/passwd">``, CSS
``url()``, ``@import``, Jinja syntax, markup that tries to close the table it sits in, a DOT
injection, 10,000-character words and right-to-left text into every kind of text field.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.render.html import render_html
from pia.render.pdf import PiaFetcher, html_to_pdf, render_pdf

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "case.yaml"
FORBIDDEN = ("/etc/passwd", "/etc/hostname")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    case_file = load_case_file(HOSTILE)
    rubrics = load_rubrics(["core"])
    assessment = assess(case_file.case, rubrics)
    opened: list[str] = []
    real_open = builtins.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    fetcher = PiaFetcher()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", spy)
        pdf = render_pdf(assessment, case_file, rubrics, fetcher=fetcher)
    target = tmp_path_factory.mktemp("hostile") / "hostile.pdf"
    target.write_bytes(pdf)
    reader = PdfReader(str(target))
    pages = " ".join(p.extract_text() or "" for p in reader.pages)
    text = " ".join(pages.replace("\x00", "").split())
    html = render_html(assessment, case_file.case, for_pdf=True)
    return {"fetcher": fetcher, "opened": opened, "reader": reader, "text": text, "html": html}


def test_no_local_file_is_read(rendered: dict[str, Any]) -> None:
    assert not [f for f in rendered["opened"] if f.startswith(FORBIDDEN)]


def test_the_renderer_fetches_only_pias_own_assets(rendered: dict[str, Any]) -> None:
    fetcher: PiaFetcher = rendered["fetcher"]
    assert fetcher.refused == []
    assert fetcher.served
    assert all(url.startswith(("pia-asset:fonts/", "data:image/")) for url in fetcher.served)


def test_template_syntax_in_a_case_is_printed_not_evaluated(rendered: dict[str, Any]) -> None:
    assert "{{ 7*7 }}" in rendered["text"]
    assert "{% include '/etc/" in rendered["text"]  # the line may wrap after the slash
    assert "__globals__" in rendered["text"]


def test_markup_in_a_case_is_escaped(rendered: dict[str, Any]) -> None:
    html: str = rendered["html"]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<iframe" not in html
    assert "<h1>Injected heading</h1>" not in html
    assert "<script>alert('title')</script>" in rendered["text"]


def test_markdown_links_cannot_run_script_or_read_files(rendered: dict[str, Any]) -> None:
    html: str = rendered["html"]
    assert 'href="javascript:' not in html
    assert 'href="file:' not in html
    assert '<img src="file:' not in html


def test_injected_markup_makes_no_bookmark(rendered: dict[str, Any]) -> None:
    titles = [str(item.title) for item in rendered["reader"].outline if not isinstance(item, list)]
    assert "Injected heading" not in titles


def test_long_words_and_right_to_left_text_render(rendered: dict[str, Any]) -> None:
    text: str = rendered["text"]
    assert "AAAAAAAAAAAAAAAAAAAA" in text
    assert "نبيانات" in text.replace(" ", "") or "بيانات" in text


def test_fetcher_refuses_files_and_the_network_and_rendering_goes_on() -> None:
    """If a template bug ever let markup through, the fetcher is the last line of defence."""
    case_file = load_case_file(Path(__file__).resolve().parent / "data" / "valid" / "minimal.yaml")
    rubrics = load_rubrics(["core"])
    assessment = assess(case_file.case, rubrics)
    html = (
        "<html><head><style>@import url(file:///etc/passwd);"
        "body { background: url(http://127.0.0.1:9/x.png) }</style>"
        '<link rel="stylesheet" href="file:///etc/hostname"></head><body>'
        '<img src="file:///etc/passwd"><img src="https://example.invalid/x.png">'
        '<object data="file:///etc/passwd"></object><p>still rendered</p></body></html>'
    )
    fetcher = PiaFetcher()
    pdf = html_to_pdf(html, assessment, case_file, rubrics, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    refused = " ".join(fetcher.refused)
    for url in (
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.png",
    ):
        assert url in refused
    assert fetcher.served == []


def test_fetcher_serves_no_file_outside_the_asset_folder() -> None:
    fetcher = PiaFetcher()
    for url in (
        "pia-asset:../../pia/cli.py",
        "pia-asset:fonts/../report.css",
        "pia-asset:/etc/passwd",
    ):
        with pytest.raises(ValueError, match="no pia asset"):
            fetcher.fetch(url)
