"""Dated facts after the case's ``as_of``: an error unless the entry is marked ``planned``.

A case describes an arrangement as of one date; a fact dated after it is either something
scheduled (a planned flow, a safeguard due to start, a hearing set for a date), which the entry
says with ``planned: true``, or a typo (2026-02-05 written 2062-02-05) that would silently drop
a fact from every assessment before that date. The sign-off date is not a fact about the
arrangement and may follow ``as_of``, nor is the date a risk's target is set for.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from pia.load.located import DataPath, Located
from pia.model.case import Case, RiskTarget
from pia.model.common import Sourced, partial_start
from pia.model.diagnostics import DATE_AFTER_AS_OF, Diagnostic
from pia.model.introspect import date_fields

#: Fields whose dates are not facts about the arrangement.
_NOT_FACTS: frozenset[DataPath] = frozenset({("as_of",), ("sign_off", "date")})


def date_diagnostics(case: Case, located: Located) -> list[Diagnostic]:
    """One error per date after ``as_of`` in an entry not marked ``planned``."""
    out = []
    for path, value, plannable in _dates(case, ()):
        if path in _NOT_FACTS:
            continue
        start = _start(value)
        if start is None or start <= case.as_of:
            continue
        pos = located.value_at(path)
        out.append(
            DATE_AFTER_AS_OF.at(
                located.path,
                pos.line,
                pos.col,
                f"{'.'.join(str(p) for p in path)}: {value} is after the case's as_of "
                f"({case.as_of.isoformat()})",
                "fix the date, or mark the entry `planned: true` if it is scheduled"
                if plannable
                else "fix the date, or the case's as_of",
            )
        )
    return out


def _start(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return partial_start(value)
        except ValueError:
            return None
    return None


def _dates(obj: object, path: DataPath) -> list[tuple[DataPath, object, bool]]:
    """(data path, value, whether its entry could be marked planned) of every date in a model
    tree, skipping entries marked planned (and everything inside them)."""
    out: list[tuple[DataPath, object, bool]] = []
    _collect_dates(obj, path, out)
    return out


def _collect_dates(obj: object, path: DataPath, out: list[tuple[DataPath, object, bool]]) -> None:
    if isinstance(obj, BaseModel):
        if (isinstance(obj, Sourced) and obj.planned) or isinstance(obj, RiskTarget):
            return  # planned, or a risk's target: a date aimed for, not a fact
        for name, key, dated in date_fields(type(obj)):
            value = getattr(obj, name)
            if dated and isinstance(value, str | date):
                out.append(((*path, key), value, isinstance(obj, Sourced)))
            elif isinstance(value, _BRANCHES):
                _collect_dates(value, (*path, key), out)
    elif isinstance(obj, tuple | list):
        for i, item in enumerate(obj):
            if isinstance(item, _BRANCHES):
                _collect_dates(item, (*path, i), out)
    elif isinstance(obj, dict):
        for k, item in obj.items():
            if isinstance(item, _BRANCHES):
                _collect_dates(item, (*path, k), out)


#: What a date can be found inside (anything else is a leaf that is not a date field).
_BRANCHES = (BaseModel, tuple, list, dict)
