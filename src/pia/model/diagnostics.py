"""One kind of problem for every stage: loading, schema checks, references, expressions, lint.

Every problem a user can cause is a :class:`Diagnostic` located at ``path:line:col`` with a stable
code. Codes are never reused; a retired code stays in :data:`CODES` with its meaning so old reports
still make sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors make input unusable, warnings make an assessment weaker."""

    ERROR = "error"
    WARNING = "warning"


#: The code registry: code -> one-line meaning. ``docs`` and tests are driven from it.
CODES: dict[str, str] = {
    "PIA-E001": "The file is not valid YAML.",
    "PIA-E002": "A mapping has the same key twice.",
    "PIA-E003": "YAML anchors and aliases are not allowed.",
    "PIA-E004": "YAML merge keys (<<) are not allowed.",
    "PIA-E005": "A YAML tag other than the standard scalar, list and mapping tags was used.",
    "PIA-E006": "The file is larger than pia accepts.",
    "PIA-E007": "The document is empty, holds several documents, or is not a mapping.",
    "PIA-E008": "A mapping key is not a string.",
    "PIA-E009": "The file could not be read.",
    "PIA-E010": "A field is not part of the format.",
    "PIA-E011": "A required field is missing.",
    "PIA-E012": "A value has the wrong type or is not one of the allowed values.",
    "PIA-E020": "A reference names an id that is not declared.",
    "PIA-E021": "The same id is declared twice.",
    "PIA-E022": "A reference names an id of the wrong kind.",
    "PIA-E030": "A rubric expression is not valid CEL.",
    "PIA-E031": "A rubric expression reads a case field that the case format does not have.",
    "PIA-E032": "A rubric expression failed while being evaluated.",
    "PIA-E033": "A rubric is inconsistent (levels, bands or weights).",
    "PIA-E040": "A judgment names a criterion that no loaded rubric declares.",
    "PIA-W101": "A claim says how sure it is (confidence not unknown) but cites no source.",
    "PIA-W102": "A declared source is not cited anywhere in the case.",
    "PIA-W103": "A judgment or risk rating has no meaningful rationale (under 20 characters).",
    "PIA-W104": "A flow names no legal authority.",
    "PIA-W105": "A risk names no mitigating safeguard.",
    "PIA-W106": "The case's as_of date is more than a year before today.",
    "PIA-W107": "A section holds unknown facts (one summary count per section).",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem, written for the person who wrote the file.

    ``line`` and ``col`` are 1-based, as editors count them. ``message`` says what is wrong in the
    author's terms; the fix, where there is one, goes in ``hint``.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def format(self) -> str:
        """The one-line form printed by the CLI: ``file:line:col: severity: message [CODE]``."""
        text = f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return f"{text} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity.value,
        }


class DiagnosticError(Exception):
    """Raised by loaders when input cannot be used; carries every problem found, sorted."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
