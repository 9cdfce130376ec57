"""`pia rubrics`: the shipped rubrics, or with --criteria every criterion they hold."""

from __future__ import annotations

from collections.abc import Sequence

import click

from pia.cli.options import rubric_option


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: set[int]) -> list[str]:
    """Columns padded to their widest cell (numbers, in ``right``, flush right); the last column
    is not padded, so a long title runs on instead of being cut."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells[:-1])
        ]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return [line(header), *(line(r) for r in rows)]


@click.command(name="rubrics")
@click.option(
    "--criteria",
    is_flag=True,
    help="List every criterion (qualified id, weight, critical, title) instead of the rubrics.",
)
@rubric_option("Rubric id or file (repeatable). Default: every shipped rubric.")
def list_rubrics(criteria: bool, rubrics: tuple[str, ...]) -> None:
    """List the shipped rubrics: version, number of criteria, framework, content hash.

    With --criteria, list every criterion with the id pia explain and judgments use.
    """
    from pia.cel.rubric import load_rubrics

    loaded = load_rubrics(rubrics)
    rows: list[tuple[str, ...]]
    if criteria:
        rows = [
            (
                f"{lr.rubric.id}.{c.id}",
                f"{c.weight:g}",
                "critical" if c.critical else "",
                c.title,
            )
            for lr in loaded
            for c in lr.rubric.criteria
        ]
        lines = table(("criterion", "weight", "critical", "title"), rows, {1})
    else:
        rows = [
            (
                lr.rubric.id,
                lr.rubric.version,
                str(len(lr.rubric.criteria)),
                f"sha256:{lr.sha256[:12]}",
                title_and_framework(lr.rubric.title, lr.rubric.framework.name),
            )
            for lr in loaded
        ]
        lines = table(("rubric", "version", "criteria", "content", "title [framework]"), rows, {2})
    for line in lines:
        click.echo(line)


def title_and_framework(title: str, framework: str) -> str:
    """The rubric's title, and the framework's name where the title does not already say it."""
    if framework.casefold() in title.casefold():
        return title
    return f"{title} [{framework}]"
