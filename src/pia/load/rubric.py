"""Rubric files: YAML -> a validated :class:`Rubric` whose levels, bands and caps agree.

The CEL indicators are compiled one layer up (:mod:`pia.cel.rubric`); this module checks what
can be checked without them.
"""

from __future__ import annotations

import itertools

from pia.load.located import DataPath, Located
from pia.load.schema import validate_located
from pia.model.diagnostics import RUBRIC_INCONSISTENT, Diagnostic
from pia.model.rubric import Rubric


def parse_rubric(located: Located) -> tuple[Rubric, list[Diagnostic]]:
    """The validated rubric and its consistency problems (schema errors raise)."""
    rubric = validate_located(located, Rubric)
    return rubric, consistency_diagnostics(rubric, located)


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
