"""``pia diff OLD NEW``: what changed between two versions of a case, and which results moved;
``pia diff CASE --from DATE --to DATE``: the same case judged on two dates, and the dated facts
between them that moved each result.

OLD and NEW are file paths or ``git:REV:path`` (read with ``git show REV:path`` in the repository
around the current directory; as in git, the path is from the top of the repository unless it
starts with ``./`` or ``../``). Exit codes: 0 no result moved (facts may still have changed),
1 a score, rating, level or residual risk moved, 2 bad input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pia.cli.errors import EXIT_FINDINGS, Failed
from pia.cli.options import _date, as_of_option, rubric_option

if TYPE_CHECKING:
    from datetime import date

    from pia.cel.rubric import LoadedRubric
    from pia.model.case import Case
    from pia.model.diagnostics import Diagnostic

FORMATS = ("text", "md", "json")


@click.command(name="diff")
@click.argument("old", metavar="OLD|CASE")
@click.argument("new", metavar="[NEW]", required=False)
@rubric_option()
@as_of_option("Judge both versions as of this date (default: each at its own as_of).")
@click.option(
    "--from",
    "start",
    metavar="DATE",
    callback=_date,
    help="With one CASE: judge it as of this date and as of --to; name the dated facts between.",
)
@click.option(
    "--to",
    "end",
    metavar="DATE",
    callback=_date,
    help="With one CASE and --from: the later date (default: the case's as_of).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text (terminal), md (for code review) or json.",
)
def diff(
    old: str,
    new: str | None,
    rubrics: tuple[str, ...],
    as_of: date | None,
    start: date | None,
    end: date | None,
    fmt: str,
) -> None:
    """Compare two versions of a case, or one case on two dates: results that moved, and why.

    pia diff OLD NEW compares two versions (case files or git:REV:path, e.g.
    git:HEAD:cases/ice-irs.yaml): the results that moved, the indicators and edited facts behind
    them, and every fact that changed.

    pia diff CASE --from DATE [--to DATE] judges one case on both dates and names the dated facts
    between them (rulings, status changes, oversight, events) that moved each result; where a
    score rises, the facts that raised it.

    Exits 0 when no result moved, 1 when a score, rating, criterion level or residual risk
    moved, 2 on bad input.
    """
    if start is not None or end is not None:
        if new is not None:
            raise click.UsageError("--from/--to compare one CASE with itself: give one file")
        if as_of is not None:
            raise click.UsageError("--as-of cannot be combined with --from/--to")
        if start is None:
            raise click.UsageError("--to needs --from: the earlier date to compare with")
        return diff_dates(old, rubrics, start, end, fmt)
    if new is None:
        raise click.UsageError("give two versions (OLD NEW), or one CASE with --from DATE")
    return diff_versions(old, new, rubrics, as_of, fmt)


def diff_dates(
    spec: str, rubrics: tuple[str, ...], start: date, end: date | None, fmt: str
) -> None:
    from pia.cel.rubric import load_rubrics
    from pia.engine.history import date_diff
    from pia.load.case import load_case_spec
    from pia.render.history import date_diff_lines, date_diff_markdown, render_json

    case = load_case_spec(spec)
    result = date_diff(case, load_rubrics(rubrics), start, end or case.as_of)
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "md":
        click.echo(date_diff_markdown(result), nl=False)
    else:
        for line in date_diff_lines(result):
            click.echo(line)
    if result.moved:
        raise Failed(EXIT_FINDINGS)


def diff_versions(
    old: str, new: str, rubrics: tuple[str, ...], as_of: date | None, fmt: str
) -> None:
    from pia.cel.rubric import load_rubrics
    from pia.engine.diff import diff_cases
    from pia.load.case import load_case_spec
    from pia.model.diagnostics import DiagnosticError
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
    loaded: list[LoadedRubric] = load_rubrics(rubrics)
    result = diff_cases(cases[0], cases[1], loaded, as_of=as_of, labels=(old, new))
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "md":
        click.echo(render_markdown(result), nl=False)
    else:
        print_diff(result)
    if result.moved:
        raise Failed(EXIT_FINDINGS)


@click.command(name="history")
@click.argument("spec", metavar="CASE")
@rubric_option()
@click.option(
    "--until",
    metavar="DATE",
    callback=_date,
    help="Stop at this date (default: the case's as_of).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text (terminal), md (a table of scores by date, for a report) or json.",
)
def history(spec: str, rubrics: tuple[str, ...], until: date | None, fmt: str) -> None:
    """Every date on which a result of CASE moved, and the dated facts that moved it.

    The case is judged on every date one of its facts is dated (a ruling, a status change, an
    oversight activity, a notice, an event), up to its as_of. For each date on which a score,
    rating, criterion level or residual risk moved, it lists every rubric's score and band
    after it, the criteria that moved, and the facts that raised or lowered each score.
    """
    from pia.cel.rubric import load_rubrics
    from pia.engine.history import case_history
    from pia.load.case import load_case_spec
    from pia.render.history import history_lines, history_markdown, render_json

    case = load_case_spec(spec)
    result = case_history(case, load_rubrics(rubrics), until=until)
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "md":
        click.echo(history_markdown(result), nl=False)
    else:
        for line in history_lines(result):
            click.echo(line)
