"""Compiling a CEL expression: celpy's parse, the static field paths it reads, its closures.

The static field paths let a rubric loader reject a path the case format does not have; the
closures (:mod:`pia.cel.closures`) make evaluation fast.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import celpy
import lark
from celpy.celparser import CELParseError

from pia.cel.adapter import install_adaptations
from pia.cel.closures import compile_closure
from pia.cel.evaluate import Compiled, decisive
from pia.cel.functions import FUNCTIONS
from pia.cel.values import is_unknown


class ExprSyntaxError(Exception):
    """A CEL syntax error at a 1-based line and column of the expression text."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def new_environment() -> Any:
    """A celpy environment with pia's adaptations installed and the grammar built once."""
    install_adaptations()
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
        ast, FUNCTIONS, runner.new_activation, decisive=decisive, is_unknown=is_unknown
    )
    return Compiled(source, runner, tuple(sorted(field_paths(ast))), closure)


def _short_parse_message(text: str) -> str:
    text = text.strip()
    if "Unexpected token" in text or "Unexpected" in text:
        return "unexpected token in CEL expression: " + text.split("\n")[0][:120]
    return text[:160]


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
