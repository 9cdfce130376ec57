"""What many tests share: where things are, and how to find one result in an assessment.

Fixture files that state their own expected diagnostics are read by :mod:`expectations`.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from pia.model.assessment import Assessment, CriterionResult, IndicatorResult

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHIPPED_RUBRICS = ROOT / "src" / "pia" / "data" / "rubrics"
SHIPPED_CASES = sorted((ROOT / "cases").glob("*.yaml"))
MINIMAL = DATA / "valid" / "minimal.yaml"


def criterion(assessment: Assessment, qualified: str) -> CriterionResult:
    """The result of a criterion by its qualified id (``core.oversight``)."""
    return next(c for r in assessment.rubrics for c in r.criteria if c.id == qualified)


def indicator(assessment: Assessment, qualified: str, ident: str) -> IndicatorResult:
    """The result of one indicator of a criterion."""
    return next(i for i in criterion(assessment, qualified).indicators if i.id == ident)


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))  # type: ignore[attr-defined]

    walk(reader.outline)
    return titles
