"""`pia explain CASE CRITERION`: why a criterion got its level."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pia.cli.options import as_of_option, rubric_option


@click.command(name="explain")
@click.argument("case_path", metavar="CASE", type=click.Path(path_type=Path))
@click.argument("criterion")
@rubric_option()
@as_of_option()
def explain(case_path: Path, criterion: str, rubrics: tuple[str, ...], as_of: date | None) -> None:
    """Show why a criterion got its level: indicators, states, evidence and sources.

    CRITERION is a qualified id such as core.legal-basis, or a bare id if it is unambiguous.
    """
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess as run_assess
    from pia.load.case import load_case_file
    from pia.render.explain import find_criterion, print_explanation

    case_file = load_case_file(case_path)
    loaded = load_rubrics(rubrics)
    assessment = run_assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
    result = find_criterion(assessment, criterion)
    if result is None:
        ids = ", ".join(c.id for r in assessment.rubrics for c in r.criteria)
        raise click.BadParameter(f"no criterion {criterion!r}; criteria: {ids}")
    print_explanation(case_file.case, assessment, result)
