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
  statuses holding on the date, the one that began last wins, whatever the order in the file.
  A status without ``since`` began on a date the sources do not give: the case places it by
  where it writes it. Written before every dated status, it holds from the beginning, so any
  dated status supersedes it. Written after dated ones, it began after them (after the latest
  ``since`` among them) and, since the sources report it, by the case's ``as_of``: from that
  date it supersedes them; between the two, which of them is in force is not established, so
  the status reads unknown unless they agree. An undated status is never read as not holding.
- ``last_known`` is the status in force or, where that is unknown (a later status the case
  marks unknown, or every status ended), the last status the case knows before it: a failure
  that no later known status supersedes still counts. ``last_known_since`` is when it began,
  so the report that prints it reads it here and does not place the history again.
- ``court_relief`` says whether a court order granted in litigation (a temporary restraining
  order, preliminary injunction or stay) set a status that blocked a flow (blocked, suspended)
  or an authority (stayed, enjoined, vacated) by the date, with no later status set by a
  ruling lifting it (active; in force or upheld). It is the one home of that rule, for every
  rubric that reads it, whether or not the status in force on the date is known.
- a purpose of kind ``collection`` is the purpose the data was collected for: it is compatible
  with the collection purpose by definition, so the view reads its
  ``compatible_with_collection`` as true.

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
from pia.model.view import COURT_RELIEF, ENTRY_DATES, ENTRY_PERIODS, HISTORIES, JOINS


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
                view[name] = [_resolve(name, e, day, case.as_of) for e in view[name]]
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
        entry["in_force"] = _notice_in_force(entry, day)
    rulings = _court_relief_rulings(view.get("litigation"))
    for section, (blocking, lifting) in COURT_RELIEF.items():
        for entry in _entries(view, section):
            entry["court_relief"] = _court_relief(entry, blocking, lifting, rulings, section)
    for entry in _entries(view, "purposes"):
        if entry.get("kind") == "collection":
            entry["compatible_with_collection"] = True
    return view


def derived_reads(
    view: dict[str, Any], root: str
) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """The facts each derived field was computed from, as (entry id, field) reads: reading a
    flow's or an authority's ``court_relief`` reads its status history, the litigation section
    (``root`` is the id the case's root records reads under) and the id, kind and outcome of
    each ruling its blocking statuses name."""
    out: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for section, (blocking, _lifting) in COURT_RELIEF.items():
        for entry in _entries(view, section):
            reads = [(entry["id"], "history"), (root, "litigation")]
            for h in entry.get("history") or []:
                by = h.get("by")
                if isinstance(by, str) and h.get("status") in blocking:
                    reads += [(by, "id"), (by, "kind"), (by, "outcome")]
            out[(entry["id"], "court_relief")] = tuple(dict.fromkeys(reads))
    return out


#: The rulings that grant court relief: their kinds and outcomes.
_RELIEF_KINDS = frozenset({"tro", "preliminary_injunction", "stay"})
_RELIEF_OUTCOMES = frozenset({"granted", "granted_in_part"})


def _court_relief_rulings(litigation: Any) -> tuple[frozenset[str], bool]:
    """The ids of the rulings in the view that granted court relief, and whether the list of
    rulings is complete (an unknown or incomplete litigation section may hold more)."""
    if isinstance(litigation, UnknownEntries):
        return frozenset(), False
    complete = not isinstance(litigation, PartialEntries)
    ids = set()
    for suit in litigation or []:
        rulings = suit.get("rulings")
        if isinstance(rulings, PartialEntries | UnknownEntries):
            complete = False
        for ruling in rulings or []:
            if ruling.get("kind") in _RELIEF_KINDS and ruling.get("outcome") in _RELIEF_OUTCOMES:
                ids.add(ruling.get("id"))
    return frozenset(ids), complete


def _court_relief(
    entry: dict[str, Any],
    blocking: frozenset[str],
    lifting: frozenset[str],
    rulings: tuple[frozenset[str], bool],
    section: str,
) -> Any:
    """Whether court relief blocks the entry on the date (see :data:`COURT_RELIEF`): true,
    false, or unknown where a status or the rulings that would decide it are unknown."""
    granted, complete = rulings
    history: list[dict[str, Any]] = entry.get("history") or []
    verdicts: list[bool | None] = []
    for h in history:
        status = h.get("status")
        blocks: bool | None = None if isinstance(status, Unknown) else status in blocking
        by = h.get("by")
        if isinstance(by, str) and by in granted:
            by_court: bool | None = True
        else:
            # an unknown or incomplete list of rulings may hold the one that set it
            by_court = None if not complete or isinstance(by, Unknown) else False
        verdicts.append(_and3(_and3(blocks, by_court), _not3(_lifted(h, history, lifting))))
    if any(v is True for v in verdicts):
        return True
    if any(v is None for v in verdicts):
        return Unknown(f"{_path(section, entry)}.court_relief")
    return False


def _lifted(h: dict[str, Any], history: list[dict[str, Any]], lifting: frozenset[str]) -> Any:
    """Whether a later status set by a ruling lifts ``h``: true, false or None (unknown)."""
    since = _plain(h.get("since"))
    if since is None:
        return False
    found: bool | None = False
    for k in history:
        later = _plain(k.get("since"))
        if k.get("by") is None or later is None or partial_start(later) <= partial_start(since):
            continue
        status = k.get("status")
        if isinstance(status, Unknown):
            found = None
        elif status in lifting:
            return True
    return found


def _and3(x: bool | None, y: bool | None) -> bool | None:
    if x is False or y is False:
        return False
    return None if x is None or y is None else True


def _not3(x: bool | None) -> bool | None:
    return None if x is None else not x


def _notice_in_force(entry: dict[str, Any], day: date) -> Any:
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


def _resolve(
    section: str, entry: dict[str, Any], day: date, recorded: date
) -> dict[str, Any] | None:
    """Replace a history list by the status in force on ``day``; drop entries not yet begun.
    ``recorded`` is the case's ``as_of``, by which every status it reports has begun."""
    field = HISTORIES[section]
    placed = _placed(entry.get(field) or [])
    begun = [p for p in placed if p.begun(day, recorded) is True]
    unsure = [p for p in placed if p.begun(day, recorded) is None]
    if placed and not begun and not unsure:
        return None
    path = _path(section, entry)
    state, status = _in_force(begun, unsure, day, path, field)
    result = dict(entry)
    result[field] = status
    result["history"] = [p.state for p in placed if p in begun]
    last = _last_known(begun, unsure, status)
    if last is None:
        result["last_known"] = Unknown(f"{path}.last_known")
        result["last_known_since"] = Unknown(f"{path}.last_known_since")
    else:
        result["last_known"] = last.state["status"]
        since = last.state.get("since")
        result["last_known_since"] = since if isinstance(since, str) else None
    if section == "flows":
        result["occurred"] = _occurred(result["history"], entry.get("since"), path)
    if state is not None:
        result["status_confidence"] = state.get("confidence")
        result["status_sources"] = state.get("sources", [])
    if section in ("flows", "authorities"):
        # What set a status nobody knows is not known either.
        unknown_by = Unknown(f"{path}.by")
        known = state is not None and not isinstance(status, Unknown)
        result["status_by"] = state.get("by") if state is not None and known else unknown_by
    return result


class _Placed:
    """A history entry placed in time: its start (``since``; for an undated entry written after
    dated ones, the latest ``since`` before it, after which it began) and its place in the file,
    which orders entries that start alike."""

    __slots__ = ("after", "index", "start", "state")

    def __init__(self, state: dict[str, Any], index: int, start: date, after: bool) -> None:
        self.state = state
        self.index = index
        self.start = start
        #: an undated entry written after dated ones: it began after ``start``, date unknown
        self.after = after

    @property
    def key(self) -> tuple[date, int]:
        return (self.start, self.index)

    def begun(self, day: date, recorded: date) -> bool | None:
        """Whether the entry had begun by ``day``: None where that is not established."""
        if not self.after:
            return started_by(_plain(self.state.get("since")), day)
        if day < self.start:
            return False
        return True if day >= recorded else None

    def holds(self, day: date) -> bool:
        until = _plain(self.state.get("until"))
        since = None if self.after else _plain(self.state.get("since"))
        return holds_on(since, until, day)


def undated_after_dated(sinces: list[str | None]) -> list[bool]:
    """For each entry of a status history (given by its ``since``), whether it is undated and
    written after a dated entry: it began after that entry, by the case's ``as_of``."""
    seen = False
    out = []
    for since in sinces:
        out.append(since is None and seen)
        seen = seen or since is not None
    return out


def _placed(history: list[dict[str, Any]]) -> list[_Placed]:
    """The history's entries placed in time (see :class:`_Placed`)."""
    sinces = [_plain(state.get("since")) for state in history]
    after = undated_after_dated(sinces)
    out = []
    latest = date.min
    for index, (state, since) in enumerate(zip(history, sinces, strict=True)):
        if since is not None:
            latest = max(latest, partial_start(since))
            out.append(_Placed(state, index, partial_start(since), after=False))
        else:
            out.append(_Placed(state, index, latest, after=after[index]))
    return out


def _in_force(
    begun: list[_Placed], unsure: list[_Placed], day: date, path: str, field: str
) -> tuple[dict[str, Any] | None, Any]:
    """The entry in force on ``day`` and its status: of the entries holding, the one that began
    last. Where an undated entry not established to have begun would supersede it with another
    status, which is in force is not established: no entry, and an unknown status."""
    current = [p for p in begun if p.holds(day)]
    winner = max(current, key=lambda p: p.key) if current else None
    rivals = [p for p in unsure if p.holds(day) and (winner is None or p.key > winner.key)]
    unknown = Unknown(f"{path}.{field}")
    if winner is None:
        return None, unknown
    status = winner.state.get("status")
    if any(p.state.get("status") != status for p in rivals):
        return None, unknown
    return winner.state, status


def _last_known(begun: list[_Placed], unsure: list[_Placed], status: Any) -> _Placed | None:
    """The entry of the status in force or, where that is unknown, of the last status the case
    knows before it; None where none is known, or where an undated entry not established to
    have begun would make another status the last known."""
    known = [p for p in begun if isinstance(p.state.get("status"), str)]
    if isinstance(status, str):
        known = [p for p in known if p.state["status"] == status]
    if not known:
        return None
    last = max(known, key=lambda p: p.key)
    found = last.state["status"]
    later = [p for p in unsure if p.key > last.key and isinstance(p.state.get("status"), str)]
    if not isinstance(status, str) and any(p.state["status"] != found for p in later):
        return None
    return last


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
