"""The data-flow diagram: parties as nodes, flows as edges, drawn by Graphviz ``dot``.

The DOT text is built here from the case (ids are quoted and every label escaped), and ``dot``
runs as a subprocess with a time limit. Output is deterministic for a given Graphviz version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from pia.model.assessment import EntryState
from pia.model.case import Case
from pia.render.fonts import pinned_fontconfig
from pia.render.wording import flow_labels

FONT = "Liberation Sans"
#: Label sizes in points at 100 %: the report never scales the diagram down, so these hold.
NODE_FONT_PT = 10
EDGE_FONT_PT = 8.5


class DiagramError(Exception):
    """Graphviz is missing or failed; the message says what to install or what went wrong."""


def _q(text: str) -> str:
    """A DOT string literal; line breaks become DOT's own ``\\n`` escapes."""
    pieces = [p.replace("\\", "\\\\").replace('"', '\\"') for p in text.split("\n")]
    return '"' + "\\n".join(pieces) + '"'


def flow_dot(case: Case, states: Sequence[EntryState] | None = None) -> str:
    parties = {p.id: p for p in case.parties}
    used = sorted({f.from_ for f in case.flows} | {f.to for f in case.flows})
    lines = [
        "digraph flows {",
        f'  graph [rankdir=TB, fontname="{FONT}", fontsize={NODE_FONT_PT}, nodesep=0.25, '
        "ranksep=0.6];",
        f'  node [shape=box, style="rounded,filled", fillcolor="#eef3f8", fontname="{FONT}", '
        f"fontsize={NODE_FONT_PT}];",
        f'  edge [fontname="{FONT}", fontsize={EDGE_FONT_PT}, color="#455a64"];',
    ]
    for pid in used:
        name = parties[pid].name if pid in parties else pid
        lines.append(f"  {_q(pid)} [label={_q(_wrap(name, 18))}];")
    occurred = {st.entry: st.occurred is True for st in states or () if st.section == "flows"}
    labels = flow_labels([f.id for f in case.flows])
    for flow in case.flows:
        moved = occurred.get(flow.id, states is None)
        if not moved:
            style, colour = "dotted", "#9e9e9e"
        elif flow.bulk is True:
            style, colour = "solid", "#263238"
        else:
            style, colour = "dashed", "#455a64"
        # The edge carries its number only; the table under the diagram names each flow in
        # full, so no label is cut and none needs shrinking to fit the page.
        label = labels[flow.id] + (" (alleged)" if flow.confidence == "alleged" else "")
        lines.append(
            f"  {_q(flow.from_)} -> {_q(flow.to)} "
            f'[label={_q(label)}, style={style}, color="{colour}", fontcolor="{colour}"];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def flow_svg(case: Case, states: Sequence[EntryState] | None = None) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DiagramError(
            "Graphviz 'dot' is not installed; install the graphviz package "
            "(make setup does this on Debian/Ubuntu)"
        )
    try:
        done = subprocess.run(
            [dot, "-Tsvg"],
            input=flow_dot(case, states).encode("utf-8"),
            capture_output=True,
            env={**os.environ, "FONTCONFIG_FILE": str(pinned_fontconfig())},
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DiagramError("Graphviz took longer than 30 s to draw the flow diagram") from None
    if done.returncode != 0:
        raise DiagramError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def _wrap(text: str, width: int) -> str:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "\n".join(lines)


def flow_alt(case: Case, states: Sequence[EntryState] | None = None) -> str:
    """The diagram in words, for screen readers: every flow, from whom to whom, and whether it
    carried data by the date."""
    parties = {p.id: p.name for p in case.parties}
    occurred = {st.entry: st.occurred for st in states or () if st.section == "flows"}
    items = []
    labels = flow_labels([f.id for f in case.flows])
    for flow in case.flows:
        moved = occurred.get(flow.id)
        if moved is None:
            state = "whether data moved is unknown"
        else:
            state = "data moved" if moved else "no data known to have moved"
        items.append(
            f"{labels[flow.id]} {flow.title}, from {parties.get(flow.from_, flow.from_)} to "
            f"{parties.get(flow.to, flow.to)} ({state})"
        )
    return "Data-flow diagram. " + "; ".join(items) + "."
