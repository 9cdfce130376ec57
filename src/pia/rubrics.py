"""Loading rubrics: YAML -> validated Rubric with every indicator compiled and path-checked.

A rubric problem is located like a case problem: a CEL syntax error points at the character in the
rubric file, and an indicator that reads a field the case format does not have is an error when the
rubric loads, not a silent false when it runs.
"""

from __future__ import annotations

import functools
import hashlib
import types
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pia.diagnostics import Diagnostic, DiagnosticError
from pia.expr import Compiled, ExprSyntaxError, compile_expression, new_environment
from pia.loader import read_text, validate_located
from pia.located import Located, load_located
from pia.model.case import Case
from pia.model.rubric import Rubric

#: Fields the as-of view adds to entries (see pia.engine.view).
VIEW_FIELDS = {
    "flows": {"history", "status_confidence", "status_sources", "occurred"},
    "safeguards": {"history", "status_confidence", "status_sources"},
    "authorities": {"history", "status_confidence", "status_sources"},
    "notice": {"in_force"},
}


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


@functools.cache
def allowed_paths() -> frozenset[str]:
    """Every field path a rubric expression may read from ``case``. A constant of the case
    format, computed once per process (an immutable frozenset, so caching it shares no state)."""
    out: set[str] = {"case", "case.as_of"}
    _collect(Case, "case", out, depth=0)
    for section, extra in VIEW_FIELDS.items():
        for name in extra:
            out.add(f"case.{section}[].{name}")
    for section, hist in (
        ("flows", "status"),
        ("safeguards", "status"),
        ("authorities", "standing"),
    ):
        prefix = f"case.{section}[].{hist}[]"
        for p in list(out):
            if p.startswith(prefix):
                out.add(p.replace(prefix, f"case.{section}[].history[]"))
        out.add(f"case.{section}[].history[]")
    from pia.engine.view import JOINS

    for (section, name), (_id_field, target) in JOINS.items():
        joined = f"case.{section}[].{name}"
        out.add(joined)
        out.add(f"{joined}[]")
        prefix = f"case.{target}[]"
        for p in list(out):
            if p.startswith(prefix + ".") and not p.startswith(joined):
                out.add(joined + "[]" + p[len(prefix) :])
    out.discard("case.judgments")
    return frozenset(out)


def _collect(model: type[BaseModel], prefix: str, out: set[str], depth: int) -> None:
    if depth > 6:
        return
    for name, info in model.model_fields.items():
        path = f"{prefix}.{info.alias or name}"
        out.add(path)
        for inner in _unwrap(info.annotation):
            origin = typing.get_origin(inner)
            if origin in (tuple, list):
                item = typing.get_args(inner)[0]
                out.add(f"{path}[]")
                for sub in _unwrap(item):
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        _collect(sub, f"{path}[]", out, depth + 1)
            elif isinstance(inner, type) and issubclass(inner, BaseModel):
                _collect(inner, path, out, depth + 1)


def _unwrap(t: Any) -> list[Any]:
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(t)[0])
    if origin in (typing.Union, types.UnionType):
        return [u for arg in typing.get_args(t) for u in _unwrap(arg)]
    return [t]


def load_rubric_text(text: str, path: str) -> LoadedRubric:
    return load_rubric_located(load_located(text, path), text)


def load_rubric_located(located: Located, text: str) -> LoadedRubric:
    """Validate, check and compile a parsed rubric; raise DiagnosticError with every problem."""
    rubric = validate_located(located, Rubric)
    problems = consistency_diagnostics(rubric, located)
    compiled, expr_problems = compile_indicators(rubric, located)
    problems += expr_problems
    if problems:
        raise DiagnosticError(problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    positions = {}
    for ci, criterion in enumerate(rubric.criteria):
        for ii, indicator in enumerate(criterion.indicators):
            pos = located.value_at(("criteria", ci, "indicators", ii, "when"))
            positions[(criterion.id, indicator.id)] = (pos.line, pos.col)
    return LoadedRubric(rubric, located.path, text, digest, compiled, positions)


def load_rubric(path: str | Path) -> LoadedRubric:
    return load_rubric_text(read_text(path), str(path))


def compile_indicators(
    rubric: Rubric, located: Located
) -> tuple[dict[tuple[str, str], Compiled], list[Diagnostic]]:
    env = new_environment()
    allowed = allowed_paths()
    compiled: dict[tuple[str, str], Compiled] = {}
    problems: list[Diagnostic] = []
    for ci, criterion in enumerate(rubric.criteria):
        for ii, indicator in enumerate(criterion.indicators):
            loc = ("criteria", ci, "indicators", ii, "when")
            pos = located.value_at(loc)
            try:
                result = compile_expression(indicator.when, env)
            except ExprSyntaxError as exc:
                line, col = _expr_position(located, loc, exc.line, exc.col)
                problems.append(Diagnostic(located.path, line, col, "PIA-E030", exc.message))
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
                            "PIA-E031",
                            f"indicator {criterion.id}/{indicator.id} reads {field_path!r}, "
                            "which the case format does not have",
                            _path_hint(field_path, allowed),
                        )
                    )
            compiled[(criterion.id, indicator.id)] = result
    return compiled, problems


def _path_hint(path: str, allowed: frozenset[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(path, sorted(allowed), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None


def _expr_position(
    located: Located, loc: tuple[str | int, ...], line: int, col: int
) -> tuple[int, int]:
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


def consistency_diagnostics(rubric: Rubric, located: Located) -> list[Diagnostic]:
    """Levels, thresholds, bands and caps must name each other correctly."""
    problems: list[Diagnostic] = []
    level_ids = [level.id for level in rubric.scale]
    band_ids = [band.id for band in rubric.bands]

    def add(loc: tuple[str | int, ...], message: str) -> None:
        pos = located.value_at(loc)
        problems.append(Diagnostic(located.path, pos.line, pos.col, "PIA-E033", message))

    values = [level.value for level in rubric.scale]
    if values != sorted(values, reverse=True):
        add(("scale",), "scale levels must be listed best first (values decreasing)")
    if set(rubric.thresholds) != set(level_ids):
        add(("thresholds",), f"thresholds must name every scale level: {', '.join(level_ids)}")
    mins = [band.min for band in rubric.bands]
    if mins != sorted(mins, reverse=True) or mins[-1] != 0:
        add(("bands",), "bands must be listed best first and the last must have min 0")
    if rubric.critical_cap not in band_ids:
        add(("critical_cap",), f"critical_cap {rubric.critical_cap!r} is not a band id")
    seen: set[str] = set()
    for ci, criterion in enumerate(rubric.criteria):
        if criterion.id in seen:
            add(("criteria", ci, "id"), f"criterion id {criterion.id!r} is declared twice")
        seen.add(criterion.id)
        if set(criterion.levels) != set(level_ids):
            add(
                ("criteria", ci, "levels"),
                f"levels must describe every scale level: {', '.join(level_ids)}",
            )
        ind_seen: set[str] = set()
        for ii, indicator in enumerate(criterion.indicators):
            if indicator.id in ind_seen:
                add(
                    ("criteria", ci, "indicators", ii, "id"),
                    f"indicator id {indicator.id!r} is declared twice",
                )
            ind_seen.add(indicator.id)
            if indicator.caps is not None and indicator.caps not in level_ids:
                add(
                    ("criteria", ci, "indicators", ii, "caps"),
                    f"caps {indicator.caps!r} is not a scale level",
                )
            if indicator.caps is not None and indicator.effect != "undermines":
                add(
                    ("criteria", ci, "indicators", ii, "caps"),
                    "only an indicator that undermines can cap a level",
                )
    return problems


# --- the shipped rubric set ------------------------------------------------------------------


def rubrics_dir() -> Path:
    """The rubric folder: ``rubrics/`` in a checkout, else the copy inside the package."""
    here = Path(__file__).resolve()
    checkout = here.parents[2] / "rubrics"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("pia") / "data" / "rubrics"))


SHIPPED_ORDER = ("core", "fipps", "oecd", "gdpr-dpia")


def shipped_rubric_paths() -> list[Path]:
    folder = rubrics_dir()
    found = {p.stem: p for p in folder.glob("*.yaml")}
    ordered = [found.pop(name) for name in SHIPPED_ORDER if name in found]
    return ordered + [found[k] for k in sorted(found)]
