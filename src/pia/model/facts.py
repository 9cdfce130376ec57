"""Open-world facts: a list nobody has established is unknown, not empty.

The rule, stated once (the reference docs print :data:`OPEN_WORLD_RULE`): an omitted section or
list means *not established* and evaluates to unknown; ``[]`` means *known to be none*; ``unknown``
may be written for any of them. A list with entries is complete unless it says otherwise:
``{known: [A1, A2], complete: false}`` reads "A1 and A2, and possibly others", so an indicator
of the form "every X has Y" or "no X is Z" is unknown unless the known entries already decide it.

In Python such a list is still a ``tuple``: an unknown one is the empty :class:`UnknownList`, so
code that iterates a section sees no entries and can never iterate the string ``"unknown"``; an
incomplete one is a :class:`PartialList` that iterates its known entries. Code that must tell
"none" from "not established" asks :func:`is_unknown_list`, and "these" from "these and possibly
others" :func:`is_partial_list`. When a model is dumped, an unknown list is written ``unknown``
and an incomplete one ``{known: [...], complete: false}`` again, so the case view (and the JSON a
case round-trips through) keeps the difference.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from pia.model.common import UNKNOWN

#: The open-world rule, in the words the reference docs and the tutorial print.
OPEN_WORLD_RULE = (
    "The world is open: an omitted section or list means the fact is *not established* and "
    "rubric indicators read it as unknown; `[]` means it is *known to be none*; and `unknown` may "
    "be written wherever a fact may not be known: every section, every list of references and "
    "every enumeration. No default states a judgment: a field left out is either unknown or a "
    "plain absence the field's description names (an optional text, an open-ended date)."
)

#: How a list says it may be incomplete, in the words the reference docs and the tutorial print.
INCOMPLETE_LIST_RULE = (
    "A list with entries is *complete*: these and no others. Where the sources name some "
    'entries and leave room for more, write `{known: [A1, A2], complete: false}` ("A1 and A2, '
    'and possibly others"). Indicators then read the known entries and one more that nobody '
    'has described: "some X is Z" is true if a known entry is Z and otherwise unknown; '
    '"every X has Y" is false if a known entry lacks Y and otherwise unknown; "no X is Z" '
    "is false if a known entry is Z and otherwise unknown. `{known: [], complete: false}` is "
    "the same as `unknown`, and `complete: true` the same as the plain list."
)

#: The keys of the incomplete-list form.
KNOWN_KEY = "known"
COMPLETE_KEY = "complete"


class UnknownList(tuple[Any, ...]):
    """The value of a list nobody has established: empty to iterate, unequal to ``()``."""

    __slots__ = ()

    def __new__(cls) -> UnknownList:
        return super().__new__(cls, ())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnknownList)

    def __ne__(self, other: object) -> bool:
        return not isinstance(other, UnknownList)

    def __hash__(self) -> int:
        return hash(UNKNOWN)

    def __repr__(self) -> str:
        return "UNKNOWN_LIST"

    def __reduce__(self) -> tuple[type[UnknownList], tuple[()]]:
        return (UnknownList, ())


#: The one unknown list (any :class:`UnknownList` compares equal to it).
UNKNOWN_LIST: tuple[Any, ...] = UnknownList()


def is_unknown_list(value: object) -> bool:
    """Whether a list field holds the unknown list (not established), as opposed to ``()``."""
    return isinstance(value, UnknownList)


class PartialList(tuple[Any, ...]):
    """The known entries of a list that may hold others: iterates the known ones, and is unequal
    to the plain tuple of the same entries (which says "these and no others")."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialList) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((COMPLETE_KEY, tuple(self)))

    def __repr__(self) -> str:
        return f"PartialList({tuple.__repr__(self)})"

    def __reduce__(self) -> tuple[type[PartialList], tuple[tuple[Any, ...]]]:
        return (PartialList, (tuple(self),))


def is_partial_list(value: object) -> bool:
    """Whether a list field holds known entries and possibly others (``complete: false``)."""
    return isinstance(value, PartialList)


def is_partial_form(value: object) -> bool:
    """Whether plain data (YAML, JSON, a dumped model) is the ``{known, complete}`` form."""
    return (
        isinstance(value, dict)
        and set(value) == {KNOWN_KEY, COMPLETE_KEY}
        and isinstance(value[COMPLETE_KEY], bool)
    )


class OpenWorld:
    """Marks a list field as open-world: it accepts ``unknown`` and dumps it back as ``unknown``."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        inner = handler(source)
        return core_schema.no_info_wrap_validator_function(
            _validate,
            inner,
            serialization=core_schema.wrap_serializer_function_ser_schema(_serialize, schema=inner),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        listed = handler(schema)
        partial = {
            "type": "object",
            "properties": {KNOWN_KEY: listed, COMPLETE_KEY: {"type": "boolean"}},
            "required": [KNOWN_KEY, COMPLETE_KEY],
            "additionalProperties": False,
            "description": "Known entries, and whether the list is complete (false: possibly "
            "others).",
        }
        return {"anyOf": [listed, {"const": UNKNOWN}, partial]}

    def __repr__(self) -> str:
        return "OpenWorld()"


def _validate(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    if value == UNKNOWN or isinstance(value, UnknownList):
        return UNKNOWN_LIST
    if isinstance(value, PartialList):
        return PartialList(handler(tuple(value)))
    if isinstance(value, dict) and KNOWN_KEY in value:
        return _validate_partial(value, handler)
    # A wrap validator hands JSON input on as Python values, and strict mode wants tuples where
    # Python has them: JSON arrays (an Assessment read back from its JSON, say) arrive as lists,
    # here and in every entry below, so they are made tuples as the loader makes them.
    return handler(_as_tuples(value) if isinstance(value, list) else value)


def _validate_partial(value: dict[Any, Any], handler: Any) -> Any:
    extra = sorted(str(k) for k in value if k not in (KNOWN_KEY, COMPLETE_KEY))
    if extra:
        raise PydanticCustomError(
            "partial_list",
            "a list written as a mapping takes only known and complete, not {extra}",
            {"extra": ", ".join(extra)},
        )
    complete = value.get(COMPLETE_KEY)
    if not isinstance(complete, bool):
        raise PydanticCustomError(
            "partial_list",
            "complete must be true or false (false: the known entries and possibly others)",
            {},
        )
    known = value[KNOWN_KEY]
    if known == UNKNOWN or isinstance(known, UnknownList):
        return UNKNOWN_LIST
    entries = handler(_as_tuples(known) if isinstance(known, list) else known)
    if complete:
        return entries
    # "None known, possibly some" says no more than unknown.
    return PartialList(entries) if entries else UNKNOWN_LIST


def _as_tuples(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_tuples(v) for k, v in value.items()}
    return value


def _serialize(value: Any, handler: core_schema.SerializerFunctionWrapHandler) -> Any:
    if isinstance(value, UnknownList):
        return UNKNOWN
    if isinstance(value, PartialList):
        return {KNOWN_KEY: handler(tuple(value)), COMPLETE_KEY: False}
    return handler(value)


OPEN = OpenWorld()

T = TypeVar("T")

#: A list that may be unknown: ``tuple[T, ...]`` in Python, ``[...]`` or ``unknown`` in YAML.
#: Give it ``default=UNKNOWN_LIST`` so that leaving it out means not established.
OpenList = Annotated[tuple[T, ...], OPEN]


def is_open_world(metadata: tuple[Any, ...] | list[Any]) -> bool:
    """Whether a field's metadata marks it open-world (for the docs and the scaffold)."""
    return any(isinstance(m, OpenWorld) for m in metadata)
