"""Values as a reader says them: the few formatting rules the HTML report and the Markdown
report share (``not_met`` -> ``not met``, ``True`` -> ``yes``, ``700000`` -> ``700,000``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

#: Values of the case format a reader would not say as written.
_WORDS = {
    "sorn": "system of records notice",
    "tro": "temporary restraining order",
    "in_force": "in force",
    "not_met": "not met",
}


def words(value: object) -> str:
    """An enumerated value as a reader says it: ``matching_notice`` -> ``matching notice``."""
    text = str(value)
    return _WORDS.get(text, text.replace("_", " "))


def long_date(value: object) -> str:
    """``2026-12-02`` -> ``2 December 2026``; anything else as written."""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def tri_text(value: object) -> str:
    """true/false/unknown as a reader says them."""
    return (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )


def figure_text(value: object) -> str:
    """Numbers with thousands separators (700,000); anything else as written."""
    if isinstance(value, bool):
        return tri_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)


def flow_labels(flow_ids: Sequence[str]) -> dict[str, str]:
    """Flow id -> the label every part of the report prints for it (``F1``, ``F2``... in the
    case's order): the body, the diagram, the appendices and the trace share this one
    numbering, so "F7" names one flow wherever it is printed, whatever ids the case chose."""
    return {fid: f"F{n}" for n, fid in enumerate(flow_ids, start=1)}


#: For each yes-or-no field of the case format, (section, field), what a "yes" says, in words
#: about the field rather than the entry: an entry whose statement reads "No notice was found"
#: is settled as "Notice given: yes", not as "true", which would read as agreeing with it.
SETTLED_YES: dict[tuple[str, str], str] = {
    ("dpia_triggers", "applies"): "The criterion applies",
    ("flows", "bulk"): "Moved as whole files of people",
    ("flows", "automated_matching"): "Matched automatically",
    ("purposes", "compatible_with_collection"): "Fits the purpose of collection",
    ("authorities", "relied_on"): "Relied on by the arrangement",
    ("retention", "disposal"): "Disposal provided for",
    ("notice", "provided"): "Notice given",
    ("redress", "available"): "Remedy available",
    ("redress", "used"): "Remedy used",
    ("data_quality", "issue"): "A data-quality problem",
}


def settled_as(section: str, field: str, value: str, setting: str) -> str:
    """A value a fact could be settled as, said of the field it settles: "Notice given: yes",
    "Status: verified", "Outcome: requested" (``setting`` is the engine's "field: value")."""
    phrase = SETTLED_YES.get((section, field))
    if phrase is not None and value in ("true", "false"):
        return f"{phrase}: {'yes' if value == 'true' else 'no'}"
    return setting[:1].upper() + setting[1:]
