"""Exit codes and the exception that carries one out of a command."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pia.model.diagnostics import Diagnostic

#: 0 clean; 1 findings (failed checks, warnings under --strict, a moved result); 2 bad input or
#: usage; 3 an internal error (a bug in pia).
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class Failed(Exception):
    """Diagnostics were printed; leave with this exit code."""

    def __init__(self, code: int) -> None:
        self.code = code


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    """Print each diagnostic on one line, to stderr."""
    for d in diagnostics:
        click.echo(d.format(), err=True)
