"""``pia validate``: load a case or rubric file fully, and lint a case under ``--strict``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pia.authoring.lint import lint_case
from pia.cel.rubric import load_rubric_located
from pia.load.case import load_case_located
from pia.load.files import read_text
from pia.load.located import load_located
from pia.load.workspace import file_kind
from pia.model.diagnostics import Diagnostic


def validate_file(path: Path, *, strict: bool = False) -> tuple[str, list[Diagnostic]]:
    """Load a case or rubric file fully. Returns a one-line summary and, with ``strict``, the
    lint warnings; raises DiagnosticError when the file has errors."""
    text = read_text(path)
    located = load_located(text, str(path))
    if file_kind(path, located.data) == "rubric":
        rubric = load_rubric_located(located, text).rubric
        n = sum(len(c.indicators) for c in rubric.criteria)
        summary = (
            f"rubric {rubric.id} {rubric.version}: {len(rubric.criteria)} criteria, {n} indicators"
        )
        return summary, []
    case = load_case_located(located)
    warnings = lint_case(case, located, today=date.today()) if strict else []
    return f"case {case.id}: {len(case.sources)} sources, {len(case.flows)} flows", warnings
