"""The case as rubric expressions see it: as of one date, with unknown facts marked.

The view is plain data (dicts, lists, scalars) built from the validated case:

- every value the case writes as ``unknown`` becomes an :class:`~pia.cel.values.Unknown` that knows
  its path, so CEL yields unknown instead of a guess; so does every section or list the case
  leaves out (the open-world rule, :mod:`pia.model.facts`), and so does a joined list whose ids
  are unknown;
- entries dated after the assessment date are left out (a ruling of 2026 does not exist in 2025);
  so are remedies (``redress``) whose ``until`` has passed; a notice stays, with ``in_force``
  saying whether its period holds (unknown when its ``since`` is unknown);
- dated histories (a flow's, a safeguard's status, an authority's standing) are resolved to the
  ``status`` in force on the date, and the history up to it is kept under ``history``. Of the
  statuses holding on the date, the one that began last wins; an undated one holds from the
  beginning, so any dated status supersedes it, whatever the order in the file.

Date rule: a partial date counts from its first day (``2025-05`` from 2025-05-01). A fact holds on
day D when its ``since`` is on or before D and its ``until`` is after D.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pia.cel.values import PartialEntries, Unknown, UnknownEntries
from pia.model.case import ID_SECTIONS, Case
from pia.model.common import UNKNOWN, partial_start
from pia.model.facts import KNOWN_KEY, is_partial_form
from pia.model.view import ENTRY_DATES, ENTRY_PERIODS, HISTORIES, JOINS


def holds_on(since: str | None, until: str | None, day: date) -> bool:
    """Whether a fact with this since/until period holds on ``day``."""
    if since is not None and partial_start(since) > day:
        return False
    return not (until is not None and partial_start(until) <= day)


def started_by(value: str | None, day: date) -> bool:
    """Whether a dated entry exists by ``day`` (an undated or unknown date always does)."""
    return value is None or value == UNKNOWN or partial_start(value) <= day


def build_view(
    case: Case,
    day: date,
    dumped: dict[str, Any] | None = None,
    marked: dict[tuple[str, int], Any] | None = None,
) -> dict[str, Any]:
    """The as-of view of ``case`` on ``day`` (see the module docstring for the rules).
    ``dumped`` is ``case.model_dump(mode="json", by_alias=True)`` when the caller builds views
    of one case on many dates (the view copies what it keeps; the dump is never changed), and
    ``marked`` then keeps each entry and section of the dump with its unknowns marked, which
    does not depend on the date, for the next view (keyed by section and identity in
    ``dumped``, which the caller keeps alive and unchanged)."""
    if dumped is None:
        dumped = case.model_dump(mode="json", by_alias=True)
    view: dict[str, Any] = {
        "id": None,
        "as_of": day.isoformat(),
    }
    for name in Case.model_fields:
        if name == "id":
            continue  # the root is not an entry: reads of case.<section> are not evidence
        value = dumped[Case.model_fields[name].alias or name]
        partial = is_partial_form(value)
        if partial:
            value = value[KNOWN_KEY]
        if value == UNKNOWN:
            view[name] = UnknownEntries(name)
        elif name in ID_SECTIONS or name == "timeline":
            view[name] = [
                _entry(name, entry, marked) for entry in value if _exists_on(name, entry, day)
            ]
            if name in HISTORIES:
                view[name] = [_resolve(name, e, day) for e in view[name]]
                view[name] = [e for e in view[name] if e is not None]
            if partial:
                view[name] = PartialEntries(name, view[name])
        elif name == "judgments":
            continue
        else:
            view[name] = _section(name, value, marked)
    _resolve_joins(view)
    for suit in _entries(view, "litigation"):
        suit["rulings"] = [r for r in suit["rulings"] if _date_ok(r.get("date"), day)]
    for entry in _entries(view, "notice"):
        entry["in_force"] = _in_force(entry, day)
    return view


def _in_force(entry: dict[str, Any], day: date) -> Any:
    """Whether an entry's since/until period holds on ``day``: unknown when its ``since`` is
    unknown, unless its ``until`` has already passed."""
    until = _plain(entry.get("until"))
    since = entry.get("since")
    if isinstance(since, Unknown):
        if until is not None and partial_start(until) <= day:
            return False
        return Unknown(f"{_path('notice', entry)}.in_force")
    return holds_on(_plain(since), until, day)


def _resolve_joins(view: dict[str, Any]) -> None:
    """Add the joined entry lists (see :data:`JOINS`). The same dict object is shared, so a
    fact substituted in one place is seen everywhere; ids not in force on the date drop out."""
    index = {
        section: {e["id"]: e for e in _entries(view, section)}
        for section in {target for _, target in JOINS.values()}
    }
    for (section, name), (id_field, target) in JOINS.items():
        for entry in _entries(view, section):
            ids = entry.get(id_field)
            if isinstance(ids, Unknown):
                entry[name] = Unknown(f"{_path(section, entry)}.{id_field}")
            else:
                joined = [index[target][i] for i in ids or [] if i in index[target]]
                partial = isinstance(ids, PartialEntries)
                path = f"{_path(section, entry)}.{name}"
                entry[name] = PartialEntries(path, joined) if partial else joined


def _entries(view: dict[str, Any], section: str) -> list[dict[str, Any]]:
    """A section's entries in the view (an unknown section has none to walk)."""
    value: list[dict[str, Any]] = view.get(section, [])
    return value


def _date_ok(value: Any, day: date) -> bool:
    return not isinstance(value, str) or started_by(value, day)


def _exists_on(section: str, entry: dict[str, Any], day: date) -> bool:
    field = ENTRY_DATES.get(section)
    if field is not None and not _date_ok(entry.get(field), day):
        return False
    since = entry.get("since")
    if isinstance(since, str) and not started_by(since, day):
        return False
    until = entry.get("until")
    return not (section in ENTRY_PERIODS and isinstance(until, str) and started_by(until, day))


def _entry(
    section: str, entry: dict[str, Any], marked: dict[tuple[str, int], Any] | None
) -> dict[str, Any]:
    """The entry with its unknowns marked: a new dict, since the view adds fields to it (joins,
    ``in_force``, the rulings in force); what it holds is never changed, so it may be shared
    with the views of other dates."""
    key = (section, id(entry))
    if marked is not None and key in marked:
        return dict(marked[key])
    ident = entry.get("id")
    base = f"{section}[{ident}]" if ident else section
    out: dict[str, Any] = _mark(entry, base)
    if marked is not None:
        marked[key] = out
        return dict(out)
    return out


def _section(name: str, value: Any, marked: dict[tuple[str, int], Any] | None) -> Any:
    """A section without entries (the sources, the report's settings) with its unknowns
    marked: the view never changes what it holds, so the views of all dates may share it."""
    if marked is None:
        return _mark(value, name)
    key = (name, id(value))
    if key not in marked:
        marked[key] = _mark(value, name)
    return marked[key]


def _resolve(section: str, entry: dict[str, Any], day: date) -> dict[str, Any] | None:
    """Replace a history list by the status in force on ``day``; drop entries not yet begun."""
    field = HISTORIES[section]
    history = entry.get(field) or []
    started = [h for h in history if started_by(_plain(h.get("since")), day)]
    if history and not started:
        return None
    current = [h for h in started if holds_on(_plain(h.get("since")), _plain(h.get("until")), day)]
    state = _latest(current)
    status: Any = state.get("status") if state else Unknown(f"{_path(section, entry)}.{field}")
    result = dict(entry)
    result[field] = status
    result["history"] = started
    if section == "flows":
        result["occurred"] = _occurred(started, entry.get("since"), _path(section, entry))
    if state is not None:
        result["status_confidence"] = state.get("confidence")
        result["status_sources"] = state.get("sources", [])
    if section in ("flows", "authorities"):
        # What set a status nobody knows is not known either.
        unknown_by = Unknown(f"{_path(section, entry)}.by")
        known = state is not None and not isinstance(status, Unknown)
        result["status_by"] = state.get("by") if state is not None and known else unknown_by
    return result


_TOOK_PLACE = {"active", "suspended", "ended"}


def _occurred(history: list[dict[str, Any]], since: Any, path: str) -> Any:
    """Whether a flow has actually carried data by the date: a status of active, suspended or
    ended at some point. A flow only proposed, or refused (blocked before it ever ran), has
    not. A flow with no status history has run if the case dates its start (``since``, on or
    before the date: later flows are not in the view); with neither, it is not established."""
    if not history:
        return True if isinstance(since, str) else Unknown(f"{path}.occurred")
    statuses = [h.get("status") for h in history]
    if any(isinstance(s, str) and s in _TOOK_PLACE for s in statuses):
        return True
    if any(isinstance(s, Unknown) for s in statuses):
        return Unknown(f"{path}.occurred")
    return False


def _latest(states: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of the statuses holding on a day, the one that began last wins; an undated status holds
    from the beginning, so any dated one supersedes it. List order breaks ties only."""
    if not states:
        return None
    ranked = sorted(
        enumerate(states),
        key=lambda item: (_start(item[1].get("since")), item[0]),
    )
    return ranked[-1][1]


def _start(value: Any) -> date:
    return partial_start(value) if isinstance(value, str) else date.min


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _path(section: str, entry: dict[str, Any]) -> str:
    return f"{section}[{entry.get('id')}]"


def _mark(value: Any, path: str) -> Any:
    """Replace every ``unknown`` string by an :class:`Unknown` carrying its path."""
    if isinstance(value, str):
        return Unknown(path) if value == UNKNOWN else value
    if is_partial_form(value):
        return PartialEntries(path, _mark(value[KNOWN_KEY], path))
    if isinstance(value, dict):
        return {k: _mark(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value
