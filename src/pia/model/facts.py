"""Open-world facts: a list nobody has established is unknown, not empty.

The rule, stated once (the reference docs print :data:`OPEN_WORLD_RULE`): an omitted section or
list means *not established* and evaluates to unknown; ``[]`` means *known to be none*; ``unknown``
may be written for any of them. In Python such a list is still a ``tuple``: an unknown one is the
empty :class:`UnknownList`, so code that iterates a section sees no entries and can never iterate
the string ``"unknown"``; code that must tell "none" from "not established" asks
:func:`is_unknown_list`. When a model is dumped, an unknown list is written ``unknown`` again, so
the case view (and the JSON a case round-trips through) keeps the difference.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from pia.model.common import UNKNOWN

#: The open-world rule, in the words the reference docs and the tutorial print.
OPEN_WORLD_RULE = (
    "The world is open: an omitted section or list means the fact is *not established* and "
    "rubric indicators read it as unknown; `[]` means it is *known to be none*; and `unknown` may "
    "be written wherever a fact may not be known: every section, every list of references and "
    "every enumeration. No default states a judgment: a field left out is either unknown or a "
    "plain absence the field's description names (an optional text, an open-ended date)."
)


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
        return {"anyOf": [handler(schema), {"const": UNKNOWN}]}

    def __repr__(self) -> str:
        return "OpenWorld()"


def _validate(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    if value == UNKNOWN or isinstance(value, UnknownList):
        return UNKNOWN_LIST
    # A wrap validator hands JSON input on as Python values, and strict mode wants tuples where
    # Python has them: JSON arrays (an Assessment read back from its JSON, say) arrive as lists,
    # here and in every entry below, so they are made tuples as the loader makes them.
    return handler(_as_tuples(value) if isinstance(value, list) else value)


def _as_tuples(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_tuples(v) for k, v in value.items()}
    return value


def _serialize(value: Any, handler: core_schema.SerializerFunctionWrapHandler) -> Any:
    return UNKNOWN if isinstance(value, UnknownList) else handler(value)


OPEN = OpenWorld()

T = TypeVar("T")

#: A list that may be unknown: ``tuple[T, ...]`` in Python, ``[...]`` or ``unknown`` in YAML.
#: Give it ``default=UNKNOWN_LIST`` so that leaving it out means not established.
OpenList = Annotated[tuple[T, ...], OPEN]


def is_open_world(metadata: tuple[Any, ...] | list[Any]) -> bool:
    """Whether a field's metadata marks it open-world (for the docs and the scaffold)."""
    return any(isinstance(m, OpenWorld) for m in metadata)
