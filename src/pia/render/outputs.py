"""Which renderer writes which file, under which name, and how far a run has got.

Heavy renderers are imported only when asked for. A report judged on the case's own date is
``<id>.<ext>``; judged on another date (``--as-of``) it is ``<id>@<DATE>.<ext>``, so a look at the
past never overwrites the current report.

Progress: :func:`write_outputs` reports the stages it goes through (``layout``, ``write``) to a
callback. While WeasyPrint lays out the PDF it reports each page through its
``weasyprint.progress`` logger (the channel WeasyPrint documents for giving end users feedback);
the callback hears ``("layout", "page N")`` for each (``"page N, pass 2"`` when page numbers
moved and WeasyPrint lays the pages out again). Only the numbers are read from those records, and
a record in another form is ignored, so a change of wording in WeasyPrint costs the
page count, never the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pia.cel.rubric import LoadedRubric
from pia.load.case import CaseFile
from pia.load.files import write_all_atomic
from pia.model.assessment import Assessment

TEXT_FORMATS = ("json", "md", "html")
FORMATS = ("pdf", *TEXT_FORMATS)

#: The stages of ``pia assess``, in order: what a progress callback hears.
STAGES = ("load", "assess", "layout", "write")

#: ``progress(stage, detail)``: stage is one of :data:`STAGES`; detail says what within it
#: ("pdf", "page 12") or is None.
Progress = Callable[[str, "str | None"], None]


def report_stem(assessment: Assessment) -> str:
    """``ice-irs`` for the case's own date; ``ice-irs@2025-09-01`` for any other."""
    if assessment.assessed_as_of == assessment.case.as_of:
        return assessment.case.id
    return f"{assessment.case.id}@{assessment.assessed_as_of.isoformat()}"


def render_text(
    fmt: str,
    assessment: Assessment,
    case_file: CaseFile,
    rubrics: Sequence[LoadedRubric],
    *,
    profile: str | None = None,
    paper: str | None = None,
) -> str:
    if fmt == "json":
        from pia.render.json import render_json

        return render_json(assessment)
    if fmt == "md":
        from pia.render.markdown import render_markdown

        return render_markdown(assessment, case_file.case, profile=profile, paper=paper)
    if fmt == "html":
        from pia.render.html import render_html

        return render_html(
            assessment, case_file.case, rubrics=rubrics, profile=profile, paper=paper
        )
    raise ValueError(f"{fmt} is not a text format")


class _PageCounter(logging.Handler):
    """Turns WeasyPrint's progress records into ``progress("layout", "page N")``."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.layout_pass = 1

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        number = args[0] if args and isinstance(args[0], int) else None
        text = str(record.msg).lower()
        if number is None or "layout" not in text:
            return
        if "repagination" in text:  # page numbers or counters moved: the pages are laid out again
            self.layout_pass = number + 1
        elif "page" in text:
            again = f", pass {self.layout_pass}" if self.layout_pass > 1 else ""
            self.progress("layout", f"page {number}{again}")


@contextmanager
def _pages_reported(progress: Progress | None) -> Iterator[None]:
    """While inside, WeasyPrint's progress records reach ``progress``; nothing else changes
    (the records still go wherever they went, and the logger's level is restored)."""
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _PageCounter(progress)
    level = logger.level
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def write_outputs(
    formats: Sequence[str],
    out: Path,
    assessment: Assessment,
    case_file: CaseFile,
    rubrics: Sequence[LoadedRubric],
    *,
    progress: Progress | None = None,
    profile: str | None = None,
    paper: str | None = None,
) -> list[Path]:
    """Render every requested format first, then write them all to temp files and rename them
    into place together: a failed render or a failed write (a full disk, a read-only folder, a
    file where the folder should be) leaves every earlier report in place, and a failed write is
    a located diagnostic (PIA-E014). Files are named by :func:`report_stem`."""
    report = progress or (lambda _stage, _detail: None)
    rendered: list[tuple[Path, bytes]] = []
    stem = report_stem(assessment)
    for fmt in formats:
        target = out / f"{stem}.{fmt}"
        report("layout", fmt)
        if fmt == "pdf":
            from pia.render.pdf import render_pdf

            with _pages_reported(progress):
                rendered.append(
                    (
                        target,
                        render_pdf(assessment, case_file, rubrics, profile=profile, paper=paper),
                    )
                )
        else:
            text = render_text(fmt, assessment, case_file, rubrics, profile=profile, paper=paper)
            rendered.append((target, text.encode("utf-8")))
    report("write", None)
    write_all_atomic(rendered)
    return [target for target, _ in rendered]


def summary_lines(assessment: Assessment, limit: int = 3) -> list[str]:
    """What a person reads when the run ends: the governing rating of each rubric and the top
    findings (the engine's key findings, in its order, each with the first sentence against
    it). Where each file went is printed apart, one ``wrote PATH`` line per file."""
    lines = [f"{assessment.case.title} (as of {assessment.assessed_as_of.isoformat()})"]
    for result in assessment.rubrics:
        lines.append(f"  {result.title}: {result.rating_label} ({result.score:.0f}/100)")
    criteria = {c.id: c for r in assessment.rubrics for c in r.criteria}
    top = [criteria[i] for i in assessment.key_findings[:limit] if i in criteria]
    if top:
        lines.append("Top findings:")
    for criterion in top:
        finding = next((f.text for f in criterion.findings if f.bearing == "bad"), None)
        because = f" {finding}" if finding else ""
        lines.append(f"  - {criterion.title}: {criterion.label}.{because}")
    return lines
