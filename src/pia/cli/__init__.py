"""The ``pia`` command line. Thin: parse arguments, call the library, print, return an exit code.

Exit codes: 0 clean; 1 findings (failed checks, warnings under ``--strict``); 2 bad input or usage;
3 an internal error (a bug in pia: please report it).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from pia.cli import (
    assess,
    diff,
    docs,
    explain,
    new,
    preview,
    rubrics,
    schema,
    validate,
    verify,
)
from pia.cli.app import cli
from pia.cli.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Failed, print_diagnostics
from pia.model.diagnostics import DiagnosticError

ISSUES_URL = "the pia issue tracker"

COMMANDS: tuple[click.Command, ...] = (
    new.new,
    validate.validate,
    assess.assess,
    explain.explain,
    diff.diff,
    preview.preview,
    verify.verify,
    rubrics.list_rubrics,
    schema.schema,
    docs.docs,
)
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, never shows a traceback unless asked)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="pia", standalone_mode=False)
    except Failed as exc:
        return exc.code
    except DiagnosticError as exc:
        print_diagnostics(exc.diagnostics)
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
