"""Statuses on the assessment date, as the report shows them: in force, or last known.

The as-of view already resolves each dated history; this module turns it into the typed records
the renderers print, so no renderer rebuilds the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pia.cel.values import Unknown
from pia.model.assessment import EntryState
from pia.model.view import HISTORIES


def entry_states(view: Mapping[str, Any]) -> tuple[EntryState, ...]:
    """One state per flow, safeguard and authority that exists on the date, in case order."""
    out = []
    for section, field in HISTORIES.items():
        for entry in view.get(section, []):
            status = entry.get(field)
            last, since = _last_known(entry) if isinstance(status, Unknown) else (None, None)
            occurred = entry.get("occurred") if section == "flows" else None
            out.append(
                EntryState(
                    entry=entry["id"],
                    section=section,
                    status="unknown" if isinstance(status, Unknown) else str(status),
                    last_known=last,
                    last_known_since=since,
                    occurred=occurred if isinstance(occurred, bool) else None,
                )
            )
    return tuple(out)


def _last_known(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """For a status unknown on the date: the last status the case does know, and its start, as
    the view worked them out (``last_known``), so a later unknown does not hide it."""
    last, since = entry.get("last_known"), entry.get("last_known_since")
    if not isinstance(last, str):
        return None, None
    return last, since if isinstance(since, str) else None
