"""`pia validate FILE...`: check case and rubric files (and lint under --strict), for CI too."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click

from pia.cli.errors import EXIT_FINDINGS, EXIT_INPUT, Failed
from pia.cli.options import rubric_option

FORMATS = ("text", "json", "sarif", "github")


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while files are loaded and checked.

    Loading builds tens of thousands of small dicts and lists, none of them in a cycle, and the
    collector would walk every object the imports made, again and again: about a quarter of the
    run. The pause ends with the check; everything made during it is collected as usual after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@click.command(name="validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--quiet", "-q", is_flag=True, help="Print problems only (text format).")
@click.option(
    "--strict",
    is_flag=True,
    help="Also lint: warnings about what makes an assessment weak (exit 1), and information.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json; sarif for code scanning; github for Actions annotations.",
)
@rubric_option(
    "Rubric id or file (repeatable) whose criteria a case's actions may name, as for assess. "
    "Default: every shipped rubric."
)
def validate(
    files: tuple[str, ...], quiet: bool, strict: bool, fmt: str, rubrics: tuple[str, ...]
) -> None:
    """Check case and rubric files: YAML, schema and references.

    Prints every problem as FILE:LINE:COL and exits 2 if any file has errors. With --strict it
    also lints cases: warnings (unsourced claims, uncited sources, ...) exit 1 unless a waiver in
    the case accepts them with a reason; information (counts of unknown facts) never fails.
    Lint codes can be selected and ignored under [tool.pia] in pyproject.toml.
    """
    with paused_gc():
        from pathlib import Path

        from pia.authoring.validate import validate_files

        checked = validate_files([Path(f) for f in files], strict=strict, rubrics=rubrics)
    from pia.model.validation import Totals

    totals = Totals.of(checked)
    if fmt == "text":
        from pia.render.diagnostics import ok_line, summary_line, text_line

        color = use_color(sys.stderr)
        for c in checked:
            for d in c.diagnostics:
                click.echo(text_line(d, color=color), err=True, color=color)
            if c.summary is not None and not quiet:
                click.echo(ok_line(c, strict=strict))
        if not quiet:
            click.echo(summary_line(totals))
    elif fmt == "json":
        from pia.render.diagnostics import render_json

        click.echo(render_json(checked), nl=False)
    elif fmt == "sarif":
        from pia.render.sarif import render_sarif

        click.echo(render_sarif(checked), nl=False)
    else:
        from pia.render.diagnostics import render_github

        click.echo(render_github(checked), nl=False)
    if totals.errors:
        raise Failed(EXIT_INPUT)
    if totals.warnings:
        raise Failed(EXIT_FINDINGS)
