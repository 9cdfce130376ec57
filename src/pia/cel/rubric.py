"""Compiled rubrics: every indicator's CEL compiled once and checked against the case format.

A rubric problem is located like a case problem: a CEL syntax error points at the character in the
rubric file, and an indicator that reads a field the case format does not have is an error when the
rubric loads, not a silent false when it runs.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from pia.cel.compile import ExprSyntaxError, compile_expression, new_environment
from pia.cel.evaluate import Compiled
from pia.cel.values import CostExceeded
from pia.load.files import read_text
from pia.load.located import DataPath, Located, load_located
from pia.load.rubric import parse_rubric
from pia.load.workspace import resolve_rubric_specs
from pia.model.case import Case
from pia.model.diagnostics import CEL_TOO_COSTLY, CEL_UNKNOWN_PATH, Diagnostic, DiagnosticError
from pia.model.introspect import item_type, unwrap
from pia.model.rubric import Rubric
from pia.model.view import HISTORIES, JOINS, VIEW_FIELDS


@dataclass(frozen=True)
class LoadedRubric:
    """A rubric with its compiled indicators, its file text and the hash of that text."""

    rubric: Rubric
    path: str
    text: str
    sha256: str
    compiled: dict[tuple[str, str], Compiled]
    #: (criterion id, indicator id) -> line, col of the indicator's expression in the file
    positions: dict[tuple[str, str], tuple[int, int]]
    #: (criterion id, indicator id) -> the compiled ``applies_when``, for indicators that have one
    applies: dict[tuple[str, str], Compiled] = field(default_factory=dict)


def too_costly(
    loaded: LoadedRubric, criterion_id: str, indicator_id: str, exc: CostExceeded
) -> DiagnosticError:
    """The located error for an indicator that ran past an evaluation budget."""
    line, col = loaded.positions.get((criterion_id, indicator_id), (1, 1))
    if exc.scope == "expression":
        message = (
            f"indicator {criterion_id}/{indicator_id} took more than {exc.limit:,} evaluation "
            "steps on this case"
        )
        hint = "nested macros multiply: test each list once, or split the indicator"
    else:
        message = (
            f"the assessment took more than {exc.limit:,} evaluation steps in all; it stopped "
            f"in indicator {criterion_id}/{indicator_id}"
        )
        hint = "the rubric's indicators are too costly together for this case"
    return DiagnosticError([Diagnostic(loaded.path, line, col, CEL_TOO_COSTLY.code, message, hint)])


@functools.cache
def allowed_paths() -> frozenset[str]:
    """Every field path a rubric expression may read from ``case``. A constant of the case
    format, computed once per process (an immutable frozenset, so caching it shares no state)."""
    out: set[str] = {"case", "case.as_of"}
    _collect(Case, "case", out, depth=0)
    for section, extra in VIEW_FIELDS.items():
        for name in extra:
            out.add(f"case.{section}[].{name}")
    for section, hist in HISTORIES.items():
        prefix = f"case.{section}[].{hist}[]"
        for p in list(out):
            if p.startswith(prefix):
                out.add(p.replace(prefix, f"case.{section}[].history[]"))
        out.add(f"case.{section}[].history[]")
    for (section, name), (_id_field, target) in JOINS.items():
        joined = f"case.{section}[].{name}"
        out.add(joined)
        out.add(f"{joined}[]")
        prefix = f"case.{target}[]"
        for p in list(out):
            if p.startswith(prefix + ".") and not p.startswith(joined):
                out.add(joined + "[]" + p[len(prefix) :])
    # not facts about the arrangement: the assessor's ratings and the accepted lint warnings
    out = {p for p in out if not p.startswith(("case.judgments", "case.waivers"))}
    return frozenset(out)


def _collect(model: type[BaseModel], prefix: str, out: set[str], depth: int) -> None:
    if depth > 6:
        return
    for name, info in model.model_fields.items():
        path = f"{prefix}.{info.alias or name}"
        out.add(path)
        for inner in unwrap(info.annotation):
            item = item_type(inner)
            if item is not None:
                out.add(f"{path}[]")
                for sub in unwrap(item):
                    if (
                        isinstance(sub, type)
                        and issubclass(sub, BaseModel)
                        and getattr(sub, "in_view", True)
                    ):
                        _collect(sub, f"{path}[]", out, depth + 1)
            elif isinstance(inner, type) and issubclass(inner, BaseModel):
                _collect(inner, path, out, depth + 1)


def load_rubric_text(text: str, path: str) -> LoadedRubric:
    return load_rubric_located(load_located(text, path), text)


def load_rubric_located(located: Located, text: str) -> LoadedRubric:
    """Validate, check and compile a parsed rubric; raise DiagnosticError with every problem."""
    rubric, problems = parse_rubric(located)
    compiled, expr_problems = compile_indicators(rubric, located)
    applies, applies_problems = compile_indicators(rubric, located, "applies_when")
    problems += expr_problems + applies_problems
    if problems:
        raise DiagnosticError(problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    positions = {}
    for ci, criterion in enumerate(rubric.criteria):
        for ii, indicator in enumerate(criterion.indicators):
            pos = located.value_at(("criteria", ci, "indicators", ii, "when"))
            positions[(criterion.id, indicator.id)] = (pos.line, pos.col)
    return LoadedRubric(rubric, located.path, text, digest, compiled, positions, applies)


@functools.lru_cache(maxsize=2048)
def compiled_text(text: str) -> Compiled:
    """``text`` compiled, once per process: rubrics often ask the same question in the same words
    (the shipped rubrics hold 188 expressions in 109 texts), and a compiled expression depends
    on its text alone and is never changed by evaluating it. A text that does not compile is
    not kept: it raises :class:`ExprSyntaxError` each time."""
    return compile_expression(text, new_environment())


def compile_indicators(
    rubric: Rubric, located: Located, key: str = "when"
) -> tuple[dict[tuple[str, str], Compiled], list[Diagnostic]]:
    """Compile each indicator's ``key`` expression (``when``, or ``applies_when`` where given)."""
    allowed = allowed_paths()
    compiled: dict[tuple[str, str], Compiled] = {}
    problems: list[Diagnostic] = []
    for ci, criterion in enumerate(rubric.criteria):
        for ii, indicator in enumerate(criterion.indicators):
            text = getattr(indicator, key)
            if text is None:
                continue
            loc = ("criteria", ci, "indicators", ii, key)
            pos = located.value_at(loc)
            try:
                result = compiled_text(text)
            except ExprSyntaxError as exc:
                line, col = _expr_position(located, loc, exc.line, exc.col)
                message = f"indicator {criterion.id}/{indicator.id}: {exc.message}"
                problems.append(Diagnostic(located.path, line, col, exc.code, message, exc.hint))
                continue
            reported: list[str] = []
            for field_path in result.paths:
                if any(field_path.startswith(bad) for bad in reported):
                    continue  # one diagnostic per misspelt section, not one per path under it
                if field_path not in allowed:
                    reported.append(field_path)
                    problems.append(
                        Diagnostic(
                            located.path,
                            pos.line,
                            pos.col,
                            CEL_UNKNOWN_PATH.code,
                            f"indicator {criterion.id}/{indicator.id} reads {field_path!r}, "
                            "which the case format does not have",
                            _path_hint(field_path, allowed),
                        )
                    )
            compiled[(criterion.id, indicator.id)] = result
    return compiled, problems


def _path_hint(path: str, allowed: frozenset[str]) -> str | None:
    close = difflib.get_close_matches(path, sorted(allowed), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None


def _expr_position(located: Located, loc: DataPath, line: int, col: int) -> tuple[int, int]:
    """Map a position inside the expression text to the rubric file (quoted, plain or block)."""
    pos = located.value_at(loc)
    lines = located_source_line(located, pos.line)
    if lines is not None and lines[pos.col - 1 : pos.col] in {"|", ">"}:
        return pos.line + line, col + _block_indent(located, pos.line + 1)
    quote = 1 if lines is not None and lines[pos.col - 1 : pos.col] in {"'", '"'} else 0
    if line == 1:
        return pos.line, pos.col + quote + col - 1
    return pos.line + line - 1, col


def located_source_line(located: Located, line: int) -> str | None:
    rows = located.text.splitlines()
    return rows[line - 1] if 0 < line <= len(rows) else None


def _block_indent(located: Located, line: int) -> int:
    row = located_source_line(located, line) or ""
    return len(row) - len(row.lstrip(" "))


def load_rubric(path: str | Path) -> LoadedRubric:
    """Load, check and compile one rubric file."""
    return load_rubric_text(read_text(path), str(path))


def load_rubrics(selected: Sequence[str] = ()) -> list[LoadedRubric]:
    """The shipped rubrics in their declared order, or those named by id or path."""
    return [load_rubric(path) for path in resolve_rubric_specs(selected)]
