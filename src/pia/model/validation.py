"""What ``pia validate`` found in each file: plain data that every output format lays out.

Checking (:mod:`pia.authoring.validate`) fills these in; the formats (:mod:`pia.render.diagnostics`,
:mod:`pia.render.sarif`) only print them, so text, JSON, SARIF and GitHub annotations can never
disagree about what was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pia.model.diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class Waived:
    """A lint finding a case's waiver accepted, with the waiver's reason (None if it gave none)."""

    diagnostic: Diagnostic
    reason: str | None


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One file as ``pia validate`` saw it."""

    path: str
    kind: str | None
    """``case`` or ``rubric``; None when the file could not be read as either."""
    summary: str | None
    """One line about what the file holds; None when it has errors."""
    diagnostics: tuple[Diagnostic, ...]
    """Sorted by position: errors, or (with ``--strict``) the warnings and information kept."""
    waived: tuple[Waived, ...] = ()
    text: str = ""
    """The file's text ('' if unreadable), for fingerprints that survive lines moving."""

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts over every file checked, for the closing line and the exit code."""

    files: int
    errors: int
    warnings: int
    info: int
    waived: int

    @classmethod
    def of(cls, checked: Sequence[CheckedFile]) -> Totals:
        return cls(
            files=len(checked),
            errors=sum(c.count(Severity.ERROR) for c in checked),
            warnings=sum(c.count(Severity.WARNING) for c in checked),
            info=sum(c.count(Severity.INFO) for c in checked),
            waived=sum(len(c.waived) for c in checked),
        )
