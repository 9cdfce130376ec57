"""The one place that reads pydantic annotations: what a field holds, whatever wraps it.

Every part of pia that walks the formats (the loader's did-you-mean, reference checks, the rubric
path check, the sensitivity analysis, ``pia new`` and the reference docs) asks these functions,
so ``Annotated``, ``Optional``, unions and tuples are unwrapped the same way everywhere.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from pia.model.common import ID_PATTERN, Date, NumberOrUnknown, PartialDate, Ref, Tri


def unwrap(annotation: Any) -> list[Any]:
    """The plain types an annotation can hold: ``Annotated`` dropped, unions flattened."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [u for arg in typing.get_args(annotation) for u in unwrap(arg)]
    return [annotation]


def union_members(annotation: Any) -> list[Any]:
    """Union members, keeping each member's own ``Annotated`` metadata."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


def item_type(annotation: Any) -> Any | None:
    """The item type of a tuple or list annotation (``tuple[X, ...]`` gives X), else None."""
    if typing.get_origin(annotation) in (tuple, list):
        return typing.get_args(annotation)[0]
    return None


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes a field holds, directly or as the items of a tuple or list."""
    out: list[type[BaseModel]] = []
    for inner in unwrap(annotation):
        item = item_type(inner)
        for t in unwrap(item) if item is not None else [inner]:
            if isinstance(t, type) and issubclass(t, BaseModel) and t not in out:
                out.append(t)
    return out


def literal_values(annotation: Any) -> tuple[Any, ...]:
    """The allowed values of a ``Literal`` field (through unions, ``Annotated`` and tuples)."""
    values: list[Any] = []
    for inner in unwrap(annotation):
        item = item_type(inner)
        for t in unwrap(item) if item is not None else [inner]:
            if typing.get_origin(t) is Literal:
                values += [v for v in typing.get_args(t) if v not in values]
    return tuple(values)


def field_info(model: type[BaseModel], name: str) -> FieldInfo | None:
    """A model's field by its YAML name (the alias, where there is one) or its Python name."""
    for python_name, info in model.model_fields.items():
        if name in (python_name, info.alias):
            return info
    return None


def yaml_names(model: type[BaseModel]) -> list[str]:
    """The field names a model accepts in YAML, in declaration order."""
    return [info.alias or name for name, info in model.model_fields.items()]


def types_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[type[BaseModel]]:
    """The model classes that can stand at a data path under ``model``."""
    current: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for t in current:
            for inner in unwrap(t):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    info = field_info(inner, part) if isinstance(part, str) else None
                    if info is not None:
                        nxt.append(info.annotation)
                else:
                    origin = typing.get_origin(inner)
                    if origin in (tuple, list):
                        nxt.append(typing.get_args(inner)[0])
                    elif origin is dict:
                        nxt.append(typing.get_args(inner)[1])
        if not nxt and isinstance(part, str) and current:
            nxt = current  # a union member's tag in pydantic's error location, not data
        current = nxt
    return [
        inner
        for t in current
        for inner in unwrap(t)
        if isinstance(inner, type) and issubclass(inner, BaseModel)
    ]


def fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> set[str]:
    """The YAML field names accepted at a data path under ``model``."""
    return {name for t in types_at(model, loc) for name in yaml_names(t)}


def ref_of(annotation: Any) -> Ref | None:
    """The :class:`Ref` marker on a field, on the members of an optional field, or on its items."""
    for member in union_members(annotation):
        if typing.get_origin(member) is typing.Annotated:
            found = [m for m in typing.get_args(member)[1:] if isinstance(m, Ref)]
            if found:
                return found[0]
            member = typing.get_args(member)[0]
            if typing.get_origin(member) in (typing.Union, types.UnionType):
                ref = ref_of(member)  # a tagged union (a citation: an id or its long form)
                if ref is not None:
                    return ref
        item = item_type(member)
        if item is not None:
            ref = ref_of(item)
            if ref is not None:
                return ref
    return None


def _may_hold_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(arg) for arg in typing.get_args(annotation))


@functools.cache
def _model_holders(model: type[BaseModel]) -> frozenset[str]:
    """The (python) names of the fields of a model class that can hold models."""
    return frozenset(
        name for name, info in model.model_fields.items() if _may_hold_models(info.annotation)
    )


@functools.cache
def ref_fields(model: type[BaseModel]) -> tuple[tuple[str, str, Ref | None], ...]:
    """``(python name, YAML name, Ref or None)`` for the fields of a model class that are
    references or can hold models.

    A pure function of the (immutable) class, computed once per class: walking a large case
    field by field and reading every annotation again took most of the reference check.
    """
    fields = []
    for name, info in model.model_fields.items():
        ref = next((m for m in info.metadata if isinstance(m, Ref)), None)
        if ref is None:
            ref = ref_of(info.annotation)
        if ref is not None or name in _model_holders(model):
            fields.append((name, info.alias or name, ref))
    return tuple(fields)


@functools.cache
def date_fields(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """``(python name, YAML name, whether it holds a date)`` for the fields of a model class
    that hold a ``date`` or ``partial_date`` (in any member of a union) or can hold models.

    Computed once per class, like :func:`ref_fields`: the date check visits every entry.
    """
    fields = []
    for name, info in model.model_fields.items():
        dated = any(m.named() in ("date", "partial_date") for m in Shape.of(info).union())
        if dated or name in _model_holders(model):
            fields.append((name, info.alias or name, dated))
    return tuple(fields)


@dataclass(frozen=True)
class Shape:
    """A field's type, unwrapped from pydantic: the bare annotation and its metadata."""

    annotation: Any
    metadata: tuple[Any, ...] = ()

    @classmethod
    def of(cls, info: FieldInfo) -> Shape:
        return cls(info.annotation, tuple(info.metadata)).unwrapped()

    def unwrapped(self) -> Shape:
        """Fold ``Annotated[...]`` (and pydantic ``FieldInfo`` inside it) into the metadata."""
        ann, meta = self.annotation, list(self.metadata)
        while typing.get_origin(ann) is typing.Annotated:
            args = typing.get_args(ann)
            ann = args[0]
            meta.extend(args[1:])
        flat: list[Any] = []
        for item in meta:
            if isinstance(item, FieldInfo):
                flat.extend(item.metadata)
            else:
                flat.append(item)
        return Shape(ann, tuple(flat))

    def named(self) -> str | None:
        """``tri``, ``number_or_unknown``, ``partial_date``, ``date``, ``id`` or None: the
        format's own named value types, recognised by the metadata the alias carries."""
        for marks, name in _NAMED:
            if any(m in self.metadata for m in marks):
                return name
        if any(getattr(m, "pattern", None) == ID_PATTERN for m in self.metadata):
            return "id"
        return None

    def ref(self) -> str | None:
        kinds = [m.kind for m in self.metadata if isinstance(m, Ref)]
        return kinds[0] if kinds else None

    def constraint(self, name: str) -> Any:
        for m in self.metadata:
            value = getattr(m, name, None)
            if value is not None:
                return value
        return None

    def union(self) -> list[Shape]:
        """The alternatives of a union, each unwrapped; a non-union is its own alternative."""
        if typing.get_origin(self.annotation) in (typing.Union, types.UnionType):
            return [Shape(a).unwrapped() for a in typing.get_args(self.annotation)]
        return [self]

    def item(self) -> Shape | None:
        """The element of a ``tuple[X, ...]`` or ``list[X]``; None for anything else."""
        if typing.get_origin(self.annotation) in (tuple, list):
            return Shape(typing.get_args(self.annotation)[0]).unwrapped()
        return None

    def value(self) -> Shape | None:
        """The value type of a ``dict[str, X]``; None for anything else."""
        if typing.get_origin(self.annotation) is dict:
            return Shape(typing.get_args(self.annotation)[1]).unwrapped()
        return None

    def model(self) -> type[BaseModel] | None:
        ann = self.annotation
        return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None

    def literals(self) -> tuple[Any, ...]:
        if typing.get_origin(self.annotation) is Literal:
            return typing.get_args(self.annotation)
        return ()


def _marks(alias: Any) -> tuple[Any, ...]:
    """The metadata by which a field shows it was declared with a named alias (its schema)."""
    return tuple(m for m in typing.get_args(alias)[1:] if isinstance(m, WithJsonSchema))


_NAMED: tuple[tuple[tuple[Any, ...], str], ...] = (
    (_marks(Tri), "tri"),
    (_marks(NumberOrUnknown), "number_or_unknown"),
    (_marks(PartialDate), "partial_date"),
    (_marks(Date), "date"),
)
