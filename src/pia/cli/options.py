"""Command-line options that several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])


class PathType(click.Path):
    """``click.Path`` that hands the command a :class:`pathlib.Path`. pathlib is imported when a
    value is converted, not when the command line is built: ``pia --help`` stays fast."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        import os
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date written YYYY-MM-DD, found {value!r}") from None


def as_of_option(help: str = "Judge the arrangement as of this date.") -> Callable[[F], F]:
    """``--as-of DATE``, handed to the command as a ``date`` (or None)."""
    return click.option("--as-of", "as_of", metavar="DATE", callback=_date, help=help)


def rubric_option(
    help: str = "Rubric id or file (repeatable). Default: every shipped rubric.",
) -> Callable[[F], F]:
    """``--rubric ID|FILE``, repeatable, handed to the command as a tuple of strings."""
    return click.option("--rubric", "rubrics", multiple=True, metavar="ID|FILE", help=help)


#: The paper sizes a report can be laid out on: ``pia.model.profile.Paper``, written out here so
#: that building the command line imports no model (a test holds the two equal).
PAPERS = ("letter", "a4")


def profile_option(help: str) -> Callable[[F], F]:
    """``--profile NAME``: the report profile (dhs, edpb), or None for the case's default."""
    return click.option("--profile", default=None, metavar="NAME", help=help)


def paper_option(help: str) -> Callable[[F], F]:
    """``--paper letter|a4``, or None for the case's or the profile's paper."""
    return click.option("--paper", type=click.Choice(PAPERS), default=None, help=help)
