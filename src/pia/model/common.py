"""Building blocks shared by the case and rubric formats.

Every model is frozen and forbids unknown fields, so a typo is an error at its own line rather than
a silently ignored fact. ``unknown`` is a value, not an omission: a retention period that nobody
has found is a gap in the case, and the engine must be able to tell it from a period that is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

UNKNOWN = "unknown"


class Model(BaseModel):
    """Base of every pia model: immutable, strict about fields, no silent coercion.

    The validator of a model is built when it is first used, not when its class is defined:
    ``pia validate`` builds the case's once, and nothing for the models it does not use.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", strict=True, populate_by_name=True, defer_build=True
    )


# --- identifiers and references --------------------------------------------------------------

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks a string field as a reference to an id of the given kind (checked after loading)."""

    kind: str


SourceRef = Annotated[str, Ref("source")]
PartyRef = Annotated[str, Ref("party")]
SubjectRef = Annotated[str, Ref("subject")]
DataRef = Annotated[str, Ref("data")]
FlowRef = Annotated[str, Ref("flow")]
PurposeRef = Annotated[str, Ref("purpose")]
AuthorityRef = Annotated[str, Ref("authority")]
SafeguardRef = Annotated[str, Ref("safeguard")]
RulingRef = Annotated[str, Ref("ruling")]
EntryRef = Annotated[str, Ref("entry")]  # any declared entry of the case


# --- dates -----------------------------------------------------------------------------------

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "date_format", "expected a date written YYYY-MM-DD, found {found}", {"found": repr(value)}
    )


#: A full calendar date, written ``YYYY-MM-DD``.
Date = Annotated[
    date,
    BeforeValidator(_as_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _one_partial(value: Any) -> str | None:
    """``value`` as a partial date string, or None if it is not one."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str):
        m = _PARTIAL.match(value)
        if m:
            year, month, day = m.groups()
            try:
                date(int(year), int(month or 1), int(day or 1))
            except ValueError:
                return None
            return value
    return None


#: The keys of the mapping form of a date range.
_RANGE_KEYS = frozenset({"earliest", "latest", "approximate"})

_PARTIAL_WORDS = (
    "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, a range such as "
    "{earliest: 2022-10, latest: 2023-03} (approximate: true for 'about'), or the same "
    "written 2022-10/2023-03 (a trailing ~ marks a date approximate), found {found}"
)


def _range(earliest: str, latest: str, approximate: bool) -> str:
    mark = "~" if approximate else ""
    if earliest == latest:
        return f"{earliest}{mark}"
    if partial_start(earliest) > partial_start(latest):
        raise PydanticCustomError(
            "partial_date",
            "a date range's earliest ({earliest}) is after its latest ({latest})",
            {"earliest": earliest, "latest": latest},
        )
    return f"{earliest}{mark}/{latest}{mark}"


def _as_partial_date(value: Any) -> str:
    """A partial date, or a range of them, as its one written form (EDTF, ISO 8601-2):
    ``2025-05``, ``2022-10/2023-03``, ``2022~`` (about 2022), ``2022-10~/2023-03~``."""
    single = _one_partial(value)
    if single is not None:
        return single
    if isinstance(value, dict) and set(value) <= _RANGE_KEYS and "earliest" in value:
        earliest = _one_partial(value.get("earliest"))
        latest = _one_partial(value.get("latest", value.get("earliest")))
        approximate = value.get("approximate", False)
        if earliest is not None and latest is not None and isinstance(approximate, bool):
            return _range(earliest, latest, approximate)
    if isinstance(value, str):
        parts = value.split("/")
        plain = [p.removesuffix("~") for p in parts]
        marks = {p.endswith("~") for p in parts}
        dates = [_one_partial(p) for p in plain]
        if len(parts) <= 2 and len(marks) == 1 and all(d is not None for d in dates):
            return _range(plain[0], plain[-1], marks == {True})
    raise PydanticCustomError("partial_date", _PARTIAL_WORDS, {"found": repr(value)})


#: A date known to the day, the month or only the year (``2025``, ``2025-05``, ``2025-05-12``),
#: or a range of them with an approximate flag (``{earliest: 2022-10, latest: 2023-03,
#: approximate: true}``, kept as ``2022-10~/2023-03~``).
PartialDate = Annotated[
    str,
    PlainValidator(_as_partial_date),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?~?(/\d{4}(-\d{2}(-\d{2})?)?~?)?$",
                    "description": "YYYY[-MM[-DD]], optionally ~ (approximate) and "
                    "/YYYY[-MM[-DD]] (a range)",
                },
                {
                    "type": "object",
                    "properties": {
                        "earliest": {"type": ["string", "integer"]},
                        "latest": {"type": ["string", "integer"]},
                        "approximate": {"type": "boolean"},
                    },
                    "required": ["earliest"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


def _bound(value: str, *, latest: bool) -> str:
    """One end of a written partial date or range, without the approximate mark."""
    parts = value.split("/")
    return (parts[-1] if latest else parts[0]).removesuffix("~")


def is_approximate(value: str) -> bool:
    """Whether a written date is marked approximate (``2022~``)."""
    return value.endswith("~")


def is_range(value: str) -> bool:
    """Whether a written date is a range (``2022-10/2023-03``)."""
    return "/" in value


def _first_day(value: str) -> date:
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def partial_start(value: str) -> date:
    """The day from which the engine counts a dated fact: the first day of the date
    (``2025-05`` counts from 2025-05-01) or, for a range, the first day of its latest bound
    (``2022-10/2023-03`` counts from 2023-03-01). Conservatively, a fact dated "late 2022 or
    early 2023" is not taken to hold, begin or end before the latest date the sources allow.
    The approximate mark changes no comparison; reports print it."""
    return _first_day(_bound(value, latest=True))


def earliest_start(value: str) -> date:
    """The first day a written date or range can mean: ``2022-10/2023-03`` from 2022-10-01."""
    return _first_day(_bound(value, latest=False))


def date_words(value: str) -> str:
    """A written date in words for a reader: ``2022-10~/2023-03~`` reads "about 2022-10 to
    2023-03", ``2022~`` reads "about 2022"; a plain partial date reads as written."""
    about = "about " if is_approximate(value) else ""
    if is_range(value):
        return f"{about}{_bound(value, latest=False)} to {_bound(value, latest=True)}"
    return f"{about}{_bound(value, latest=True)}"


def partial_end(value: str) -> date:
    """The last day a partial date (or range) can mean: ``2025-05`` ends on 2025-05-31."""
    parts = [int(p) for p in _bound(value, latest=True).split("-")]
    if len(parts) == 3:
        return date(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return date(parts[0], 12, 31)


# --- values that may be unknown --------------------------------------------------------------


def _as_tri(value: Any) -> bool | str:
    if value is True or value is False or value == UNKNOWN:
        return value  # type: ignore[no-any-return]
    raise PydanticCustomError(
        "tri", "expected true, false or unknown, found {found}", {"found": repr(value)}
    )


#: ``true``, ``false`` or ``unknown``.
Tri = Annotated[
    bool | Literal["unknown"],
    PlainValidator(_as_tri),
    WithJsonSchema({"enum": [True, False, UNKNOWN]}),
]


def _as_number(value: Any) -> int | float | str:
    if value == UNKNOWN or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value  # type: ignore[no-any-return]
    raise PydanticCustomError(
        "number_or_unknown", "expected a number or unknown, found {found}", {"found": repr(value)}
    )


#: A number, or ``unknown``.
NumberOrUnknown = Annotated[
    int | float | Literal["unknown"],
    PlainValidator(_as_number),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"const": UNKNOWN}]}),
]

#: How sure the case is of a claim. ``disputed`` means sources conflict; ``unknown`` means the
#: claim was looked for and not found, and its value should be read as not known; ``inferred``
#: means no source states it and the analyst reasons to it, with the reasoning in ``basis``.
Confidence = Literal["confirmed", "reported", "alleged", "inferred", "disputed", "unknown"]

#: What each confidence value means: the one definition the reference docs and reports print.
CONFIDENCE_MEANINGS: dict[str, str] = {
    "confirmed": "An official or primary source states it (the agreement, a statute, a ruling), "
    "or two major outlets agree.",
    "reported": "A credible secondary source reports it (reputable press, an analysis).",
    "alleged": "A party claims it and it is not admitted or shown.",
    "inferred": "No source states it; the analyst reasons to it from what the sources do say, "
    "and the entry's basis gives the reasoning.",
    "disputed": "Sources conflict; the sides are recorded under disputes.",
    "unknown": "Looked for and not found: read the entry's value as not known.",
}

Text = Annotated[str, Field(min_length=1)]

INFERRED = "inferred"


def _basis_for(value: Any, info: ValidationInfo) -> Any:
    """``basis`` is required when the confidence is ``inferred``: the reasoning, or for a risk
    the entries its rating rests on. Raised as a missing field, so the error reads ``missing
    required field 'basis'`` at the entry."""
    given = value.strip() if isinstance(value, str) else value
    if info.data.get("confidence") == INFERRED and not given:
        raise PydanticCustomError(
            "missing", "an inferred claim needs a basis: the reasoning from the sources"
        )
    return value


# --- citations -------------------------------------------------------------------------------


class Citation(str):
    """A source id as an entry cites it. It is the id itself (it compares, hashes and prints as
    the id, so everything that reads ids reads it unchanged) and also carries how sure this one
    citation makes the entry: ``confidence`` is None for the plain form (``S3``, the entry's
    own confidence applies) and set for the long form (``{source: S3, confidence: reported}``);
    ``basis`` is the reasoning of an ``inferred`` citation."""

    confidence: str | None
    basis: str | None

    def __new__(
        cls, source: str, confidence: str | None = None, basis: str | None = None
    ) -> Citation:
        cited = super().__new__(cls, source)
        cited.confidence = confidence
        cited.basis = basis
        return cited

    def confidence_in(self, entry_confidence: str) -> str:
        """The confidence this citation gives: its own, or the entry's for the plain form."""
        return self.confidence or entry_confidence


class CitedSource(Model):
    """The long form of a citation, where one source supports an entry less (or more) surely
    than the entry's own confidence says: ``{source: S3, confidence: reported}``. Rubric
    expressions see the source id in its place (``in_view``): a list of sources is a list of ids
    in the as-of view, whichever form each citation is written in."""

    in_view: ClassVar[bool] = False

    source: SourceRef = Field(description="The id of the source cited.")
    confidence: Confidence = Field(description="How sure this source makes the entry.")
    basis: str | None = Field(
        default=None,
        validate_default=True,
        description="Required when confidence is inferred: how the entry follows from this source.",
    )

    _check_basis = field_validator("basis")(_basis_for)


def _kind_of_citation(value: Any) -> str | None:
    if isinstance(value, str):
        return "id"
    if isinstance(value, dict | CitedSource):
        return "cited"
    return None


#: One citation in an entry's ``sources``: a source id (``S3``) or the long form
#: ``{source: S3, confidence: reported}``. Either way the validated value is a :class:`Citation`,
#: which is what type checkers are told.
if TYPE_CHECKING:
    CitationItem = Citation
else:
    CitationItem = Annotated[
        Union[  # noqa: UP007 - tagged members need the explicit Union
            Annotated[SourceRef, AfterValidator(Citation), Tag("id")],
            Annotated[
                CitedSource,
                AfterValidator(lambda c: Citation(c.source, c.confidence, c.basis)),
                Tag("cited"),
            ],
        ],
        Discriminator(
            _kind_of_citation,
            custom_error_type="citation",
            custom_error_message="a citation is a source id, or {source: ID, confidence: ...}",
        ),
    ]


class Sourced(Model):
    """Fields every factual entry carries: where it comes from and how sure we are of it."""

    sources: tuple[CitationItem, ...] = Field(
        default=(),
        description="The sources that support this entry: ids, or {source: ID, confidence: ...} "
        "where one source supports it less surely than the entry's confidence says.",
    )
    confidence: Confidence = Field(description="How sure the case is of this entry.")
    basis: str | None = Field(
        default=None,
        validate_default=True,
        description="Required when confidence is inferred: the reasoning from the sources.",
    )
    note: str | None = Field(
        default=None, description="Caveats for the reader, in the analyst's words."
    )
    internal_note: str | None = Field(
        default=None,
        description="For the case's authors only (a to-do, where a fact was found): never "
        "printed in a report, in any format.",
    )
    planned: bool = Field(
        default=False,
        description="The entry is scheduled or planned: its dates may follow the case's as_of "
        "(otherwise a date after as_of is an error).",
    )

    _check_basis = field_validator("basis")(_basis_for)


class Dated(Model):
    """A fact that holds for a period. Either end may be open; partial dates are allowed.

    An entry of a status history (a flow's or a safeguard's `status`, an authority's `standing`,
    a system's `status`) without `since` began on a date the sources do not give; it is never
    read as not holding. Written before every dated entry, it holds from the beginning until a
    dated one supersedes it. Written after dated entries, it began after them and, since the
    sources report it, by the case's `as_of`: from that date it is the status in force; between
    the latest dated entry before it and `as_of`, which of them is in force is unknown unless
    they agree. Where the order is known, date the entry or write it where it belongs."""

    since: PartialDate | None = Field(default=None, description="First date the fact holds.")
    until: PartialDate | None = Field(
        default=None, description="Date from which the fact no longer holds."
    )
