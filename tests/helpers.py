"""What many tests share: where things are, and how to find one result in an assessment.

Fixture files that state their own expected diagnostics are read by :mod:`expectations`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader

from pia.load.case import load_case_text
from pia.model.assessment import Assessment, CriterionResult, IndicatorResult
from pia.model.case import Case

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


def variant(change: Callable[[dict[str, Any]], None]) -> Case:
    """The minimal case with one change made to its data."""
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    change(data)
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "variant.yaml")
