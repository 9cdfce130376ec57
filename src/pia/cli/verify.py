"""`pia verify REPORT.pdf`: re-derive a report's numbers from its attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pia.cli.errors import EXIT_FINDINGS, Failed
from pia.cli.options import PathType

if TYPE_CHECKING:
    from pathlib import Path


@click.command(name="verify")
@click.argument("report", type=PathType())
def verify(report: Path) -> None:
    """Re-derive a PDF report's numbers from the files attached to it.

    Exits 0 when the attached case and rubrics reproduce the attached result and the pages show
    its scores; 1 when anything differs; 2 when the file is not a readable pia report.
    """
    from pia.verify.report import verify_pdf

    outcome = verify_pdf(report)
    for ok, message in outcome.checks:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {message}")
    click.echo(f"{report}: {'verified' if outcome.ok else 'NOT verified'}")
    if not outcome.ok:
        raise Failed(EXIT_FINDINGS)
