"""Rubric indicators in CEL, evaluated to true, false or unknown.

Why CEL through ``celpy`` (cel-python): it is a small, side-effect-free language with no loops
and no I/O, so a rubric can never run code; and celpy follows the CEL spec in absorbing errors
inside ``&&``, ``||``, ``exists`` and ``all``. pia represents every fact the case marks ``unknown``
as an *error value* that carries the fact's path, so CEL's error absorption gives Kleene logic:

- ``false && unknown`` is false, ``true || unknown`` is true;
- ``[unknown, true].exists(x, x)`` is true, ``[unknown, false].all(x, x)`` is false;
- anything else that touches an unknown fact is unknown.

Only errors that come from unknown facts become :attr:`Truth.UNKNOWN`. Any other runtime error (a
type mismatch, a missing key) is reported as a problem in the rubric, never as a quiet ``false``.

The adapter exposes :func:`compile_expression` (with static field paths, so the rubric loader can
reject a path the case format does not have, and closures for speed: :mod:`pia.closures`) and
:func:`evaluate`, which also records which case
entries and fields an indicator read; that record is the indicator's evidence, and it lets the
sensitivity analysis re-evaluate only the indicators that read a given fact.
"""

from __future__ import annotations

import collections.abc
import contextvars
import hashlib
import operator
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import celpy
import celpy.evaluation
import lark
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from pia.closures import PASS_THROUGH, Fallback, compile_closure


class Truth(Enum):
    """Three-valued result of an indicator. Unknown is not false."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class UnknownFact(Exception):
    """Marker type carried by the CEL error values that stand for facts the case marks unknown."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """An unknown fact in the case view, with the case path it stands for."""

    path: str


Read = tuple[str, str]


@dataclass
class Recorder:
    """What one evaluation read. One per assessment run, reset per indicator.

    ``reads`` is every (entry id, field) pair read: the sensitivity analysis needs all of them.
    ``evidence`` keeps only the reads that decided the result: for ``exists`` that came out
    true, the elements that made it true; for ``all`` that came out false, the elements that
    failed; otherwise every element examined. That is what a reader of the report wants to see.
    """

    reads: set[Read] = field(default_factory=set)
    frames: list[set[Read]] = field(default_factory=lambda: [set()])
    macros: list[list[tuple[set[Read], Any]]] = field(default_factory=list)

    def reset(self) -> None:
        self.reads = set()
        self.frames = [set()]
        self.macros = []

    def read(self, entry: str, name: str) -> None:
        self.reads.add((entry, name))
        self.frames[-1].add((entry, name))

    @property
    def evidence(self) -> set[Read]:
        return self.frames[0]


class TracedMap(celtypes.MapType):
    """A CEL map that records field reads on behalf of the case entry it represents."""

    def __init__(self, items: Mapping[Any, Any], entry: str | None, recorder: Recorder) -> None:
        # dict's own constructor: MapType's checks ``isinstance(items, typing.Sequence)``,
        # which costs more than the rest of building the case view; a mapping is copied as is.
        dict.__init__(self, items)
        self.entry = entry
        self.recorder = recorder

    def __getitem__(self, key: Any) -> Any:
        if self.entry is not None:
            self.recorder.read(self.entry, str(key))
        return super().__getitem__(key)

    def raw(self, key: str) -> Any:
        """The stored value, without recording a read."""
        return dict.__getitem__(self, celtypes.StringType(key))

    def replace(self, key: str, value: Any) -> None:
        """Substitute one field's value (used to settle a fact hypothetically)."""
        dict.__setitem__(self, celtypes.StringType(key), value)

    def is_unknown(self, key: str) -> bool:
        return key in self and isinstance(self.raw(key), CELEvalError)


def unknown_error(path: str) -> CELEvalError:
    return CELEvalError(f"UNKNOWN {path}", UnknownFact, None)


def to_cel(value: object, recorder: Recorder, memo: dict[int, Any] | None = None) -> Any:
    """Convert the plain case view (dicts with an ``id``, lists, scalars, :class:`Unknown`) into
    CEL values. Every mapping that carries an ``id`` records reads under that id. A dict that
    appears in several places (a joined entry) becomes one shared CEL map."""
    memo = {} if memo is None else memo
    if isinstance(value, Unknown):
        return unknown_error(value.path)
    if isinstance(value, dict):
        if id(value) in memo:
            return memo[id(value)]
        entry = value.get("id") if isinstance(value.get("id"), str) else None
        result = TracedMap({}, entry, recorder)
        memo[id(value)] = result
        for k, v in value.items():
            result.replace(k, to_cel(v, recorder, memo))
        return result
    if isinstance(value, list | tuple):
        return celtypes.ListType([to_cel(v, recorder, memo) for v in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if value is None:
        return None
    raise TypeError(f"cannot convert {type(value).__name__} to CEL")


_INT64 = range(-(2**63), 2**63)


def _int(value: int) -> Any:
    """``celtypes.IntType(value)`` without its per-call ``functools.wraps`` (about 1 ms each)."""
    if value not in _INT64:
        raise ValueError(f"{value} is outside CEL's 64-bit integer range")
    return int.__new__(celtypes.IntType, value)


def _known(entry: Any, name: Any) -> Any:
    """``known(entry, "field")``: true when the entry states the field, false when the case marks
    it unknown. It never yields unknown itself, so rubrics can ask whether a fact is settled."""
    if not isinstance(entry, celtypes.MapType):
        return CELEvalError("known() expects an entry and a field name", TypeError, None)
    try:
        value = entry[name]
    except KeyError:
        return CELEvalError(f"no field {name!r} in entry", KeyError, None)
    return celtypes.BoolType(not isinstance(value, CELEvalError))


def _is_unknown(value: Any) -> bool:
    return isinstance(value, CELEvalError) and len(value.args) > 1 and value.args[1] is UnknownFact


def _prefer_error(x: CELEvalError, y: CELEvalError) -> CELEvalError:
    """Two errors met: a real error wins over an unknown fact, so it is never hidden."""
    return y if _is_unknown(x) and not _is_unknown(y) else x


def _and(x: Any, y: Any) -> Any:
    """Kleene and: celpy turns ``error && error`` into a fresh overload error, which would lose
    that both sides were merely unknown; keep the original error instead."""
    return celtypes.logical_and(x, y)


def _or(x: Any, y: Any) -> Any:
    return celtypes.logical_or(x, y)


def _not(x: Any) -> Any:
    if isinstance(x, CELEvalError):
        return x
    return celtypes.logical_not(x)


def _at_least(values: Any, count: Any) -> Any:
    """``at_least(list, n)``: Kleene counting over a list of true/false/unknown, such as
    ``case.oversight.map(o, o.independent)``. True when n are true whatever the unknowns turn
    out to be; false when they cannot reach n even if every unknown were true; else unknown."""
    if not isinstance(values, celtypes.ListType) or not isinstance(count, celtypes.IntType):
        return CELEvalError("at_least() expects a list and a whole number", TypeError, None)
    trues = sum(1 for v in values if isinstance(v, celtypes.BoolType) and bool(v))
    unknowns = [v for v in values if _is_unknown(v)]
    if trues >= int(count):
        return celtypes.BoolType(True)
    if trues + len(unknowns) < int(count):
        return celtypes.BoolType(False)
    return unknowns[0]


def _condition(cond: Any, left: Any, right: Any) -> Any:
    """``c ? a : b``: an unknown condition makes the whole expression unknown."""
    if isinstance(cond, CELEvalError):
        return cond
    return celtypes.logical_condition(cond, left, right)


def _mismatched(a: Any, b: Any) -> CELEvalError | None:
    """celpy's BoolType is an int, so ``true == "true"`` would quietly be false. A bool compared
    with anything but a bool (or null) is an error, as CEL specifies: a rubric typo must show."""
    for x, y in ((a, b), (b, a)):
        if (
            isinstance(x, celtypes.BoolType)
            and not isinstance(y, celtypes.BoolType)
            and y is not None
            and not isinstance(y, CELEvalError)
        ):
            return CELEvalError(
                f"no such overload: bool compared with {type(y).__name__}", TypeError, None
            )
    return None


#: celpy's ``bool_eq``/``bool_ne`` build this same wrapper on every call; build it once.
_BOOL_EQ = celpy.evaluation.boolean(operator.eq)
_BOOL_NE = celpy.evaluation.boolean(operator.ne)


def _eq(a: Any, b: Any) -> Any:
    return _mismatched(a, b) or _BOOL_EQ(a, b)


def _ne(a: Any, b: Any) -> Any:
    return _mismatched(a, b) or _BOOL_NE(a, b)


FUNCTIONS = {
    "known": _known,
    "_?_:_": _condition,
    "_==_": _eq,
    "_!=_": _ne,
    "at_least": _at_least,
    "_&&_": _and,
    "_||_": _or,
    "!_": _not,
}

# celpy's ``exists`` and ``all`` macros fold their elements with ``celtypes.logical_or`` and
# ``celtypes.logical_and``, looked up at call time. Those raise on two error operands, so
# ``[unknown, unknown].exists(...)`` would come out as a fresh "no such overload" error and an
# unknown fact would be reported as a broken rubric. The CEL spec says ``error || error`` is an
# error; these wrappers keep the original one. Installed once, on import; idempotent.
if getattr(celtypes.logical_or, "__module__", "") != __name__:
    _celpy_and, _celpy_or = celtypes.logical_and, celtypes.logical_or

    def _macro_and(x: Any, y: Any) -> Any:
        if isinstance(x, CELEvalError) and isinstance(y, CELEvalError):
            return _prefer_error(x, y)
        return _celpy_and(x, y)

    def _macro_or(x: Any, y: Any) -> Any:
        if isinstance(x, CELEvalError) and isinstance(y, CELEvalError):
            return _prefer_error(x, y)
        return _celpy_or(x, y)

    celtypes.logical_and = _macro_and
    celtypes.logical_or = _macro_or


class ExprSyntaxError(Exception):
    """A CEL syntax error at a 1-based line and column of the expression text."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Compiled:
    source: str
    runner: Any
    #: field paths the expression reads, e.g. ``case.safeguards[].status``
    paths: tuple[str, ...]
    #: the same expression as Python closures (pia.closures), or None where celpy must run it
    closure: Any = None


def new_environment() -> Any:
    _load_grammar()
    return celpy.Environment()


def _cache_dir() -> Path | None:
    """The user's own cache folder (never a shared temp dir: Lark's cache is a pickle)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "pia"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _load_grammar() -> None:
    """Build celpy's LALR parser once per process, from a cached grammar analysis when there is
    one (about 100 ms down to a few). Without a writable cache folder it is simply built."""
    from celpy.celparser import CELParser

    if CELParser.CEL_PARSER is not None:
        return
    folder = _cache_dir()
    if folder is None:
        return
    version = getattr(celpy, "__version__", "0")
    grammar = (Path(celpy.__file__).parent / "cel.lark").read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{version}\n{lark.__version__}\n{grammar}".encode()).hexdigest()[:16]
    CELParser.CEL_PARSER = lark.Lark(
        grammar,
        parser="lalr",
        start="expr",
        debug=True,
        g_regex_flags=re.M,
        lexer_callbacks={"IDENT": CELParser.ambiguous_literals},
        propagate_positions=True,
        maybe_placeholders=False,
        priority="invert",
        tree_class=celpy.InterpretedRunner.tree_node_class,
        cache=str(folder / f"cel-grammar-{digest}.lark"),
    )


def compile_expression(source: str, env: Any) -> Compiled:
    """Parse ``source``; raise :class:`ExprSyntaxError` with its position on bad syntax."""
    try:
        ast = env.compile(source)
    except CELParseError as exc:
        line = exc.line or 1
        col = exc.column or 1
        first = str(exc.args[0]).splitlines()[0] if exc.args else "syntax error"
        first = first.split(" ", 2)[-1] if first.startswith("ERROR:") else first
        raise ExprSyntaxError(_short_parse_message(first), line, col) from None
    runner = env.program(ast, functions=FUNCTIONS)
    closure = compile_closure(
        ast, FUNCTIONS, runner.new_activation, decisive=decisive, is_unknown=_is_unknown
    )
    return Compiled(source, runner, tuple(sorted(field_paths(ast))), closure)


def _short_parse_message(text: str) -> str:
    text = text.strip()
    if "Unexpected token" in text or "Unexpected" in text:
        return "unexpected token in CEL expression: " + text.split("\n")[0][:120]
    return text[:160]


@dataclass(frozen=True, slots=True)
class Outcome:
    truth: Truth
    reads: frozenset[Read]
    unknown_paths: tuple[str, ...]
    error: str | None = None
    evidence: frozenset[Read] = frozenset()


_CURRENT: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "pia_recorder", default=None
)


def evaluate(compiled: Compiled, activation: Mapping[str, Any], recorder: Recorder) -> Outcome:
    """Evaluate to a :class:`Truth`. An error not caused by an unknown fact sets ``error``.

    The compiled closures run when the expression has them; celpy's interpreter runs otherwise,
    and whenever the closures meet an error that is not an unknown fact (pia.closures)."""
    if compiled.closure is not None:
        recorder.reset()
        try:
            result = compiled.closure(activation, recorder)
        except Fallback:
            return evaluate_with_celpy(compiled, activation, recorder)
        return _outcome(result, recorder)
    return evaluate_with_celpy(compiled, activation, recorder)


def evaluate_with_celpy(
    compiled: Compiled, activation: Mapping[str, Any], recorder: Recorder
) -> Outcome:
    """Evaluate with celpy's interpreter: the reference the closures are tested against."""
    recorder.reset()
    token = _CURRENT.set(recorder)
    try:
        result = compiled.runner.evaluate(dict(activation))
    except CELEvalError as exc:
        result = exc
    finally:
        _CURRENT.reset(token)
    return _outcome(result, recorder)


def _outcome(result: Any, recorder: Recorder) -> Outcome:
    reads = frozenset(recorder.reads)
    evidence = frozenset(recorder.evidence)
    if isinstance(result, CELEvalError):
        if _is_unknown(result):
            path = str(result.args[0]).removeprefix("UNKNOWN ")
            return Outcome(Truth.UNKNOWN, reads, (path,), evidence=evidence)
        return Outcome(Truth.UNKNOWN, reads, (), error=str(result.args[0]), evidence=evidence)
    if isinstance(result, celtypes.BoolType):
        truth = Truth.TRUE if bool(result) else Truth.FALSE
        return Outcome(truth, reads, (), evidence=evidence)
    return Outcome(
        Truth.UNKNOWN,
        reads,
        (),
        error=f"expression gave {type(result).__name__}, not true/false",
        evidence=evidence,
    )


# --- evidence: which elements of a macro decided it ------------------------------------------


def _truth_of(value: Any) -> Truth:
    if isinstance(value, celtypes.BoolType):
        return Truth.TRUE if bool(value) else Truth.FALSE
    return Truth.UNKNOWN


def decisive(name: str, result: Any, elements: Sequence[tuple[set[Read], Any]]) -> list[set[Read]]:
    """The element read-sets that decided a macro's result (see :class:`Recorder`)."""
    outcome = _truth_of(result)
    if name in {"exists", "all"}:
        wanted = {
            ("exists", Truth.TRUE): Truth.TRUE,
            ("all", Truth.FALSE): Truth.FALSE,
        }.get((name, outcome))
        if outcome is Truth.UNKNOWN:
            wanted = Truth.UNKNOWN
        if wanted is not None:
            return [reads for reads, body in elements if _truth_of(body) is wanted]
    if name == "filter":
        return [reads for reads, body in elements if _truth_of(body) is not Truth.FALSE]
    return [reads for reads, _ in elements]


def _install_evidence_hooks() -> None:
    """Wrap celpy's macro evaluation so each element's reads are kept apart (idempotent)."""
    evaluator = celpy.evaluation.Evaluator
    if getattr(evaluator, "_pia_hooked", False):
        return
    original_dot_arg = evaluator.member_dot_arg
    original_ss = evaluator.build_ss_macro_eval
    original_plain = evaluator.build_macro_eval

    def member_dot_arg(self: Any, tree: Any) -> Any:
        recorder = _CURRENT.get()
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
                    if lenient and _is_unknown(exc):
                        return exc
                    raise

            def sub_expr(value: Any) -> Any:
                recorder = _CURRENT.get()
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


_install_evidence_hooks()


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
    evaluator = module.Evaluator
    if getattr(evaluator, "_pia_fast", False):
        return
    setattr(evaluator, "_visit_tree", _visit_tree)  # noqa: B010
    setattr(evaluator, "primary", _constant_primary(evaluator.primary))  # noqa: B010
    setattr(evaluator, "_pia_fast", True)  # noqa: B010


_speed_up_celpy()


# --- static field paths ----------------------------------------------------------------------

_MACROS = {"exists", "all", "exists_one", "filter", "map"}


def field_paths(ast: lark.Tree[Any]) -> set[str]:
    """Field paths read from ``case`` (``case.flows[].status``), following macro-bound variables."""
    found: set[str] = set()
    _walk(ast, {}, found)
    for path in list(found):  # a path into a list element also reads the list
        at = path.find("[]")
        while at != -1:
            found.add(path[:at])
            at = path.find("[]", at + 2)
    return found


def _ident(tree: Any) -> str | None:
    """The identifier if ``tree`` is (a chain of single-child nodes down to) a bare identifier."""
    node = tree
    while isinstance(node, lark.Tree):
        if node.data == "ident" and node.children:
            return str(node.children[0])
        if len(node.children) != 1:
            return None
        node = node.children[0]
    return None


def _member_path(tree: lark.Tree[Any], scope: dict[str, str]) -> str | None:
    """Resolve ``a.b.c`` (a member_dot chain) to a case path; None if not rooted in ``case``."""
    if tree.data == "member_dot":
        base, name = tree.children
        inner = _member_path(_unwrap_member(base), scope) if isinstance(base, lark.Tree) else None
        return f"{inner}.{name}" if inner is not None else None
    if tree.data in {"member_index", "member_item"}:
        base = tree.children[0]
        inner = _member_path(_unwrap_member(base), scope) if isinstance(base, lark.Tree) else None
        return f"{inner}[]" if inner is not None else None
    ident = _ident(tree)
    if ident == "case":
        return "case"
    if ident is not None and ident in scope:
        return scope[ident]
    return None


def _unwrap_member(tree: lark.Tree[Any]) -> lark.Tree[Any]:
    node = tree
    while node.data in {"member", "primary"} and len(node.children) == 1:
        child = node.children[0]
        if not isinstance(child, lark.Tree):
            break
        node = child
    return node


def _walk(tree: Any, scope: dict[str, str], found: set[str]) -> None:
    if not isinstance(tree, lark.Tree):
        return
    if tree.data == "member_dot":
        path = _member_path(tree, scope)
        if path is not None:
            found.add(path)
            return
    if tree.data == "member_dot_arg":
        base, name = tree.children[0], str(tree.children[1])
        args = tree.children[2] if len(tree.children) > 2 else None
        base_path = (
            _member_path(_unwrap_member(base), scope) if isinstance(base, lark.Tree) else None
        )
        if base_path is not None and base_path != "case":
            found.add(base_path)
        else:
            _walk(base, scope, found)
        exprs = list(args.children) if isinstance(args, lark.Tree) else []
        if name in _MACROS and len(exprs) >= 2 and base_path is not None:
            var = _ident(exprs[0])
            inner = dict(scope)
            if var is not None:
                inner[var] = f"{base_path}[]"
            for expr in exprs[1:]:
                _walk(expr, inner, found)
            return
        for expr in exprs:
            _walk(expr, scope, found)
        return
    for child in tree.children:
        _walk(child, scope, found)


def iter_prefixes(path: str) -> Iterator[str]:
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        yield ".".join(parts[:i])


def join_paths(paths: Sequence[str]) -> str:
    return ", ".join(paths)
