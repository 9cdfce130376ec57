"""The schema of the as-of view: what rubric expressions see beyond the case's own fields.

One home for the view's shape. The engine builds the view from it (:mod:`pia.engine.view`), the
rubric loader checks expression paths against it, and the reference docs describe it.
"""

from __future__ import annotations

#: Sections whose entries carry a dated status history, and the field holding it. The view
#: resolves each to ``status`` (the state in force on the date) and keeps the history up to the
#: date under ``history``.
HISTORIES: dict[str, str] = {
    "flows": "status",
    "safeguards": "status",
    "authorities": "standing",
    "systems": "status",
}

#: References the view resolves into the entries they name, so rubrics need no joins:
#: ``f.subject_groups.exists(g, g.vulnerability == "high")`` instead of a nested ``exists`` over
#: every subject for every flow. (section, new field) -> (id field, target section).
JOINS: dict[tuple[str, str], tuple[str, str]] = {
    ("flows", "data_elements"): ("data", "data"),
    ("flows", "subject_groups"): ("subjects", "subjects"),
    ("flows", "purpose_entries"): ("purposes", "purposes"),
    ("flows", "authority_entries"): ("authorities", "authorities"),
    ("risks", "mitigation_entries"): ("mitigations", "safeguards"),
    ("risks", "subject_groups"): ("subjects", "subjects"),
    ("safeguards", "flow_entries"): ("applies_to", "flows"),
    ("flows", "system_entries"): ("systems", "systems"),
    ("notice", "flow_entries"): ("covers", "flows"),
}

#: Entry fields that date an entry itself: the entry does not exist before that date.
ENTRY_DATES: dict[str, str] = {"oversight": "date", "timeline": "date", "litigation": "filed"}

#: Sections whose entries exist only while their since/until period holds: a remedy created
#: after the date, or withdrawn before it, is not there. (Every entry with a known ``since``
#: after the date is left out; these also leave at their ``until``.)
ENTRY_PERIODS: frozenset[str] = frozenset({"redress"})

#: Court relief (see ``court_relief`` below): per section, the statuses a court order blocks an
#: entry with, and the statuses that, set by a later ruling, lift it.
COURT_RELIEF: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "flows": (frozenset({"blocked", "suspended"}), frozenset({"active"})),
    "authorities": (
        frozenset({"stayed", "enjoined", "vacated"}),
        frozenset({"in_force", "upheld"}),
    ),
}

_LAST_KNOWN = (
    "string, or unknown",
    "the status in force or, where it is unknown (a later status marked unknown, or every "
    "status ended), the last status the case knows before it: a past status no later known "
    "status supersedes",
)

_LAST_KNOWN_SINCE = (
    "string, null, or unknown",
    "when the last known status began (its `since`); null when the case does not date it, "
    "unknown when no status is known",
)

_COURT_RELIEF_WORDS = (
    "bool, or unknown",
    "whether a court order granted in litigation (a temporary restraining order, preliminary "
    "injunction or stay, `granted` or `granted_in_part`) set a status of {blocking} by the date "
    "(its `by`), with no later status set by a ruling ({lifting}) lifting it; read whether or "
    "not the status in force on the date is known",
)

#: Fields the view adds to entries, beyond their own and the joins: (CEL type, meaning).
VIEW_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "flows": {
        "history": ("list", "the status history up to the assessment date"),
        "status_confidence": ("string", "the confidence of the status in force"),
        "status_sources": ("list of source ids", "the sources of the status in force"),
        "status_by": (
            "ruling id, null, or unknown",
            "the ruling that set the status in force (its `by`); null when none is named, "
            "unknown when the status is",
        ),
        "occurred": (
            "bool, or unknown",
            "whether the flow has carried data by the date (active, suspended or ended at some "
            "point); for a flow with no status history, true if it has a `since`, else unknown",
        ),
        "last_known": _LAST_KNOWN,
        "last_known_since": _LAST_KNOWN_SINCE,
        "court_relief": (
            _COURT_RELIEF_WORDS[0],
            _COURT_RELIEF_WORDS[1].format(blocking="blocked or suspended", lifting="active"),
        ),
    },
    "safeguards": {
        "history": ("list", "the status history up to the assessment date"),
        "status_confidence": ("string", "the confidence of the status in force"),
        "status_sources": ("list of source ids", "the sources of the status in force"),
        "last_known": _LAST_KNOWN,
        "last_known_since": _LAST_KNOWN_SINCE,
    },
    "authorities": {
        "history": ("list", "the standing history up to the assessment date"),
        "status_confidence": ("string", "the confidence of the standing in force"),
        "status_sources": ("list of source ids", "the sources of the standing in force"),
        "status_by": (
            "ruling id, null, or unknown",
            "the ruling that set the standing in force (its `by`); null when none is named, "
            "unknown when the standing is",
        ),
        "last_known": _LAST_KNOWN,
        "last_known_since": _LAST_KNOWN_SINCE,
        "court_relief": (
            _COURT_RELIEF_WORDS[0],
            _COURT_RELIEF_WORDS[1].format(
                blocking="stayed, enjoined or vacated", lifting="in force or upheld"
            ),
        ),
    },
    "systems": {
        "history": ("list", "the operational status history up to the assessment date"),
        "status_confidence": ("string", "the confidence of the status in force"),
        "status_sources": ("list of source ids", "the sources of the status in force"),
        "last_known": _LAST_KNOWN,
        "last_known_since": _LAST_KNOWN_SINCE,
    },
    "notice": {
        "in_force": (
            "bool, or unknown",
            "whether the notice's since/until period holds on the assessment date; unknown when "
            "its `since` is unknown and its `until` has not passed",
        ),
    },
}


#: Plain words for the fields the view adds, as a reader of ``pia explain`` sees them. A joined
#: list reads as the list of ids it is joined from; a case field reads as its own name, spaced.
FIELD_WORDS: dict[str, str] = {
    "history": "status history",
    "status_confidence": "confidence in the status",
    "status_sources": "sources of the status",
    "status_by": "ruling that set the status",
    "occurred": "whether it has carried data",
    "in_force": "whether it is in force",
    "last_known": "last known status",
    "last_known_since": "start of the last known status",
    "court_relief": "whether court relief blocks it",
} | {name: id_field for (_section, name), (id_field, _target) in JOINS.items()}


def field_words(name: str) -> str:
    """A view field in plain words: ``authority_entries`` -> ``authorities``, ``occurred`` ->
    ``whether it has carried data``, ``relied_on`` -> ``relied on``."""
    return FIELD_WORDS.get(name, name).replace("_", " ")
