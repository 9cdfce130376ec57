"""`pia validate FILE...`: check case and rubric files, with lint warnings under --strict."""

from __future__ import annotations

from pathlib import Path

import click

from pia.cli.errors import EXIT_FINDINGS, EXIT_INPUT, Failed, print_diagnostics
from pia.model.diagnostics import DiagnosticError


@click.command(name="validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, not the 'ok' lines.")
@click.option(
    "--strict", is_flag=True, help="Also warn about what makes an assessment weak (exit 1)."
)
def validate(files: tuple[Path, ...], quiet: bool, strict: bool) -> None:
    """Check case and rubric files: YAML, schema and references.

    Prints every problem as FILE:LINE:COL and exits 2 if any file has errors. With --strict it
    also prints warnings (unsourced claims, uncited sources, ...) and exits 1 if there are any.
    """
    from pia.authoring.validate import validate_file

    failed = warned = False
    for file in files:
        try:
            summary, warnings = validate_file(file, strict=strict)
        except DiagnosticError as exc:
            print_diagnostics(exc.diagnostics)
            failed = True
            continue
        print_diagnostics(warnings)
        warned = warned or bool(warnings)
        if not quiet:
            extra = f", {len(warnings)} warnings" if strict else ""
            click.echo(f"{file}: ok ({summary}{extra})")
    if failed:
        raise Failed(EXIT_INPUT)
    if warned:
        raise Failed(EXIT_FINDINGS)
