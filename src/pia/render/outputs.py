"""Which renderer writes which file. Heavy renderers are imported only when asked for."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pia.cel.rubric import LoadedRubric
from pia.load.case import CaseFile
from pia.load.files import write_all_atomic
from pia.model.assessment import Assessment

TEXT_FORMATS = ("json", "md", "html")
FORMATS = ("pdf", *TEXT_FORMATS)


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

        return render_markdown(assessment, case_file.case)
    if fmt == "html":
        from pia.render.html import render_html

        return render_html(
            assessment, case_file.case, rubrics=rubrics, profile=profile, paper=paper
        )
    raise ValueError(f"{fmt} is not a text format")


def write_outputs(
    formats: Sequence[str],
    out: Path,
    assessment: Assessment,
    case_file: CaseFile,
    rubrics: Sequence[LoadedRubric],
    *,
    profile: str | None = None,
    paper: str | None = None,
) -> list[Path]:
    """Render every requested format first, then write them all to temp files and rename them
    into place together: a failed render or a failed write (a full disk, a read-only folder, a
    file where the folder should be) leaves every earlier report in place, and a failed write is
    a located diagnostic (PIA-E014)."""
    rendered: list[tuple[Path, bytes]] = []
    stem = assessment.case.id
    for fmt in formats:
        target = out / f"{stem}.{fmt}"
        if fmt == "pdf":
            from pia.render.pdf import render_pdf

            pdf = render_pdf(assessment, case_file, rubrics, profile=profile, paper=paper)
            rendered.append((target, pdf))
        else:
            text = render_text(fmt, assessment, case_file, rubrics, profile=profile, paper=paper)
            rendered.append((target, text.encode("utf-8")))
    write_all_atomic(rendered)
    return [target for target, _ in rendered]
