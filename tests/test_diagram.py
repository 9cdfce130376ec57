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
