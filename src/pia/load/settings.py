"""Project settings for ``pia validate``: the ``[tool.pia]`` table of the nearest pyproject.toml.

As ruff does, pia looks for settings from each file's folder upwards and takes the first
``pyproject.toml`` that has a ``[tool.pia]`` table (one without it is passed over)::

    [tool.pia]
    select = ["PIA-W1"]                     # codes, code prefixes or rule names; default: all
    ignore = ["PIA-W106"]
    [tool.pia.per-file-ignores]
    "tests/data/*.yaml" = ["uncited-source"]   # fnmatch patterns, relative to this file's folder

This module reads and shapes the table; which codes a selector may name is the lint's business
(:mod:`pia.authoring.validate`). A malformed table is an error located in the pyproject.toml.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pia.model.diagnostics import BAD_SETTINGS, Diagnostic, DiagnosticError

PYPROJECT = "pyproject.toml"
KEYS = ("select", "ignore", "per-file-ignores")


@dataclass(frozen=True)
class Settings:
    """What ``[tool.pia]`` says, with where it says it (for locating errors in it)."""

    path: Path | None = None
    """The pyproject.toml the settings come from; None when no file has a ``[tool.pia]``."""
    select: tuple[str, ...] | None = None
    """Selectors of the lint codes to report; None: every code."""
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(pattern, selectors), in the order written."""
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Key -> the line it is written on (1 when not found), for diagnostics."""

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def ignored_for(self, file: Path) -> tuple[str, ...]:
        """The selectors ignored for ``file``: ``ignore`` and every matching per-file entry."""
        out = list(self.ignore)
        relative = _relative(file, self.root)
        for pattern, selectors in self.per_file_ignores:
            if relative is not None and fnmatch.fnmatchcase(relative, pattern):
                out += selectors
        return tuple(out)

    def error(self, key: str, message: str, hint: str | None = None) -> Diagnostic:
        line = self.lines.get(key, self.lines.get("", 1))
        return BAD_SETTINGS.at(str(self.path), line, 1, message, hint)


def _relative(file: Path, root: Path | None) -> str | None:
    if root is None:
        return None
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def settings_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a ``[tool.pia]`` table, from ``start``'s folder upwards."""
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / PYPROJECT
        if path.is_file() and _has_table(path):
            return path
    return None


def _has_table(path: Path) -> bool:
    """A cheap look before parsing: most pyproject.toml files say nothing about pia."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.pia" in text or "tool.pia." in text


def load_settings(path: Path) -> Settings:
    """Read and shape the ``[tool.pia]`` table of ``path``; raise a located DiagnosticError."""
    try:
        text = path.read_text(encoding="utf-8")
        table = tomllib.loads(text).get("tool", {}).get("pia", {})
    except (OSError, UnicodeDecodeError) as exc:
        raise DiagnosticError(
            [BAD_SETTINGS.at(str(path), 1, 1, f"cannot read the settings: {exc}")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DiagnosticError(
            [BAD_SETTINGS.at(str(path), 1, 1, f"not valid TOML: {exc}")]
        ) from None
    lines = _key_lines(text)
    located = Settings(path=path, lines=lines)
    problems: list[Diagnostic] = []
    if not isinstance(table, dict):
        raise DiagnosticError([located.error("", "[tool.pia] must be a table")])
    for key in table:
        if key not in KEYS:
            problems.append(
                located.error(
                    key, f"unknown key {key!r} in [tool.pia]", f"expected one of: {', '.join(KEYS)}"
                )
            )
    select = _selectors(table, "select", located, problems)
    ignore = _selectors(table, "ignore", located, problems) or ()
    per_file: list[tuple[str, tuple[str, ...]]] = []
    raw = table.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        problems.append(located.error("per-file-ignores", "per-file-ignores must be a table"))
    else:
        for pattern, selectors in raw.items():
            if not _strings(selectors):
                problems.append(
                    located.error(
                        "per-file-ignores",
                        f"per-file-ignores[{pattern!r}] must be a list of codes",
                    )
                )
            else:
                per_file.append((pattern, tuple(selectors)))
    if problems:
        raise DiagnosticError(problems)
    return Settings(path, select, ignore, tuple(per_file), lines)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _selectors(
    table: dict[str, object], key: str, located: Settings, problems: list[Diagnostic]
) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if not _strings(value):
        problems.append(located.error(key, f"{key} must be a list of codes, prefixes or names"))
        return None
    assert isinstance(value, list)
    return tuple(value)


def _key_lines(text: str) -> dict[str, int]:
    """Where the table and each of its keys are written, by a plain scan of the text (tomllib
    keeps no positions). Good enough to point a person at the right line."""
    lines: dict[str, int] = {}
    in_table = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            in_table = line.startswith("[tool.pia")
            if line.startswith("[tool.pia]"):
                lines.setdefault("", number)
            elif line.startswith("[tool.pia.per-file-ignores]"):
                lines.setdefault("per-file-ignores", number)
            continue
        if in_table and "=" in line:
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault(key, number)
    return lines
