"""``pia explain``: one criterion's reasons as terminal text, from an :class:`Explanation`.

Text is wrapped to the terminal's width at spaces only: an id is never cut or hyphenated (a line
holding one longer than the width runs over instead). Colour (the state words) only when asked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from pia.engine.explain import Explanation, IndicatorLine
from pia.model.case import Source

#: ANSI colours for an indicator's bearing: good, bad, unknown.
_BEARING_STYLE = {"good": "\x1b[32m", "bad": "\x1b[31m", "unknown": "\x1b[33m", "none": ""}
_RESET = "\x1b[0m"
DECIDING = "*"
#: Entries read without deciding an indicator are listed up to this many, then counted.
MAX_READ = 12


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """``text`` wrapped at spaces to ``width``, first line indented by ``indent`` and the rest by
    ``hanging`` (default: the same); ids and URLs are never broken."""
    wrapper = textwrap.TextWrapper(
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapper.wrap(" ".join(text.split())) or [indent.rstrip()]


def percent(share: float) -> str:
    return f"{share:.0%}"


def _weight(value: float) -> str:
    return f"{value:g}"


def indicator_lines(expl: Explanation, line: IndicatorLine, width: int, color: bool) -> list[str]:
    ind = line.result
    mark = DECIDING if line.deciding else " "
    caps = f", caps at {line.caps_label}" if line.caps_label else ""
    state = line.state_words
    head = (
        f"{ind.id}: {state}; {ind.effect}, weight {_weight(ind.weight)} "
        f"({percent(line.share_of_weight)} of the criterion){caps}"
    )
    out = wrap(head, width, f"{mark} ", "      ")
    if color:  # after wrapping: escape codes take no room on the screen
        coloured = f"{_BEARING_STYLE[ind.bearing]}{state}{_RESET}"
        out[0] = out[0].replace(f": {state}", f": {coloured}", 1)
    out += wrap(ind.description, width, "      ")
    if not ind.evidence:
        out += wrap("decided by: (no case entry)", width, "      ", "        ")
    for e, fields in zip(ind.evidence, line.fields_read, strict=True):
        star = DECIDING if e.entry in expl.deciding_entries else ""
        text = f"decided by: {star}{e.entry} ({e.section}, {e.confidence}): {fields} " + (
            f"[{', '.join(e.sources)}]"
        )
        out += wrap(text, width, "      ", "        ")
    if line.also_read:
        shown = ", ".join(line.also_read[:MAX_READ])
        more = len(line.also_read) - MAX_READ
        tail = f" and {more} more" if more > 0 else ""
        out += wrap(f"also read, not deciding: {shown}{tail}", width, "      ", "        ")
    if line.unknown_words:
        out += wrap(f"unknown: {'; '.join(line.unknown_words)}", width, "      ", "        ")
    return out


def explanation_lines(
    expl: Explanation,
    sources: Mapping[str, Source],
    as_of: str,
    *,
    width: int = 80,
    color: bool = False,
) -> list[str]:
    """The whole explanation, line by line (no trailing newlines)."""
    c = expl.criterion
    out = wrap(f"{c.id}: {c.title}", width, "", "  ")
    out += wrap(f"Question: {c.question}", width, "", "  ")
    out += wrap(
        f"Level: {c.label} as of {as_of}; share of indicator weight in good state "
        f"{percent(c.share)}; best case if unknowns went well: {expl.best_case_label}",
        width,
        "",
        "  ",
    )
    out += wrap(f"Confidence: {c.confidence} ({c.confidence_detail})", width, "", "  ")
    if c.capped_by:
        out += wrap(f"Capped by: {', '.join(c.capped_by)}", width, "", "  ")
    if c.judgment is not None:
        j = c.judgment
        agree = "agrees with" if j.agrees else "differs from"
        out += wrap(
            f"Assessor judgment: {j.label} ({agree} the derived level). {j.rationale}",
            width,
            "",
            "  ",
        )
    out.append("")
    out += wrap(
        f"Weight in good state: {_weight(expl.good_weight)} of {_weight(expl.total_weight)} "
        f"({percent(c.share)}); unknown: {_weight(expl.unknown_weight)}. "
        f"Levels of the {expl.rubric_id} scale and the share each needs:",
        width,
    )
    for t in expl.thresholds:
        reached = ""
        if t.level == expl.derived_from_share:
            reached = f"  <- {percent(c.share)} reaches this level"
            if c.capped_by and c.derived_level != t.level:
                reached += f" (capped to {c.derived_label})"
        row = f"  {t.label:<24} at least {percent(t.minimum):>4}{reached}"
        out += [row] if len(row) <= width else wrap(row.strip(), width, "  ", "    ")
    if expl.derived_from_share == "unknown":
        out.append("  (every indicator is unknown: the level is unknown)")
    out.append("")
    out += wrap(
        f"Indicators ({DECIDING} = deciding: the level would differ had it come out the other "
        "way; its entries are marked too). Under each, the entries that decided its state, "
        "then those it read that did not:",
        width,
    )
    for line in expl.indicators:
        out += indicator_lines(expl, line, width, color)
    if expl.sources:
        out.append("")
        out.append("Sources")
        for sid in expl.sources:
            src = sources.get(sid)
            if src is not None:
                text = f"{sid}: {src.title}. {src.publisher}, {src.date}. {src.url or ''}"
                out += wrap(text.rstrip(), width, "  ", "      ")
    if c.recommendation:
        out.append("")
        out += wrap(f"Recommendation: {c.recommendation}", width, "", "  ")
    return out
