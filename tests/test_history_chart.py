"""The score-over-time chart's time axis: months ("Apr 2025") where a short history leaves room
for them, else one label a year, or every 2, 5, 10... years, so that labels never overprint
however short or long the case's history."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from pia.render.charts import MONTH_LABEL_ROOM, YEAR_LABEL_ROOM, HistorySeries, history_svg


def axis_labels(svg: str) -> list[tuple[float, str]]:
    return [
        (float(x), label)
        for x, label in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]+)<', svg
        )
    ]


@pytest.mark.parametrize(
    ("start", "until", "every"),
    [
        ("2025-02-01", "2026-12-02", 3),  # months
        ("2023-11-01", "2026-12-02", 6),  # months
        ("2015-01-01", "2026-12-02", 1),  # years
        ("2009-11-10", "2026-11-25", 2),
        ("1973-01-01", "2026-11-25", 5),
    ],
)
def test_axis_labels_are_spaced_so_that_none_overprints(start: str, until: str, every: int) -> None:
    series = HistorySeries(
        "DHS FIPPs", until, ((start, 36.8, "Deficient"), (until, 50.0, "Deficient"))
    )
    labels = axis_labels(history_svg(series))
    assert len(labels) >= 2, "the axis names its dates"
    monthly = labels[0][1][0].isalpha()
    if monthly:
        days = [date(int(text[-4:]), MONTHS.index(text[:3]) + 1, 1) for _, text in labels]
        assert all((d.month - 1) % every == 0 for d in days)
        room = MONTH_LABEL_ROOM
    else:
        days = [date(int(text), 1, 1) for _, text in labels]
        assert all(d.year % every == 0 for d in days)
        room = YEAR_LABEL_ROOM
    assert days == sorted(days)
    assert date.fromisoformat(start) < days[0]
    assert days[-1] <= date.fromisoformat(until)
    assert all(b[0] - a[0] >= room for a, b in itertools.pairwise(labels))


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def test_a_short_history_is_labelled_by_month_a_long_one_by_year() -> None:
    short = HistorySeries("X", "2026-12-02", (("2025-02-01", 7.9, "Severely deficient"),))
    long = HistorySeries("X", "2026-11-25", (("1976-01-01", 36.8, "Deficient"),))
    assert [t for _, t in axis_labels(history_svg(short))][:2] == ["Apr 2025", "Jul 2025"]
    assert [t for _, t in axis_labels(history_svg(long))][:2] == ["1980", "1985"]
