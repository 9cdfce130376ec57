"""The ``pia`` command line. Thin: parse arguments, call the library, print, return an exit code.

Exit codes: 0 clean; 1 findings (failed checks, warnings under ``--strict``); 2 bad input or usage;
3 an internal error (a bug in pia: please report it).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from pia import __version__
from pia.commands.options import as_of_option, rubric_option
from pia.diagnostics import Diagnostic, DiagnosticError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
ISSUES_URL = "the pia issue tracker"


class Failed(Exception):
    """Diagnostics were printed; leave with this exit code."""

    def __init__(self, code: int) -> None:
        self.code = code


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for d in diagnostics:
        click.echo(d.format(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia")
@click.option("--debug", is_flag=True, help="Show a traceback when pia itself fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """pia: privacy-impact assessments as code.

    Describe an arrangement as a YAML case, score it against rubrics, and render a report.
    """
    ctx.obj = {"debug": debug}


@cli.command()
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
    from pia.workspace import validate_file

    failed = warned = False
    for file in files:
        try:
            summary, warnings = validate_file(file, strict=strict)
        except DiagnosticError as exc:
            _print_diagnostics(exc.diagnostics)
            failed = True
            continue
        _print_diagnostics(warnings)
        warned = warned or bool(warnings)
        if not quiet:
            extra = f", {len(warnings)} warnings" if strict else ""
            click.echo(f"{file}: ok ({summary}{extra})")
    if failed:
        raise Failed(EXIT_INPUT)
    if warned:
        raise Failed(EXIT_FINDINGS)


@cli.command()
@click.argument("name", type=click.Choice(["case", "rubric", "assessment"]))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Write to this file instead of stdout."
)
def schema(name: str, out: Path | None) -> None:
    """Print the JSON Schema of a file format (case, rubric or assessment)."""
    from pia.schema import schema_text

    text = schema_text(name)
    if out is None:
        click.echo(text, nl=False)
    else:
        from pia.files import write_atomic

        write_atomic(out, text.encode("utf-8"))
        click.echo(f"wrote {out}")


FORMATS = ("pdf", "html", "json", "md")


def _parse_formats(value: str) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise click.BadParameter(
            f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(FORMATS)}"
        )
    return formats


@cli.command()
@click.argument("case_path", metavar="CASE", type=click.Path(path_type=Path))
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
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Output folder ('-' prints a single text format to stdout).",
)
@as_of_option()
def assess(
    case_path: Path, rubrics: tuple[str, ...], formats: str, out: Path, as_of: date | None
) -> None:
    """Score a case against the rubrics and write the report.

    Writes OUT/<case id>.<format> for each format; files are replaced atomically.
    """
    from pia.engine import assess as run_assess
    from pia.outputs import write_outputs
    from pia.workspace import load_case_file, load_rubrics

    wanted = _parse_formats(formats)
    if str(out) == "-" and (len(wanted) != 1 or wanted[0] == "pdf"):
        raise click.BadParameter("--out - needs exactly one text format (json, md or html)")
    case_file = load_case_file(case_path)
    loaded = load_rubrics(rubrics)
    assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
    if str(out) == "-":
        from pia.outputs import render_text

        click.echo(render_text(wanted[0], assessment, case_file, loaded), nl=False)
        return
    for written in write_outputs(wanted, out, assessment, case_file, loaded):
        click.echo(f"wrote {written}")


@cli.command(name="rubrics")
def list_rubrics() -> None:
    """List the shipped rubrics with their versions and criteria counts."""
    from pia.workspace import load_rubrics

    for loaded in load_rubrics():
        r = loaded.rubric
        click.echo(
            f"{r.id:<10} {r.version:<7} {len(r.criteria):>2} criteria  {r.title}  "
            f"[{r.framework.name}]  sha256:{loaded.sha256[:12]}"
        )


@cli.command()
@click.argument("case_path", metavar="CASE", type=click.Path(path_type=Path))
@click.argument("criterion")
@rubric_option()
@as_of_option()
def explain(case_path: Path, criterion: str, rubrics: tuple[str, ...], as_of: date | None) -> None:
    """Show why a criterion got its level: indicators, states, evidence and sources.

    CRITERION is a qualified id such as core.legal-basis, or a bare id if it is unambiguous.
    """
    from pia.engine import assess as run_assess
    from pia.explain import find_criterion, print_explanation
    from pia.workspace import load_case_file, load_rubrics

    case_file = load_case_file(case_path)
    loaded = load_rubrics(rubrics)
    assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
    result = find_criterion(assessment, criterion)
    if result is None:
        ids = ", ".join(c.id for r in assessment.rubrics for c in r.criteria)
        raise click.BadParameter(f"no criterion {criterion!r}; criteria: {ids}")
    print_explanation(case_file.case, assessment, result)


@cli.command()
@click.argument("report", type=click.Path(path_type=Path))
def verify(report: Path) -> None:
    """Re-derive a PDF report's numbers from the files attached to it.

    Exits 0 when the attached case and rubrics reproduce the attached result and the pages show
    its scores; 1 when anything differs; 2 when the file is not a readable pia report.
    """
    from pia.verify import verify_pdf

    outcome = verify_pdf(report)
    for ok, message in outcome.checks:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {message}")
    click.echo(f"{report}: {'verified' if outcome.ok else 'NOT verified'}")
    if not outcome.ok:
        raise Failed(EXIT_FINDINGS)


def _register() -> None:
    from pia.commands.diff import diff
    from pia.commands.docs import docs
    from pia.commands.new import new
    from pia.commands.preview import preview

    for command in (new, diff, preview, docs):
        cli.add_command(command)


_register()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, never shows a traceback unless asked)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="pia", standalone_mode=False)
    except Failed as exc:
        return exc.code
    except DiagnosticError as exc:
        _print_diagnostics(exc.diagnostics)
        return EXIT_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `pia schema case | head`
        return EXIT_OK
    except Exception as exc:
        click.echo(
            f"pia: internal error: {type(exc).__name__}: {exc}. This is a bug in pia, not in your "
            f"files; please report it to {ISSUES_URL} with the command you ran"
            + ("." if debug else " and the output of the same command with --debug."),
            err=True,
        )
        if debug:
            traceback.print_exc()
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
