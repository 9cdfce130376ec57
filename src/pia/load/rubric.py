"""Rubric files: YAML -> a validated :class:`Rubric` whose levels, bands and caps agree.

The CEL indicators are compiled one layer up (:mod:`pia.cel.rubric`); this module checks what
can be checked without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pia import __version__
from pia.load.files import decode_utf8, private_cache_dir, read_bounded, write_atomic
from pia.load.located import DataPath, Located, load_located
from pia.load.schema import validate_located
from pia.model.diagnostics import RUBRIC_INCONSISTENT, Diagnostic, DiagnosticError

if TYPE_CHECKING:
    from pia.model.rubric import Rubric

#: Bumped when what is kept in the criteria cache changes; the pia version is part of the key
#: too, so a pia that reads rubrics differently reads each one again.
_CRITERIA_CACHE_FORMAT = f"pia criteria 1 | pia {__version__}\n".encode()
#: A cached list larger than this is not a list of criterion ids: it is not read.
_MAX_CACHED_BYTES = 64 * 1024


def parse_rubric(located: Located) -> tuple[Rubric, list[Diagnostic]]:
    """The validated rubric and its consistency problems (schema errors raise)."""
    from pia.model.rubric import Rubric  # not defined to check a case alone

    rubric = validate_located(located, Rubric)
    return rubric, consistency_diagnostics(rubric, located)


def rubric_criteria(paths: Sequence[Path]) -> set[str]:
    """The qualified ids (``fipps.security``) of the criteria the rubric files declare, without
    compiling their indicators: what ``pia validate`` needs to check the criteria a case's
    actions name. A file is read in full (schema and consistency) the first time its exact
    bytes are seen; its ids are then kept in the user's private cache folder under the SHA-256
    of those bytes (and pia's version), so later runs only hash the file. A rubric with
    problems raises them, as ``pia assess`` would; its ids are never cached."""
    folder = private_cache_dir("criteria")
    ids: set[str] = set()
    for path in paths:
        data = read_bounded(path)
        key = hashlib.sha256(_CRITERIA_CACHE_FORMAT + data).hexdigest()
        cached = _read_cached(folder / key) if folder is not None else None
        if cached is None:
            located = load_located(decode_utf8(data, str(path)), str(path))
            rubric, problems = parse_rubric(located)
            if problems:
                raise DiagnosticError(problems)
            cached = [f"{rubric.id}.{c.id}" for c in rubric.criteria]
            if folder is not None:
                with contextlib.suppress(DiagnosticError):  # no cache: the next run reads again
                    write_atomic(folder / key, "\n".join(cached).encode("utf-8"))
        ids.update(cached)
    return ids


def _read_cached(path: Path) -> list[str] | None:
    """The ids kept at ``path``, if it is a regular file of this user's that no one else can
    write; None otherwise (never there, damaged, or not to be trusted)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.geteuid()
                or info.st_mode & 0o022
                or info.st_size > _MAX_CACHED_BYTES
            ):
                return None
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    ids = text.split("\n")
    return ids if all(i.count(".") >= 1 and i.strip() == i and i for i in ids) else None


def consistency_diagnostics(rubric: Rubric, located: Located) -> list[Diagnostic]:
    """Levels, thresholds, bands and caps must name each other correctly, and be ordered:
    thresholds, like levels and bands, rise from the worst level to the best."""
    problems: list[Diagnostic] = []
    level_ids = [level.id for level in rubric.scale]
    band_ids = [band.id for band in rubric.bands]

    def add(loc: DataPath, message: str) -> None:
        pos = located.value_at(loc)
        problems.append(
            Diagnostic(located.path, pos.line, pos.col, RUBRIC_INCONSISTENT.code, message)
        )

    values = [level.value for level in rubric.scale]
    scale_ordered = values == sorted(values, reverse=True)
    if not scale_ordered:
        add(("scale",), "scale levels must be listed best first (values decreasing)")
    if set(rubric.thresholds) != set(level_ids):
        add(("thresholds",), f"thresholds must name every scale level: {', '.join(level_ids)}")
    elif scale_ordered:  # else the scale's own order is the problem: one diagnostic per cause
        for better, worse in itertools.pairwise(level_ids):
            if rubric.thresholds[better] < rubric.thresholds[worse]:
                add(
                    ("thresholds", better),
                    f"threshold of {better!r} ({rubric.thresholds[better]:g}) is below that of "
                    f"the worse level {worse!r} ({rubric.thresholds[worse]:g}); a better level "
                    "needs at least the share of a worse one",
                )
                break
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
