"""The data-flow diagram: drawn by Graphviz with pia's bundled fonts only.

Graphviz measures label text with fontconfig. If it used the system's fonts, the diagram's
geometry (and so the report's HTML) would change with the fonts installed, and with whether a
PDF had been rendered in the same process (which pins fontconfig for WeasyPrint).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pia.engine.states import entry_states
from pia.engine.view import build_view
from pia.load.case import load_case_file
from pia.render.diagram import flow_svg
from pia.render.fonts import pinned_fontconfig

ICE = Path(__file__).resolve().parent.parent / "cases" / "ice-irs.yaml"


def test_diagram_does_not_depend_on_the_callers_fontconfig(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = load_case_file(ICE).case
    states = entry_states(build_view(case, case.as_of))
    monkeypatch.setenv("FONTCONFIG_FILE", str(pinned_fontconfig()))  # as after a PDF render
    pinned_caller = flow_svg(case, states)
    monkeypatch.delenv("FONTCONFIG_FILE")  # as in `pia assess --format html` or the preview
    unpinned_caller = flow_svg(case, states)
    assert unpinned_caller == pinned_caller


#: The narrowest text column of a report: A4 (595 pt) less the 19 mm and 18 mm side margins.
NARROWEST_COLUMN_PT = 595 - (19 + 18) * 72 / 25.4


@pytest.mark.parametrize("case_file", sorted((ICE.parent).glob("*.yaml")), ids=lambda p: p.stem)
def test_diagram_fits_the_page_at_100_percent_with_labels_of_8_pt_or_more(case_file: Path) -> None:
    """Printed at its own size (never shrunk to fit), every label is at least 8 pt."""
    import re

    case = load_case_file(case_file).case
    svg = flow_svg(case, entry_states(build_view(case, case.as_of)))
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert width <= NARROWEST_COLUMN_PT
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes
    assert min(sizes) >= 8


def test_diagram_labels_are_never_cut() -> None:
    case = load_case_file(ICE).case
    assert "…" not in flow_svg(case)
