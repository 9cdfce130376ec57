"""`pia explain CASE CRITERION`: why a criterion got its level, and how to check it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType, as_of_option, rubric_option

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` first), 80 when there is none."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


@click.command(name="explain")
@click.argument("case_path", metavar="CASE", type=PathType())
@click.argument("criterion")
@rubric_option()
@as_of_option()
def explain(case_path: Path, criterion: str, rubrics: tuple[str, ...], as_of: date | None) -> None:
    """Show why a criterion got its level: indicators with their weights, the thresholds of the
    scale and the share reached, the deciding indicators and entries, and their sources.

    CRITERION is a qualified id such as core.legal-basis, or a bare id if only one rubric has it.
    """
    from pia.cel.rubric import load_rubrics
    from pia.cli.validate import use_color
    from pia.engine import assess as run_assess
    from pia.engine.explain import explain_criterion, find_criterion
    from pia.load.case import load_case_file
    from pia.render.explain import explanation_lines

    case_file = load_case_file(case_path)
    loaded = load_rubrics(rubrics)
    assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
    result, candidates = find_criterion(assessment, criterion)
    if result is None:
        if candidates:
            raise click.BadParameter(
                f"{criterion!r} is a criterion of {len(candidates)} rubrics; name one of: "
                f"{', '.join(candidates)}",
                param_hint="CRITERION",
            )
        ids = ", ".join(c.id for r in assessment.rubrics for c in r.criteria)
        raise click.BadParameter(f"no criterion {criterion!r}; criteria: {ids}")
    explanation = explain_criterion(assessment, loaded, result, case_file.case)
    sources = {s.id: s for s in case_file.case.sources}
    color = use_color(sys.stdout)
    for line in explanation_lines(
        explanation,
        sources,
        assessment.assessed_as_of.isoformat(),
        width=terminal_width(),
        color=color,
    ):
        click.echo(line, color=color)
