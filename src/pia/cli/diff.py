"""``pia diff OLD NEW``: what changed between two versions of a case, and which results moved.

OLD and NEW are file paths or ``git:REV:path`` (read with ``git show REV:path`` in the repository
around the current directory; as in git, the path is from the top of the repository unless it
starts with ``./`` or ``../``). Exit codes: 0 no result moved (facts may still have changed),
1 a score, rating, level or residual risk moved, 2 bad input.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from pia.cli.errors import EXIT_FINDINGS, Failed
from pia.cli.options import as_of_option, rubric_option
from pia.model.diagnostics import Diagnostic, DiagnosticError

if TYPE_CHECKING:
    from pia.model.case import Case


@click.command(name="diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@rubric_option()
@as_of_option("Judge both versions as of this date (default: each at its own as_of).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="text (terminal), md (for code review) or json.",
)
def diff(old: str, new: str, rubrics: tuple[str, ...], as_of: date | None, fmt: str) -> None:
    """Compare two versions of a case: results that moved, why, and the facts that changed.

    OLD and NEW are case files or git:REV:path (e.g. git:HEAD:cases/ice-irs.yaml). Exits 0 when
    no result moved, 1 when a score, rating, criterion level or residual risk moved, 2 on bad
    input.
    """
    from pia.cel.rubric import load_rubrics
    from pia.engine.diff import diff_cases
    from pia.load.case import load_case_spec
    from pia.render.diff import print_diff, render_json, render_markdown

    problems: list[Diagnostic] = []
    cases: list[Case] = []
    for spec in (old, new):
        try:
            cases.append(load_case_spec(spec))
        except DiagnosticError as exc:
            problems += exc.diagnostics
    if problems:
        raise DiagnosticError(problems)
    result = diff_cases(cases[0], cases[1], load_rubrics(rubrics), as_of=as_of, labels=(old, new))
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "md":
        click.echo(render_markdown(result), nl=False)
    else:
        print_diff(result)
    if result.moved:
        raise Failed(EXIT_FINDINGS)
