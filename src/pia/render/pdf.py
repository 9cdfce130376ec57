"""HTML -> archival PDF with WeasyPrint. The only module that imports WeasyPrint.

What makes the PDF safe, archival and reproducible:

- **Fetching**: :class:`PiaFetcher` serves only the package's own assets (``pia-asset:``) and the
  ``data:`` images pia itself draws; ``file:``, ``http(s):`` and everything else is refused and
  recorded, so case content can never make the renderer read a file or reach the network.
- **Fonts**: the report's fonts are bundled (Liberation, SIL OFL; DejaVu Sans as the fallback
  for scripts Liberation lacks, such as Arabic) and fontconfig is pinned to them through
  ``FONTCONFIG_FILE``, so installing a system font cannot change the output.
- **Dates**: PDF dates come from the assessment date (``dcterms`` meta and ``SOURCE_DATE_EPOCH``),
  attachment dates too; nothing reads the clock.
- **Archive**: PDF/A-3b, tagged (headings, tables, figure alt text for screen readers), with the
  case YAML, the rubric files and the JSON result attached, so ``pia verify`` can re-derive the
  numbers from the PDF alone.
- **Speed**, none of it changing what is drawn: pydyf (which writes the PDF for WeasyPrint)
  builds its page references once and deflates at zlib's default level; :class:`PiaHTML` renders
  with WeasyPrint's user-agent stylesheet minus the rules for pseudo-elements the reports never
  have (:func:`user_agent_css`); the collector is kept off pia's own objects while WeasyPrint
  lays out (:func:`_collector_spared`).
"""

from __future__ import annotations

import base64
import binascii
import gc
import io
import logging
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

from pia.cel.rubric import LoadedRubric
from pia.load.case import CaseFile
from pia.model.assessment import Assessment
from pia.render.fonts import pinned_fontconfig
from pia.render.html import ASSET_SCHEME, assets_dir, render_html
from pia.render.json import render_json

# Must run before WeasyPrint loads Pango (see pia.render.fonts).
os.environ["FONTCONFIG_FILE"] = str(pinned_fontconfig())

import pydyf
import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """``pydyf.PDF.page_references``, built once per page count instead of on every read.

    WeasyPrint reads it for every tagged element and every link (tens of thousands in a report
    with an appendix), and pydyf rebuilds the whole tuple each time: quadratic in pages. Pages
    are only ever appended, so the count identifies the tuple; the bytes written are the same."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_pia_page_references")
    if cached is None or cached[0] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (len(kids), refs)
        pdf.__dict__["_pia_page_references"] = cached
    result: tuple[bytes, ...] = cached[1]
    return result


pydyf.PDF.page_references = property(_page_references)


class _Deflate:
    """The ``zlib`` pydyf compresses with, at zlib's default level (6) instead of pydyf's 9.

    pydyf deflates every stream (page contents, fonts, the object streams) at level 9; on a
    127-page report that is about 17 MB and 2.8 s of the render, against 0.7 s at level 6 for a
    file 5 % larger. The output is still deterministic (same level, same bytes)."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


pydyf.zlib = _Deflate

#: Rules of WeasyPrint's user-agent stylesheet that style a pseudo-element of *every* element:
#: ``::marker { ... }`` and the footnote and note calls and markers.
UNIVERSAL_PSEUDO = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}\n",
    re.MULTILINE,
)


def user_agent_css(text: str) -> str:
    """WeasyPrint's user-agent stylesheet with its rules for a pseudo-element of every element
    kept only where pia's reports have that pseudo-element: the marker, for list items; no
    footnotes or notes (the reports have none). As written, those six rules make WeasyPrint
    compute six pseudo-element styles for each of the ~10,000 elements of a long report, most
    of its style computation, for boxes it never builds; the pages come out the same."""

    def scoped(match: re.Match[str]) -> str:
        return "li" + match.group(0) if match.group(1) == "marker" else ""

    return UNIVERSAL_PSEUDO.sub(scoped, text)


_UA_STYLESHEET = weasyprint.CSS(
    string=user_agent_css(weasyprint.html.UA), counter_style=weasyprint.html.UA_COUNTER_STYLE
)


class PiaHTML(weasyprint.HTML):  # type: ignore[misc]
    """``weasyprint.HTML`` with :func:`user_agent_css` as its user-agent stylesheet."""

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        return [_UA_STYLESHEET]


_DATA_TYPES = {"image/svg+xml", "image/png"}
_FONT_TYPES = {".ttf": "font/ttf"}


class PiaFetcher(URLFetcher):  # type: ignore[misc]
    """Serve package assets and pia's own data: images; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=None)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(ASSET_SCHEME):
            return self._asset(url)
        if url.startswith("data:"):
            return self._data(url)
        self.refused.append(url)
        raise ValueError(f"pia does not fetch {url[:80]!r}: only its own assets are loaded")

    def _asset(self, url: str) -> URLFetcherResponse:
        name = unquote(url[len(ASSET_SCHEME) :])
        root = assets_dir().resolve()
        path = (root / name).resolve()
        if root not in path.parents or path.suffix not in _FONT_TYPES or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"no pia asset {name!r}")
        self.served.append(url)
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": _FONT_TYPES[path.suffix]}
        )

    def _data(self, url: str) -> URLFetcherResponse:
        head, _, payload = url[5:].partition(",")
        mime, _, encoding = head.partition(";")
        if mime not in _DATA_TYPES or encoding != "base64":
            self.refused.append(url[:60])
            raise ValueError(f"pia does not load data: URLs of type {mime!r}")
        try:
            body = base64.b64decode(payload, validate=True)
        except binascii.Error:
            self.refused.append(url[:60])
            raise ValueError("malformed data: URL") from None
        self.served.append(f"data:{mime}")
        return URLFetcherResponse(url, body, headers={"Content-Type": mime})


def _timestamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def attachments(
    assessment: Assessment, case_file: CaseFile, rubrics: Sequence[LoadedRubric]
) -> list[Any]:
    """The files that let the PDF reproduce its own numbers, with dates from the assessment."""
    when = _timestamp(assessment.assessed_as_of)
    files: list[tuple[str, bytes, str, str]] = [
        (
            f"case-{assessment.case.id}.yaml",
            case_file.text.encode("utf-8"),
            "The case file the assessment was made from",
            "Source",
        ),
    ]
    for loaded in rubrics:
        files.append(
            (
                f"rubric-{loaded.rubric.id}.yaml",
                loaded.text.encode("utf-8"),
                f"Rubric {loaded.rubric.id} {loaded.rubric.version}",
                "Source",
            )
        )
    files.append(
        (
            "assessment.json",
            render_json(assessment).encode("utf-8"),
            "The assessment result (pia JSON schema)",
            "Data",
        )
    )
    return [
        weasyprint.Attachment(
            file_obj=io.BytesIO(data),
            name=name,
            description=description,
            created=when,
            modified=when,
            relationship=relationship,
        )
        for name, data, description, relationship in files
    ]


class RenderLog(logging.Handler):
    """Collects WeasyPrint's warnings (refused fetches, CSS problems) for the caller."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collector_spared() -> Iterator[None]:
    """While inside, the objects that exist on entry (every module loaded, the case, the rubrics,
    the assessment) are left out of Python's cycle collections; objects made inside are
    collected as usual, and on leaving everything is as before.

    Those objects outlive the render, yet every full collection would walk them all again while
    WeasyPrint builds hundreds of thousands of boxes: with the ICE-IRS case, about 1.5 s more
    than the same render in a process that holds only WeasyPrint. Nothing else changes: the same
    HTML goes to WeasyPrint and the same bytes come out. Left alone when a caller has frozen
    objects itself (it unfreezes them when it sees fit)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_pdf(
    assessment: Assessment,
    case_file: CaseFile,
    rubrics: Sequence[LoadedRubric],
    *,
    fetcher: PiaFetcher | None = None,
    profile: str | None = None,
    paper: str | None = None,
) -> bytes:
    """The report as PDF/A-3b bytes. Same inputs, same bytes."""
    epoch = int(_timestamp(assessment.assessed_as_of).timestamp())
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))
    with _collector_spared():
        html = render_html(
            assessment, case_file.case, rubrics=rubrics, profile=profile, paper=paper, for_pdf=True
        )
        return html_to_pdf(html, assessment, case_file, rubrics, fetcher=fetcher)


def html_to_pdf(
    html: str,
    assessment: Assessment,
    case_file: CaseFile,
    rubrics: Sequence[LoadedRubric],
    *,
    fetcher: PiaFetcher | None = None,
) -> bytes:
    fetcher = fetcher or PiaFetcher()
    log = RenderLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(log)
    try:
        files = attachments(assessment, case_file, rubrics)
        with _collector_spared():
            document = PiaHTML(string=html, base_url=None, url_fetcher=fetcher)
            data = document.write_pdf(
                pdf_variant="pdf/a-3b", pdf_tags=True, attachments=files, uncompressed_pdf=False
            )
    finally:
        logger.removeHandler(log)
    assert isinstance(data, bytes)
    return data
