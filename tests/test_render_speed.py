"""What pia does around the render to keep its own cost small, without changing a byte of it.

The objects pia holds while WeasyPrint lays out the report (modules, the case, the rubrics, the
assessment) are left out of Python's cycle collections for the length of the render, so that
the collector does not walk them again on every full collection; the interpreter is left as it
was found.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.render import pdf

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "case.yaml"


class _Recording:
    """Stands in for ``weasyprint.HTML``: records how many objects are frozen while it writes."""

    frozen: ClassVar[list[int]] = []

    def __init__(self, **_: Any) -> None:
        pass

    def write_pdf(self, **_: Any) -> bytes:
        _Recording.frozen.append(gc.get_freeze_count())
        return b"%PDF-1.7"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    _Recording.frozen = []
    monkeypatch.setattr(pdf.weasyprint, "HTML", _Recording)
    return _Recording.frozen


def _inputs() -> tuple[Any, Any, Any]:
    case_file = load_case_file(HOSTILE)
    rubrics = load_rubrics(["core"])
    return assess(case_file.case, rubrics), case_file, rubrics


def test_what_exists_before_the_render_is_spared_the_collector_and_released_after(
    recorded: list[int],
) -> None:
    assessment, case_file, rubrics = _inputs()
    assert gc.get_freeze_count() == 0
    assert pdf.render_pdf(assessment, case_file, rubrics) == b"%PDF-1.7"
    assert len(recorded) == 1
    assert recorded[0] > 0
    assert gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen(recorded: list[int]) -> None:
    assessment, case_file, rubrics = _inputs()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        pdf.html_to_pdf("<p>x</p>", assessment, case_file, rubrics)
        assert recorded == [before]
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_the_collector_is_released_when_the_render_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    assessment, case_file, rubrics = _inputs()

    class Failing(_Recording):
        def write_pdf(self, **_: Any) -> bytes:
            raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf.weasyprint, "HTML", Failing)
    with pytest.raises(RuntimeError):
        pdf.html_to_pdf("<p>x</p>", assessment, case_file, rubrics)
    assert gc.get_freeze_count() == 0
