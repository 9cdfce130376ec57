"""Compiling a CEL expression: celpy's parse, the static field paths it reads, its closures.

The static field paths let a rubric loader reject a path the case format does not have; the
closures (:mod:`pia.cel.closures`) make evaluation fast.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any

import celpy
import celpy.evaluation
import lark
from celpy.celparser import CELParseError

from pia.cel.adapter import install_adaptations
from pia.cel.closures import PASS_THROUGH, compile_closure
from pia.cel.evaluate import Compiled, decisive
from pia.cel.functions import FUNCTIONS
from pia.cel.values import is_unknown
from pia.load.files import private_cache_dir
from pia.model.diagnostics import CEL_SYNTAX, CEL_TOO_DEEP, CEL_UNKNOWN_FUNCTION


class ExprSyntaxError(Exception):
    """A CEL expression that cannot be compiled, at a 1-based line and column of its text.

    ``code`` is the diagnostic rule: a syntax error (PIA-E030), an expression nested deeper than
    :data:`MAX_DEPTH` (PIA-E034), or a call of a function CEL and pia do not define (PIA-E036).
    """

    def __init__(
        self,
        message: str,
        line: int,
        col: int,
        code: str = CEL_SYNTAX.code,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.code = code
        self.hint = hint


#: How deeply an expression may nest: each parenthesis, operator, call, macro, member access or
#: literal list inside another is one level. The deepest shipped indicator has 15; the limit
#: leaves rubric authors room while keeping every walk over the syntax tree (checks, closures,
#: celpy's interpreter) far from Python's recursion limit, whatever stack the caller has.
MAX_DEPTH = 100

#: Functions an expression may call: pia's, and celpy's standard ones, except ``matches``: a
#: regular expression can take exponential time on a short text (Python's ``re`` cannot be
#: interrupted), and a rubric is code that comes with any report ``pia verify`` is asked to check.
_MACROS = frozenset({"exists", "all", "exists_one", "filter", "map"})
_REFUSED = {
    "matches": "a regular expression can take exponential time; use ==, in, "
    "startsWith, endsWith or contains"
}
_CALLABLE = frozenset(
    {name for name in FUNCTIONS if name[0].isalpha()}
    | {name for name in celpy.evaluation.base_functions if name[0].isalpha()}
    | {"has", "dyn"}
) - set(_REFUSED)
_METHODS = _CALLABLE | _MACROS
#: Grammar nodes that wrap their one child without adding a level a reader would count.
_WRAPPERS = PASS_THROUGH | {"primary"}


def new_environment() -> Any:
    """A celpy environment with pia's adaptations installed and the grammar built once."""
    install_adaptations()
    _load_grammar()
    return celpy.Environment()


def _grammar_cache(digest: str) -> Path | None:
    """Where the grammar analysis is cached: a file in the user's private cache folder (a real
    folder owned by this user, writable by no one else; :func:`private_cache_dir`), itself a
    regular file owned by this user and writable by no one else. Lark's cache is a pickle, read
    before Lark checks its hash, so a cache another user could write would run their code; when
    no such place exists the grammar is simply built (about half a second)."""
    folder = private_cache_dir("cel")
    if folder is None:
        return None
    path = folder / f"cel-grammar-{digest}.lark"
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError:
        return None
    trusted = (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & 0o022
        and info.st_size <= _MAX_CACHE_BYTES
    )
    return path if trusted else None


#: A grammar analysis pickle is about 150 kB; anything much larger is not one.
_MAX_CACHE_BYTES = 16 * 1024 * 1024


def _load_grammar() -> None:
    """Build celpy's LALR parser once per process, from a cached grammar analysis when there is
    one (about 100 ms down to a few). Without a writable cache folder it is simply built."""
    from celpy.celparser import CELParser

    if CELParser.CEL_PARSER is not None:
        return
    version = getattr(celpy, "__version__", "0")
    grammar = (Path(celpy.__file__).parent / "cel.lark").read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{version}\n{lark.__version__}\n{grammar}".encode()).hexdigest()[:16]
    cache = _grammar_cache(digest)
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
        cache=str(cache) if cache is not None else False,
    )


def compile_expression(source: str, env: Any) -> Compiled:
    """Parse and check ``source``; raise :class:`ExprSyntaxError` with its position when it is
    not valid CEL, nests deeper than :data:`MAX_DEPTH` or calls an unknown function."""
    if not source.strip():
        raise ExprSyntaxError(
            "the expression is empty; expected a CEL expression that is true, false or unknown, "
            "such as case.flows.exists(f, f.bulk == true)",
            1,
            1,
        )
    try:
        ast = env.compile(source)
    except CELParseError as exc:
        line = exc.line or 1
        col = exc.column or 1
        raise ExprSyntaxError(_parse_message(exc, source), line, col) from None
    check_tree(ast)
    runner = env.program(ast, functions=FUNCTIONS)
    closure = compile_closure(
        ast, FUNCTIONS, runner.new_activation, decisive=decisive, is_unknown=is_unknown
    )
    return Compiled(source, runner, tuple(sorted(field_paths(ast))), closure)


# --- what a syntax error expected ----------------------------------------------------------------

#: Tokens that can start a value, said as one thing.
_VALUE_START = frozenset(
    {"IDENT", "INT_LIT", "UINT_LIT", "FLOAT_LIT", "STRING_LIT", "MLSTRING_LIT", "BYTES_LIT"}
    | {"BOOL_LIT", "NULL_LIT", "LPAR", "LSQB", "LBRACE", "BANG", "MINUS", "DOT"}
)
_BINARY_OPERATORS = frozenset(
    {"__ANON_0", "__ANON_1", "__ANON_2", "__ANON_3", "__ANON_4", "__ANON_5"}
    | {"LESSTHAN", "MORETHAN", "IN", "PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "QMARK"}
)
_CLOSERS = ("RPAR", "RSQB", "RBRACE", "COMMA", "COLON")


def _token_text(name: str) -> str:
    """How a terminal is written: ``')'`` for RPAR, ``'&&'`` for an anonymous one."""
    from celpy.celparser import CELParser

    if name == "$END":
        return "the end of the expression"
    parser = CELParser.CEL_PARSER
    if parser is not None:
        for terminal in parser.terminals:
            if terminal.name == name and terminal.pattern.type == "str":
                return f"'{terminal.pattern.value}'"
    return name.lower().replace("_lit", "").replace("ident", "a name")


def _expected(names: set[str]) -> str:
    """The tokens the parser would have accepted, said for a person."""
    parts: list[str] = []
    rest = set(names)
    if {"IDENT", "INT_LIT"} <= rest:
        parts.append("a value (a name, a number, a string, 'true', '(' or '[')")
        rest -= _VALUE_START
    if len(rest & _BINARY_OPERATORS) >= 5:
        parts.append("an operator ('&&', '||', '==', 'in', '+' ...)")
        rest -= _BINARY_OPERATORS | {"DOT", "LSQB", "LPAR", "LBRACE"}
    ordered = [n for n in _CLOSERS if n in rest] + sorted(rest - set(_CLOSERS) - {"$END"})
    parts += [_token_text(n) for n in ordered]
    if "$END" in rest:
        parts.append("the end of the expression")
    if not parts:
        return "something else"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _parse_message(exc: CELParseError, source: str) -> str:
    """'found X; expected Y', from the Lark error celpy's error was raised from."""
    cause = exc.__context__
    if isinstance(cause, lark.exceptions.UnexpectedToken):
        token = cause.token
        found = (
            "the end of the expression"
            if token.type == "$END" or not str(token)
            else f"'{str(token)[:40]}'"
        )
        accepts = set(cause.accepts or cause.expected or ())
        return f"found {found}; expected {_expected(accepts)}"
    if isinstance(cause, lark.exceptions.UnexpectedCharacters):
        at = int(cause.pos_in_stream or 0)
        char = source[at] if 0 <= at < len(source) else ""
        if char in {'"', "'"}:
            return f"found a string that is not closed; expected a closing {char}"
        shown = repr(char) if char.isprintable() else f"character U+{ord(char):04X}"
        parser = getattr(cause, "interactive_parser", None)
        accepts = set(parser.accepts()) if parser is not None else set(cause.allowed or ())
        if char == "=" and source[at : at + 2] != "==":
            expected = f"'==' to compare, or {_expected(accepts)}"
            return f"found '=', which CEL does not have; expected {expected}"
        return f"found {shown}, which starts nothing CEL knows; expected {_expected(accepts)}"
    first = str(exc.args[0]).splitlines()[0] if exc.args else "syntax error"
    return f"not valid CEL: {first[:160]}"


# --- checks on the syntax tree ------------------------------------------------------------------


def check_tree(ast: lark.Tree[Any]) -> None:
    """Refuse an expression nested deeper than :data:`MAX_DEPTH`, or one that calls a function
    that neither CEL nor pia defines. Iterative: a deep tree must not exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(ast, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, lark.Tree):
            continue
        counts = not (
            (node.data in _WRAPPERS and len(node.children) == 1) or node.data == "exprlist"
        )
        depth += counts
        if depth > MAX_DEPTH:
            line, col = _node_position(node)
            raise ExprSyntaxError(
                f"the expression nests more than {MAX_DEPTH} levels deep (parentheses, "
                "operators, calls and macros inside each other)",
                line,
                col,
                CEL_TOO_DEEP.code,
                f"the limit is {MAX_DEPTH} levels; split the test into several indicators",
            )
        _check_call(node)
        stack.extend((child, depth) for child in reversed(node.children))


def _check_call(node: lark.Tree[Any]) -> None:
    if node.data == "ident_arg":
        token, allowed = node.children[0], _CALLABLE
    elif node.data == "member_dot_arg":
        token, allowed = node.children[1], _METHODS
    else:
        return
    name = str(token)
    if name in allowed:
        return
    line, col = (
        (token.line, token.column)
        if isinstance(token, lark.Token) and token.line and token.column
        else _node_position(node)
    )
    if name in _REFUSED:
        message, hint = f"{name}() is not available in pia rubrics", _REFUSED[name]
    else:
        close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
        message = f"{name}() is not a function CEL or pia defines"
        hint = f"did you mean {close[0]}()?" if close else "see the CEL reference for the functions"
    raise ExprSyntaxError(message, line, col, CEL_UNKNOWN_FUNCTION.code, hint)


def _node_position(node: lark.Tree[Any]) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    line = getattr(meta, "line", None) if meta is not None and not meta.empty else None
    col = getattr(meta, "column", None) if line is not None else None
    return (int(line), int(col)) if line and col else (1, 1)


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
    while (  # pass-through chains add no meaning; skipping them keeps the recursion shallow
        isinstance(tree, lark.Tree)
        and tree.data in PASS_THROUGH
        and len(tree.children) == 1
        and tree.data != "member_dot"
    ):
        tree = tree.children[0]
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
