"""celpy adaptations, installed by one explicit call with a version check.

celpy 0.5 is the reference interpreter; pia adapts it in three ways, all written against that
minor version (hence the pin in ``pyproject.toml`` and the check below):

- the ``exists``/``all`` folds keep an unknown fact's error value instead of turning two errors
  into a fresh "no such overload" (CEL says ``error || error`` is an error);
- macro evaluation keeps each element's reads apart, so evidence names the deciding elements;
- the tree-walking interpreter is about three times faster, with the same results.
"""

from __future__ import annotations

import collections.abc
from typing import Any

import celpy
import celpy.evaluation
import lark
from celpy import celtypes
from celpy.evaluation import CELEvalError

from pia.cel.closures import PASS_THROUGH
from pia.cel.evaluate import CURRENT_RECORDER, decisive
from pia.cel.functions import prefer_error
from pia.cel.values import is_unknown

#: Evaluation steps one macro element costs in celpy's interpreter, which takes about ten times
#: as long per element as pia's closures (see :data:`pia.cel.values.EXPRESSION_STEPS`).
CELPY_STEP = 10

#: The celpy minor version these adaptations were written against.
SUPPORTED_CELPY = "0.5."


class UnsupportedCelpy(RuntimeError):
    """The installed celpy is not the version pia's adaptations were written for."""


def install_adaptations() -> None:
    """Install every adaptation once (idempotent). Refuses an untested celpy version."""
    version = str(getattr(celpy, "__version__", ""))
    if version and not version.startswith(SUPPORTED_CELPY):
        raise UnsupportedCelpy(
            f"pia's CEL adaptations were written for cel-python {SUPPORTED_CELPY}x, found {version}"
        )
    _keep_unknowns_in_folds()
    _install_evidence_hooks()
    _speed_up_celpy()


def _keep_unknowns_in_folds() -> None:
    """celpy's ``exists`` and ``all`` macros fold their elements with ``celtypes.logical_or`` and
    ``celtypes.logical_and``, looked up at call time. Those raise on two error operands, so
    ``[unknown, unknown].exists(...)`` would come out as a fresh "no such overload" error and an
    unknown fact would be reported as a broken rubric. These wrappers keep the original error."""
    if getattr(celtypes.logical_or, "__module__", "") == __name__:
        return
    celpy_and, celpy_or = celtypes.logical_and, celtypes.logical_or

    def macro_and(x: Any, y: Any) -> Any:
        if isinstance(x, CELEvalError) and isinstance(y, CELEvalError):
            return prefer_error(x, y)
        return celpy_and(x, y)

    def macro_or(x: Any, y: Any) -> Any:
        if isinstance(x, CELEvalError) and isinstance(y, CELEvalError):
            return prefer_error(x, y)
        return celpy_or(x, y)

    celtypes.logical_and = macro_and
    celtypes.logical_or = macro_or


_MACROS = {"exists", "all", "exists_one", "filter", "map"}


def _install_evidence_hooks() -> None:
    """Wrap celpy's macro evaluation so each element's reads are kept apart (idempotent)."""
    evaluator = celpy.evaluation.Evaluator
    if getattr(evaluator, "_pia_hooked", False):
        return
    original_dot_arg = evaluator.member_dot_arg
    original_ss = evaluator.build_ss_macro_eval
    original_plain = evaluator.build_macro_eval

    def member_dot_arg(self: Any, tree: Any) -> Any:
        recorder = CURRENT_RECORDER.get()
        name = str(tree.children[1]) if len(tree.children) > 1 else ""
        if recorder is None or name not in _MACROS:
            return original_dot_arg(self, tree)
        recorder.macros.append([])
        try:
            result = original_dot_arg(self, tree)
        finally:
            elements = recorder.macros.pop()
        for reads in decisive(name, result, elements):
            recorder.frames[-1] |= reads
        return result

    def wrap(builder: Any) -> Any:
        def build(self: Any, tree: Any) -> Any:
            inner = builder(self, tree)
            # map keeps an unknown element as an unknown value in its result list (so that
            # at_least() can count it); any other error still stops the evaluation.
            lenient = len(tree.children) > 1 and str(tree.children[1]) == "map"

            def run(value: Any) -> Any:
                try:
                    return inner(value)
                except CELEvalError as exc:
                    if lenient and is_unknown(exc):
                        return exc
                    raise

            def sub_expr(value: Any) -> Any:
                recorder = CURRENT_RECORDER.get()
                if recorder is not None:
                    recorder.step(CELPY_STEP)
                if recorder is None or not recorder.macros:
                    return run(value)
                recorder.frames.append(set())
                try:
                    result = run(value)
                finally:
                    reads = recorder.frames.pop()
                recorder.macros[-1].append((reads, result))
                return result

            return sub_expr

        return build

    setattr(evaluator, "member_dot_arg", member_dot_arg)  # noqa: B010
    setattr(evaluator, "build_ss_macro_eval", wrap(original_ss))  # noqa: B010
    setattr(evaluator, "build_macro_eval", wrap(original_plain))  # noqa: B010
    setattr(evaluator, "_pia_hooked", True)  # noqa: B010


class _NoAlias:
    """Stands in for ``typing.Tuple`` & co. inside celpy's evaluator, where they only feed
    ``cast()``. Building ``Tuple[lark.Tree, lark.Token]`` on every AST visit costs a hash of the
    arguments; about a third of all evaluation time. Results are unchanged (``cast`` is identity).
    """

    def __getitem__(self, item: object) -> object:
        return object


_CONSTANT_RULES = PASS_THROUGH | {"primary", "literal", "list_lit", "exprlist"}


def _is_constant(tree: lark.Tree[Any]) -> bool:
    """Whether a ``primary`` node is a literal or a list of literals, with nothing to look up."""
    return all(
        not isinstance(node, lark.Tree) or node.data in _CONSTANT_RULES
        for node in tree.iter_subtrees()
    ) and tree.children[0].data in {"literal", "list_lit"}


def _visit_tree(self: Any, tree: lark.Tree[Any]) -> Any:
    """Lark's ``Interpreter._visit_tree`` minus the pass-through chains (same results)."""
    while (
        tree.data in PASS_THROUGH
        and len(tree.children) == 1
        and isinstance(tree.children[0], lark.Tree)
    ):
        tree = tree.children[0]
    return getattr(self, tree.data)(tree)


def _constant_primary(original: Any) -> Any:
    """Wrap celpy's ``primary`` so that a literal, or a list of literals, is converted once per
    compiled expression and kept on its syntax-tree node: celpy otherwise re-parses every
    string literal on every evaluation, inside every ``exists`` loop. CEL values are never
    mutated, so sharing one is safe; an error value is never kept."""

    def primary(self: Any, tree: lark.Tree[Any]) -> Any:
        cached = tree.__dict__.get("_pia_constant", _NOT_CONSTANT)
        if cached is not _NOT_CONSTANT:
            return cached
        value = original(self, tree)
        if "_pia_is_constant" not in tree.__dict__:
            tree.__dict__["_pia_is_constant"] = _is_constant(tree)
        if tree.__dict__["_pia_is_constant"] and not isinstance(value, CELEvalError):
            tree.__dict__["_pia_constant"] = value
        return value

    return primary


_NOT_CONSTANT = object()


def _speed_up_celpy() -> None:
    """Make celpy's tree-walking interpreter about three times faster without changing a
    result (the golden assessments of both shipped cases pin that): no typing aliases built per
    visit, no pass-through visits, constants converted once."""
    module = celpy.evaluation
    alias = _NoAlias()
    for name in ("Tuple", "List", "Dict", "Optional", "Union", "Callable", "Type"):
        if hasattr(module, name):
            setattr(module, name, alias)
    # ``isinstance(x, typing.Sequence)`` costs ~30 µs through typing's alias machinery, and
    # celpy runs it for every macro element; the collections.abc classes answer the same.
    setattr(module, "Sequence", collections.abc.Sequence)  # noqa: B010
    setattr(module, "Mapping", collections.abc.Mapping)  # noqa: B010
    # ``in`` builds ``typing.Iterable[Result]`` for a ``cast()`` on every call, which hashes the
    # whole ``Result`` union through typing's cache: most of the cost of ``x in list``.
    setattr(module, "Iterable", collections.abc.Iterable)  # noqa: B010
    evaluator = module.Evaluator
    if getattr(evaluator, "_pia_fast", False):
        return
    setattr(evaluator, "_visit_tree", _visit_tree)  # noqa: B010
    setattr(evaluator, "primary", _constant_primary(evaluator.primary))  # noqa: B010
    setattr(evaluator, "_pia_fast", True)  # noqa: B010
