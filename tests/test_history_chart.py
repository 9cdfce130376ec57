"""The score-over-time chart's time axis: one label a year where there is room, else every 2, 5,
10... years, so that labels never overprint however long the case's history."""

from __future__ import annotations

import itertools
import re

import pytest

from pia.render.charts import YEAR_LABEL_ROOM, HistorySeries, history_svg


def year_labels(svg: str) -> list[tuple[float, int]]:
    return [
        (float(x), int(year))
        for x, year in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d{4})<', svg
        )
    ]


@pytest.mark.parametrize(
    ("start", "until", "step"),
    [
        ("2025-02-01", "2026-12-02", 1),
        ("2009-11-10", "2026-11-25", 2),
        ("1973-01-01", "2026-11-25", 5),
    ],
)
def test_year_labels_are_spaced_so_that_none_overprints(start: str, until: str, step: int) -> None:
    series = HistorySeries(
        "DHS FIPPs", until, ((start, 36.8, "Deficient"), (until, 50.0, "Deficient"))
    )
    labels = year_labels(history_svg(series))
    assert labels, "the axis names its years"
    assert all(year % step == 0 for _, year in labels)
    assert [y for _, y in labels] == sorted(y for _, y in labels)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(labels)]
    assert all(gap >= YEAR_LABEL_ROOM for gap in gaps)
    first_year, last_year = int(start[:4]), int(until[:4])
    assert labels[0][1] - first_year <= step
    assert last_year - labels[-1][1] < step
