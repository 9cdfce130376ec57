"""`pia assess CASE`: score a case against the rubrics and write the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType, as_of_option, rubric_option

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
@as_of_option()
@click.option(
    "--profile",
    default=None,
    metavar="NAME",
    help="Report profile: dhs or edpb. Default: the case's report.profile, else its "
    "jurisdiction's, else dhs.",
)
@click.option(
    "--paper",
    type=click.Choice(["letter", "a4"]),
    default=None,
    help="Paper size. Default: the case's report.paper, else the profile's.",
)
def assess(
    case_path: Path,
    rubrics: tuple[str, ...],
    formats: str,
    out: Path,
    as_of: date | None,
    profile: str | None,
    paper: str | None,
) -> None:
    """Score a case against the rubrics and write the report.

    Writes OUT/<case id>.<format> for each format; files are replaced atomically.
    """
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess as run_assess
    from pia.load.case import load_case_file
    from pia.render.outputs import write_outputs

    wanted = _parse_formats(formats)
    if str(out) == "-" and (len(wanted) != 1 or wanted[0] == "pdf"):
        raise click.BadParameter("--out - needs exactly one text format (json, md or html)")
    case_file = load_case_file(case_path)
    loaded = load_rubrics(rubrics)
    assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
    if str(out) == "-":
        from pia.render.outputs import render_text

        text = render_text(wanted[0], assessment, case_file, loaded, profile=profile, paper=paper)
        click.echo(text, nl=False)
        return
    written_files = write_outputs(
        wanted, out, assessment, case_file, loaded, profile=profile, paper=paper
    )
    for written in written_files:
        click.echo(f"wrote {written}")
