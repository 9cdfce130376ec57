"""CEL syntax trees compiled to Python closures: celpy's results, an order of magnitude faster.

celpy parses every indicator and defines what it means; its interpreter walks the syntax tree on
every evaluation, which on a large case costs milliseconds per expression. This module turns a
parsed tree, once, into nested closures that call the very same operator functions the
interpreter calls (pia's Kleene ``&&``, ``||`` and ``!``, its strict ``==``, celpy's ``in``,
``size`` and the rest) in the same order, and that record the same reads and the same evidence
(see :class:`pia.expr.Recorder`).

celpy stays the reference. A construct the closures do not cover (one the shipped rubrics do
not use, such as ``?:`` or ``filter``) makes :func:`compile_closure` return ``None``; any error
that is not an unknown fact (a missing field, a type mismatch) raises :class:`Fallback` while
evaluating. In both cases :func:`pia.expr.evaluate` asks celpy instead, so a real error gets
celpy's own message and celpy's own absorption rules. A differential test evaluates every
shipped indicator both ways, on both shipped cases at several dates.
"""

from __future__ import annotations

import functools
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import celpy.evaluation
import lark
from celpy import celtypes
from celpy.evaluation import CELEvalError

from pia.cel.values import MacroRecord

if TYPE_CHECKING:
    from pia.cel.values import Recorder

Env = Mapping[str, Any]
Node = Callable[[Env, "Recorder"], Any]
Decisive = Callable[[str, Any, Sequence[tuple[set[tuple[str, str]], Any]]], list[set[Any]]]
IsUnknown = Callable[[Any], bool]

#: Grammar rules whose evaluation, with a single child, is exactly the child's value: celpy's
#: methods for them return ``visit_children(tree)[0]``. The closures skip them, and so does
#: pia's faster walk of celpy's interpreter (pia.expr).
PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication"}
    | {"unary", "member"}
)
_BINARY = {
    "relation_lt": "_<_",
    "relation_le": "_<=_",
    "relation_ge": "_>=_",
    "relation_gt": "_>_",
    "relation_eq": "_==_",
    "relation_ne": "_!=_",
    "relation_in": "_in_",
    "addition_add": "_+_",
    "addition_sub": "_-_",
    "multiplication_mul": "_*_",
    "multiplication_div": "_/_",
    "multiplication_mod": "_%_",
}
_MACROS = frozenset({"exists", "all", "map"})


class Fallback(Exception):
    """Raised while evaluating: let celpy evaluate this expression (a real error happened)."""


class OperatorFailed(Fallback):
    """A binary operator failed on operands it had both evaluated (``node`` is that operator)."""

    def __init__(self, node: Any) -> None:
        super().__init__()
        self.node = node


#: A side of ``&&`` or ``||`` whose own operator failed.
_FAILED = object()


def _side(node: Node, env: Env, rec: Recorder) -> Any:
    """Evaluate one side of a logical operator; _FAILED when the side is itself an operator
    that failed after reading both its operands (what celpy evaluates to an error value)."""
    try:
        return node(env, rec)
    except OperatorFailed as exc:
        if exc.node is node:
            return _FAILED
        raise


class Unsupported(Exception):
    """Raised while compiling: the closures do not cover this construct."""


def compile_closure(
    tree: lark.Tree[Any],
    functions: Mapping[str, Any],
    new_activation: Callable[[], Any],
    *,
    decisive: Decisive,
    is_unknown: IsUnknown,
) -> Node | None:
    """The closure for a parsed expression, or None if it uses a construct not covered here.

    ``functions`` are the ones the expression's celpy program was given (pia's overrides);
    celpy's base functions stand behind them, as in celpy's own activations.
    """
    compiler = _Compiler(
        ChainMap(dict(functions), celpy.evaluation.base_functions),
        new_activation,
        decisive,
        is_unknown,
    )
    try:
        return compiler.node(tree)
    except Unsupported:
        return None


class _Compiler:
    def __init__(
        self,
        functions: Mapping[str, Any],
        new_activation: Callable[[], Any],
        decisive: Decisive,
        is_unknown: IsUnknown,
    ) -> None:
        self.functions = functions
        self.new_activation = new_activation
        self.decisive = decisive
        self.is_unknown = is_unknown

    def function(self, name: str) -> Any:
        try:
            return self.functions[name]
        except KeyError:
            raise Unsupported(name) from None

    def checked(self, value: Any) -> Any:
        """An unknown fact flows on as a value; any other error is celpy's to report."""
        if isinstance(value, CELEvalError) and not self.is_unknown(value):
            raise Fallback
        return value

    def node(self, tree: Any) -> Node:
        if not isinstance(tree, lark.Tree):
            raise Unsupported(repr(tree))
        while tree.data in PASS_THROUGH and len(tree.children) == 1:
            tree = tree.children[0]
            if not isinstance(tree, lark.Tree):
                raise Unsupported(repr(tree))
        builder = getattr(self, f"build_{tree.data}", None)
        if builder is None:
            raise Unsupported(tree.data)
        node: Node = builder(tree)
        return node

    # --- operators ---------------------------------------------------------------------------

    def build_conditionalor(self, tree: lark.Tree[Any]) -> Node:
        return self.logical(tree, "_||_")

    def build_conditionaland(self, tree: lark.Tree[Any]) -> Node:
        return self.logical(tree, "_&&_")

    def logical(self, tree: lark.Tree[Any], name: str) -> Node:
        left, right = (self.node(child) for child in tree.children)
        fn = self.function(name)
        checked = self.checked
        # the value that decides ``&&`` (false) or ``||`` (true) whatever the other side is
        deciding = name == "_||_"

        def logical(env: Env, rec: Recorder) -> Any:
            a = _side(left, env, rec)  # both sides are always evaluated, as celpy does: both
            b = _side(right, env, rec)  # record their reads
            if a is _FAILED or b is _FAILED:
                # A side whose own operator failed (``null <= "2025"``, both operands read) is an
                # error value to celpy, which the other side absorbs when it decides the result,
                # as CEL's commutative ``&&`` and ``||`` do; otherwise celpy says what it is.
                other = b if a is _FAILED else a
                if isinstance(other, celtypes.BoolType) and bool(other) is deciding:
                    return other
                raise Fallback
            try:
                return checked(fn(a, b))
            except TypeError:
                raise Fallback from None

        return logical

    def build_relation(self, tree: lark.Tree[Any]) -> Node:
        return self.binary(tree)

    def build_addition(self, tree: lark.Tree[Any]) -> Node:
        return self.binary(tree)

    def build_multiplication(self, tree: lark.Tree[Any]) -> Node:
        return self.binary(tree)

    def binary(self, tree: lark.Tree[Any]) -> Node:
        """``a OP b``: the tree is ``[OP-node [a], b]``."""
        op_tree, right_tree = tree.children
        if op_tree.data not in _BINARY or len(op_tree.children) != 1:
            raise Unsupported(op_tree.data)
        left = self.node(op_tree.children[0])
        right = self.node(right_tree)
        fn = self.function(_BINARY[op_tree.data])
        checked = self.checked

        def binary(env: Env, rec: Recorder) -> Any:
            a = left(env, rec)
            b = right(env, rec)
            try:
                return checked(fn(a, b))
            except (TypeError, ValueError, ZeroDivisionError):
                raise OperatorFailed(binary) from None

        return binary

    def build_unary(self, tree: lark.Tree[Any]) -> Node:
        op_tree, right_tree = tree.children
        name = {"unary_not": "!_", "unary_neg": "-_"}.get(op_tree.data)
        if name is None:
            raise Unsupported(op_tree.data)
        right = self.node(right_tree)
        fn = self.function(name)
        checked = self.checked

        def unary(env: Env, rec: Recorder) -> Any:
            try:
                return checked(fn(right(env, rec)))
            except (TypeError, ValueError):
                raise Fallback from None

        return unary

    # --- members and macros ------------------------------------------------------------------

    def build_member_dot(self, tree: lark.Tree[Any]) -> Node:
        base = self.node(tree.children[0])
        name = str(tree.children[1])

        def member_dot(env: Env, rec: Recorder) -> Any:
            value = base(env, rec)
            if isinstance(value, CELEvalError):
                return value
            if not isinstance(value, celtypes.MapType):
                raise Fallback
            try:
                return value[name]  # a TracedMap records the read
            except KeyError:
                raise Fallback from None

        return member_dot

    def build_member_dot_arg(self, tree: lark.Tree[Any]) -> Node:
        """``list.exists(x, body)``, ``list.all(x, body)`` and ``list.map(x, body)``.

        Every element is evaluated (no short cut, so every read is recorded), each in its own
        read frame, and the elements that decided the result become the evidence, exactly as
        pia's hooks on celpy's macros do.
        """
        name = str(tree.children[1])
        args = tree.children[2] if len(tree.children) > 2 else None
        if name not in _MACROS or not isinstance(args, lark.Tree) or len(args.children) != 2:
            raise Unsupported(name)
        var_tree, body_tree = args.children
        idents = list(var_tree.find_data("ident"))
        if len(idents) != 1:
            raise Unsupported("macro variable")
        var = str(idents[0].children[0])
        source = self.node(tree.children[0])
        body = self.node(body_tree)
        keep_errors = name != "map"  # map keeps unknown elements too; real errors fall back
        is_unknown, decisive, checked = self.is_unknown, self.decisive, self.checked

        def macro(env: Env, rec: Recorder) -> Any:
            memo = rec.memo
            rec.macros.append([])
            recorded: MacroRecord | None = None
            try:
                items = source(env, rec)
                if isinstance(items, CELEvalError):
                    result: Any = items
                else:
                    if not isinstance(items, celtypes.ListType):
                        raise Fallback
                    key = (id(macro), id(items), *map(id, env.values()))
                    if memo is not None and not memo.recording:
                        record = memo.records.get(key)
                        if record is not None and record.items is items:
                            return checked(
                                _reuse(name, record, memo.changed, env, var, body, rec, is_unknown)
                            )
                    recording = memo is not None and memo.recording
                    values = []
                    element_reads: list[set[tuple[str, str]]] = []
                    for item in items:
                        rec.step()
                        rec.frames.append(set())
                        if recording:
                            rec.scopes.append(set())
                        try:
                            value = body({**env, var: item}, rec)
                        finally:
                            reads = rec.frames.pop()
                            if recording:
                                scope = rec.scopes.pop()
                                element_reads.append(scope)
                                if rec.scopes:
                                    rec.scopes[-1] |= scope
                        if isinstance(value, CELEvalError) and not (
                            keep_errors or is_unknown(value)
                        ):
                            raise Fallback
                        rec.macros[-1].append((reads, value))
                        values.append(value)
                    result = _fold(name, values)
                    if recording and memo is not None:
                        recorded = _record(name, items, env, values, element_reads, is_unknown)
                        if recorded is not None:
                            memo.records[key] = recorded
            finally:
                elements = rec.macros.pop()
            for reads in decisive(name, result, elements):
                rec.frames[-1] |= reads
            return checked(result)

        return macro

    # --- primaries ---------------------------------------------------------------------------

    def build_primary(self, tree: lark.Tree[Any]) -> Node:
        child = tree.children[0]
        kind = child.data
        if kind in ("literal", "list_lit"):
            return self.constant(tree)
        if kind == "paren_expr":
            return self.node(child.children[0])
        if kind == "ident":
            return self.identifier(str(child.children[0]))
        if kind == "ident_arg":
            return self.call(child)
        raise Unsupported(kind)

    def constant(self, tree: lark.Tree[Any]) -> Node:
        """A literal or a list of literals, converted by celpy itself, once."""
        for node in tree.iter_subtrees():
            if node.data in ("ident", "ident_arg", "member_dot", "member_dot_arg", "map_lit"):
                raise Unsupported("a list that reads the case")
        evaluator = celpy.evaluation.Evaluator(ast=tree, activation=self.new_activation())
        try:
            value = evaluator.evaluate()
        except CELEvalError:
            raise Unsupported("a literal celpy rejects") from None

        def constant(env: Env, rec: Recorder) -> Any:
            return value

        return constant

    def identifier(self, name: str) -> Node:
        def identifier(env: Env, rec: Recorder) -> Any:
            try:
                return env[name]
            except KeyError:
                raise Fallback from None

        return identifier

    def call(self, tree: lark.Tree[Any]) -> Node:
        """``f(a, b)``: every argument is evaluated first; an unknown one is the result."""
        name = str(tree.children[0])
        if name in ("has", "dyn"):
            raise Unsupported(name)
        fn = self.function(name)
        arg_trees = tree.children[1].children if len(tree.children) > 1 else []
        args = [self.node(a) for a in arg_trees]
        checked = self.checked

        def call(env: Env, rec: Recorder) -> Any:
            values = [a(env, rec) for a in args]
            for value in values:
                if isinstance(value, CELEvalError):
                    return value
            try:
                return checked(fn(*values))
            except (TypeError, ValueError, AttributeError):
                raise Fallback from None

        return call


_FALSE, _TRUE, _UNKNOWN = 0, 1, 2


def _kind(value: Any, is_unknown: IsUnknown) -> int | None:
    """false, true or unknown; None for anything else (a real error, a non-bool)."""
    if isinstance(value, celtypes.BoolType):
        return _TRUE if bool(value) else _FALSE
    if is_unknown(value):
        return _UNKNOWN
    return None


def _record(
    name: str,
    items: Any,
    env: Env,
    values: list[Any],
    element_reads: list[set[tuple[str, str]]],
    is_unknown: IsUnknown,
) -> MacroRecord | None:
    """What :func:`_reuse` needs of one macro evaluation; None where it could not be reused
    exactly (an element that is a real error or not a bool: such results are left to celpy)."""
    kinds = [_kind(v, is_unknown) for v in values]
    if name != "map" and None in kinds:
        return None
    index: dict[tuple[str, str], list[int]] = {}
    for i, reads in enumerate(element_reads):
        for read in reads:
            index.setdefault(read, []).append(i)
    return MacroRecord(
        items=items,
        env=tuple(env.values()),
        values=values,
        index=index,
        trues=kinds.count(_TRUE),
        falses=kinds.count(_FALSE),
        unknowns=[i for i, k in enumerate(kinds) if k == _UNKNOWN],
    )


def _reuse(
    name: str,
    record: MacroRecord,
    changed: frozenset[tuple[str, str]],
    env: Env,
    var: str,
    body: Node,
    rec: Recorder,
    is_unknown: IsUnknown,
) -> Any:
    """The macro's result with only the elements that read a ``changed`` fact evaluated again:
    the same value :func:`_fold` gives over every element, at the cost of the changed ones."""
    affected = sorted({i for read in changed for i in record.index.get(read, ())})
    if not affected:
        return _fold(name, record.values) if name == "map" else _from_counts(name, record, {})
    fresh: dict[int, Any] = {}
    for i in affected:
        rec.step()
        rec.frames.append(set())
        try:
            value = body({**env, var: record.items[i]}, rec)
        finally:
            rec.frames.pop()
        if isinstance(value, CELEvalError) and not (name != "map" or is_unknown(value)):
            raise Fallback
        fresh[i] = value
    if name == "map" or any(_kind(v, is_unknown) is None for v in fresh.values()):
        values = list(record.values)
        for i, value in fresh.items():
            values[i] = value
        return _fold(name, values)
    return _from_counts(name, record, fresh)


def _from_counts(name: str, record: MacroRecord, fresh: dict[int, Any]) -> Any:
    """exists/all from how many elements are true, false and unknown (Kleene or/and)."""
    trues, falses = record.trues, record.falses
    unknown_value: Any = None
    for i, value in fresh.items():
        old = record.values[i]
        trues -= isinstance(old, celtypes.BoolType) and bool(old)
        falses -= isinstance(old, celtypes.BoolType) and not bool(old)
        if isinstance(value, celtypes.BoolType):
            trues += bool(value)
            falses += not bool(value)
        elif unknown_value is None:
            unknown_value = value
    unknowns = (
        len(record.unknowns)
        - sum(1 for i in fresh if not isinstance(record.values[i], celtypes.BoolType))
        + sum(1 for v in fresh.values() if not isinstance(v, celtypes.BoolType))
    )
    decided, default = (trues, True) if name == "exists" else (falses, False)
    if decided:
        return celtypes.BoolType(default)
    if unknowns:
        if unknown_value is None:
            unknown_value = next(record.values[i] for i in record.unknowns if i not in fresh)
        return unknown_value
    return celtypes.BoolType(not default)


def _fold(name: str, values: list[Any]) -> Any:
    """Fold the element results as celpy's macros do (its operators, looked up at call time)."""
    if name == "map":
        return celtypes.ListType(values)
    operator: Callable[[Any, Any], Any] = (
        celtypes.logical_or if name == "exists" else celtypes.logical_and
    )
    start: Any = celtypes.BoolType(name != "exists")
    try:
        return functools.reduce(operator, values, start)
    except TypeError:
        raise Fallback from None
