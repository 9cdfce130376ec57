"""Finding and loading the files a command names: cases, rubrics, the shipped rubric set."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pia.diagnostics import Diagnostic, DiagnosticError
from pia.loader import load_case_located, load_case_text, read_text
from pia.located import load_located
from pia.model.case import Case

if TYPE_CHECKING:
    from pia.rubrics import LoadedRubric


def file_kind(path: Path, data: object) -> str:
    """``rubric`` for a file under a ``rubrics`` folder or one that has a rubric's required
    fields (criteria, scale, bands) and no case's; else ``case``."""
    if "rubrics" in path.parts:
        return "rubric"
    if isinstance(data, dict) and {"criteria", "scale", "bands"} <= data.keys():
        return "case" if {"parties", "sources"} & data.keys() else "rubric"
    return "case"


def validate_file(path: Path, *, strict: bool = False) -> tuple[str, list[Diagnostic]]:
    """Load a case or rubric file fully. Returns a one-line summary and, with ``strict``, the
    lint warnings; raises DiagnosticError when the file has errors."""
    text = read_text(path)
    located = load_located(text, str(path))
    if file_kind(path, located.data) == "rubric":
        from pia.rubrics import load_rubric_located

        rubric = load_rubric_located(located, text).rubric
        n = sum(len(c.indicators) for c in rubric.criteria)
        summary = (
            f"rubric {rubric.id} {rubric.version}: {len(rubric.criteria)} criteria, {n} indicators"
        )
        return summary, []
    case = load_case_located(located)
    warnings: list[Diagnostic] = []
    if strict:
        from datetime import date

        from pia.lint import lint_case

        warnings = lint_case(case, located, today=date.today())
    return f"case {case.id}: {len(case.sources)} sources, {len(case.flows)} flows", warnings


def load_rubrics(selected: Sequence[str] = ()) -> list[LoadedRubric]:
    """The shipped rubrics in their declared order, or those named by id or path."""
    from pia.rubrics import load_rubric, shipped_rubric_paths

    shipped = {p.stem: p for p in shipped_rubric_paths()}
    if not selected:
        return [load_rubric(p) for p in shipped.values()]
    out = []
    for name in selected:
        if name in shipped:
            out.append(load_rubric(shipped[name]))
        elif name.endswith((".yaml", ".yml")):
            out.append(load_rubric(Path(name)))
        else:
            known = ", ".join(shipped)
            raise DiagnosticError(
                [
                    Diagnostic(
                        name, 1, 1, "PIA-E009", f"no rubric {name!r}; shipped rubrics: {known}"
                    )
                ]
            )
    return out


@dataclass(frozen=True)
class CaseFile:
    """A loaded case with the text it came from (hashed, and embedded in reports)."""

    case: Case
    path: Path
    text: str
    sha256: str


def load_case_file(path: Path) -> CaseFile:
    text = read_text(path)
    case = load_case_text(text, str(path))
    return CaseFile(case, path, text, hashlib.sha256(text.encode("utf-8")).hexdigest())
