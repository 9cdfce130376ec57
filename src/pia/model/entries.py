"""The one walk over a case's declared entries, and the one name each entry goes by.

Every part of pia that lists a case's entries (reference checks, the engine's evidence index,
the sensitivity analysis, the diff, the report) walks them here, so an entry is found, ordered
and named the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from pia.model.case import ID_SECTIONS, Case, Ruling
from pia.model.common import Model

#: The section name rulings go by: they are declared inside litigation but have ids of their own.
RULINGS = "litigation.rulings"


@dataclass(frozen=True, slots=True)
class Declared:
    """An entry with an id, where it stands in the case, and the kind its id answers to."""

    section: str
    path: tuple[str | int, ...]
    kind: str
    entry: Model
    #: the litigation a ruling belongs to; None for every other entry
    parent: str | None = None

    @property
    def id(self) -> str:
        ident: str = getattr(self.entry, "id")  # noqa: B009 - every declared entry has an id
        return ident


def declared_entries(case: Case) -> Iterator[Declared]:
    """Every entry the case declares with an id, in the format's order; each suit's rulings
    follow the suit."""
    for section, kind in ID_SECTIONS.items():
        for i, entry in enumerate(getattr(case, section)):
            yield Declared(section, (section, i), kind, entry)
            if section == "litigation":
                for j, ruling in enumerate(entry.rulings):
                    yield Declared(
                        RULINGS, (section, i, "rulings", j), Ruling.ref_kind, ruling, entry.id
                    )


def entry_label(entry: BaseModel) -> str:
    """The one name an entry goes by in every output: the field its model names as its label
    (a party's name, a flow's title, a notice's statement...), its ``label()`` where the model
    composes one, or its id."""
    compose = getattr(entry, "label", None)
    if callable(compose):
        text = compose()
        if isinstance(text, str):
            return text
    field = getattr(type(entry), "label_field", None)
    value = getattr(entry, field, None) if isinstance(field, str) else None
    if isinstance(value, str) and value.strip():
        return value
    ident = getattr(entry, "id", None)
    return ident if isinstance(ident, str) else type(entry).__name__


def entries_by_id(case: Case) -> dict[str, Declared]:
    """Declared entries by id (the first declaration wins; duplicates are a load error)."""
    out: dict[str, Declared] = {}
    for declared in declared_entries(case):
        out.setdefault(declared.id, declared)
    return out
