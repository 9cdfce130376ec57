"""`pia assess CASE`: score a case against the rubrics and write the report.

What it prints, by design:

- stdout: one ``wrote PATH`` line per file written, always (unless ``--quiet``): the lines a
  script reads;
- stderr, on a terminal: the stage the run is in (load, assess, layout with the pages laid out so
  far, write) on one line that updates in place, cleared at the end;
- stderr, always (unless ``--quiet``): a short summary, the governing rating of each rubric and
  the top findings; plain lines, no escape codes, so a script can ignore them or keep them;
- ``--quiet``: nothing but errors.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType, as_of_option, paper_option, profile_option, rubric_option

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


def _parse_formats(value: str) -> list[str]:
    from pia.render.outputs import FORMATS

    formats = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise click.BadParameter(
            f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(FORMATS)}"
        )
    return formats


def _stderr_is_terminal() -> bool:
    """Whether stderr is a terminal (progress is shown only there)."""
    return sys.stderr.isatty()


class StageLine:
    """One line on stderr that says which stage the run is in, rewritten in place
    (``pia assess: layout 3/4, page 12, 14.2 s``); silent unless ``enabled``."""

    def __init__(self, enabled: bool) -> None:
        from pia.render.outputs import STAGES

        self.enabled = enabled
        self.stages = STAGES
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, detail: str | None = None) -> None:
        if not self.enabled:
            return
        step = self.stages.index(stage) + 1 if stage in self.stages else 0
        where = f", {detail}" if detail else ""
        elapsed = time.monotonic() - self.start
        text = f"pia assess: {stage} {step}/{len(self.stages)}{where}, {elapsed:.1f} s"
        click.echo(f"\r\x1b[K{text}", err=True, nl=False, color=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False, color=True)
            self.shown = False


@click.command(name="assess")
@click.argument("case_path", metavar="CASE", type=PathType())
@rubric_option()
@click.option(
    "--format",
    "formats",
    default="pdf",
    show_default=True,
    metavar="LIST",
    help="Comma-separated outputs: pdf, html, json, md.",
)
@click.option(
    "--out",
    type=PathType(),
    default="reports",
    show_default=True,
    help="Output folder ('-' prints a single text format to stdout).",
)
@as_of_option("Judge the arrangement as of this date; files are then written as <id>@<DATE>.<ext>.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for scripts).")
@profile_option(
    "Report profile: dhs or edpb. Default: the case's report.profile, else its "
    "jurisdiction's, else dhs."
)
@paper_option("Paper size. Default: the case's report.paper, else the profile's.")
def assess(
    case_path: Path,
    rubrics: tuple[str, ...],
    formats: str,
    out: Path,
    as_of: date | None,
    quiet: bool,
    profile: str | None,
    paper: str | None,
) -> None:
    """Score a case against the rubrics and write the report.

    Writes OUT/<case id>.<format> for each format (OUT/<case id>@<DATE>.<format> with an --as-of
    other than the case's own date); files are replaced atomically. On a terminal the stages
    are shown as they run; a summary (ratings, top findings) follows on stderr.
    """
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess as run_assess
    from pia.load.case import check_criterion_references, load_case_file
    from pia.render.outputs import summary_lines, write_outputs

    wanted = _parse_formats(formats)
    if str(out) == "-" and (len(wanted) != 1 or wanted[0] == "pdf"):
        raise click.BadParameter("--out - needs exactly one text format (json, md or html)")
    stage = StageLine(enabled=not quiet and str(out) != "-" and _stderr_is_terminal())
    try:
        stage("load")
        case_file = load_case_file(case_path)
        loaded = load_rubrics(rubrics)
        check_criterion_references(case_file, [r.rubric for r in loaded])
        stage("assess")
        assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
        if str(out) == "-":
            from pia.render.outputs import render_text

            click.echo(
                render_text(wanted[0], assessment, case_file, loaded, profile=profile, paper=paper),
                nl=False,
            )
            return
        written = write_outputs(
            wanted, out, assessment, case_file, loaded, progress=stage, profile=profile, paper=paper
        )
    finally:
        stage.done()
    if quiet:
        return
    from pia.model.diagnostics import printable

    for line in summary_lines(assessment):
        click.echo(printable(line), err=True)
    for path in written:
        click.echo(f"wrote {path}")
