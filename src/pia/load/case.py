"""Case files: bytes -> a validated, reference-checked :class:`Case`, or every located problem.

Every problem in a file is reported in one run: YAML problems first (data cannot be trusted past
them), then every schema problem pydantic finds, then every dangling or duplicated id. Each points
at the smallest node that causes it, as ``file:line:col``. Nothing past this package sees YAML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pia.load.dates import date_diagnostics
from pia.load.files import read_text
from pia.load.located import Located, load_located
from pia.load.references import (
    criterion_reference_diagnostics,
    raw_reference_diagnostics,
    reference_diagnostics,
)
from pia.load.schema import validate_located
from pia.load.workspace import GIT_PREFIX, read_git_text
from pia.model.case import Case
from pia.model.diagnostics import DiagnosticError

if TYPE_CHECKING:  # the rubric models are not built to check a case alone
    from pia.model.rubric import Rubric


def load_case_text(text: str, path: str) -> Case:
    return load_case_located(load_located(text, path))


def load_case_located(located: Located) -> Case:
    """Validate a parsed case and check its references; raise DiagnosticError if anything fails.
    A case that fails its schema has its references checked on the YAML data too, so schema and
    reference problems come in one run."""
    try:
        case = validate_located(located, Case)
    except DiagnosticError as exc:
        raise DiagnosticError([*exc.diagnostics, *raw_reference_diagnostics(located)]) from None
    problems = [*reference_diagnostics(case, located), *date_diagnostics(case, located)]
    if problems:
        raise DiagnosticError(problems)
    return case


def load_case(path: str | Path) -> Case:
    """Load and check a case file. Raises :class:`DiagnosticError` with every problem found."""
    return load_case_text(read_text(path), str(path))


@dataclass(frozen=True)
class CaseFile:
    """A loaded case with the text it came from (hashed, and embedded in reports)."""

    case: Case
    path: Path
    text: str
    sha256: str


def load_case_file(path: Path) -> CaseFile:
    """Load a case file and keep its text and hash beside the model."""
    text = read_text(path)
    case = load_case_text(text, str(path))
    return CaseFile(case, path, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_case_spec(spec: str) -> Case:
    """Load the case a command-line argument names: a file, or ``git:REV:path``."""
    if spec.startswith(GIT_PREFIX):
        return load_case_text(read_git_text(spec), spec)
    return load_case(spec)


def check_criterion_references(case_file: CaseFile, rubrics: Sequence[Rubric]) -> None:
    """Raise :class:`DiagnosticError` when an action names a criterion that none of the loaded
    ``rubrics`` declares, located as ``file:line:column`` with a did-you-mean. The file is
    parsed for positions only when there is such a problem."""
    criteria = {f"{r.id}.{c.id}" for r in rubrics for c in r.criteria}
    bare = {c.id for r in rubrics for c in r.criteria}
    named = {n for action in case_file.case.actions for n in action.criteria}
    if all(n in criteria or n in bare for n in named):
        return
    located = load_located(case_file.text, str(case_file.path))
    problems = criterion_reference_diagnostics(case_file.case, located, criteria)
    if problems:
        raise DiagnosticError(problems)
