"""SVG charts drawn from the Assessment: a scorecard per rubric and the risk map.

Charts are embedded as ``<img>`` with alt text (not bare inline SVG), so tagged PDFs carry a
text alternative. Every string placed in the SVG is escaped; numbers come from the engine.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from pia.model.assessment import RiskResult, RubricResult

FONT = "Liberation Sans"
#: Bar colours by a level's tone (its place on the rubric's own scale, from the engine).
TONE_COLOURS = {
    "good": "#2e7d32",
    "mid": "#f9a825",
    "poor": "#ef6c00",
    "bad": "#c62828",
    "unknown": "#9e9e9e",
}
RISK_COLOURS = {"low": "#c8e6c9", "moderate": "#fff59d", "high": "#ffcc80", "critical": "#ef9a9a"}


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def scorecard_svg(result: RubricResult) -> str:
    """Horizontal bars: each criterion's earned share of its weight, coloured by level."""
    values = {lv.id: lv.value for lv in result.scale}  # the share of weight a level earns
    row, label_w, bar_w = 22, 250, 300
    height = 30 + row * len(result.criteria) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" '
        f'height="{height}" font-family="{FONT}" font-size="11">',
        f'<text x="0" y="14" font-weight="bold">{escape(result.title)}: score '
        f"{result.score:.1f} / 100 ({escape(result.rating_label)})</text>",
    ]
    for i, c in enumerate(result.criteria):
        y = 26 + i * row
        value = values.get(c.level)
        colour = TONE_COLOURS[c.tone]
        width = 4 if not value else int(bar_w * value)
        parts.append(f'<text x="0" y="{y + 13}">{escape(_short(c.title, 40))}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="14" fill="#eeeeee"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="14" fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 13}">{escape(c.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def scorecard_alt(result: RubricResult) -> str:
    levels = "; ".join(f"{c.title}: {c.label}" for c in result.criteria)
    return (
        f"Scorecard for {result.title}: score {result.score:.1f} of 100, rated "
        f"{result.rating_label}. {levels}."
    )


def risk_map_svg(risks: tuple[RiskResult, ...], matrix: tuple[tuple[str, ...], ...]) -> str:
    """A 4 x 4 likelihood x severity grid (CNIL scales) with an arrow from each risk's inherent
    position to its residual position."""
    cell, left, top = 70, 90, 20
    size = 4 * cell
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + size + 170}" '
        f'height="{top + size + 60}" font-family="{FONT}" font-size="10">',
        '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#333333"/></marker></defs>',
    ]
    for likelihood in range(1, 5):
        for severity in range(1, 5):
            x = left + (likelihood - 1) * cell
            y = top + (4 - severity) * cell
            level = matrix[likelihood - 1][severity - 1]
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{RISK_COLOURS[level]}" stroke="#ffffff"/>'
            )
    names = ("negligible", "limited", "significant", "maximum")
    for i, name in enumerate(names):
        parts.append(
            f'<text x="{left + i * cell + cell / 2}" y="{top + size + 14}" '
            f'text-anchor="middle">{i + 1} {name}</text>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{top + (3 - i) * cell + cell / 2 + 4}" '
            f'text-anchor="end">{i + 1} {name}</text>'
        )
    parts.append(
        f'<text x="{left + size / 2}" y="{top + size + 32}" text-anchor="middle" '
        'font-weight="bold">likelihood</text>'
    )
    parts.append(
        f'<text x="12" y="{top + size / 2}" font-weight="bold" '
        f'transform="rotate(-90 12 {top + size / 2})" text-anchor="middle">severity</text>'
    )
    slots: dict[tuple[int, int], int] = {}
    for number, risk in enumerate(risks, start=1):
        ix, iy = _spot(left, top, cell, risk.inherent_likelihood, risk.inherent_severity, slots)
        moved = (risk.residual_likelihood, risk.residual_severity) != (
            risk.inherent_likelihood,
            risk.inherent_severity,
        )
        rx, ry = (
            _spot(left, top, cell, risk.residual_likelihood, risk.residual_severity, slots)
            if moved
            else (ix, iy)
        )
        if (ix, iy) != (rx, ry):
            parts.append(
                f'<line x1="{ix}" y1="{iy}" x2="{rx}" y2="{ry}" stroke="#333333" '
                'stroke-width="1.2" stroke-dasharray="3,2" marker-end="url(#arrow)"/>'
            )
        parts.append(f'<circle cx="{ix}" cy="{iy}" r="9" fill="#ffffff" stroke="#333333"/>')
        parts.append(f'<text x="{ix}" y="{iy + 3.5}" text-anchor="middle">R{number}</text>')
        if (ix, iy) != (rx, ry):
            parts.append(f'<circle cx="{rx}" cy="{ry}" r="9" fill="#333333"/>')
            parts.append(
                f'<text x="{rx}" y="{ry + 3.5}" text-anchor="middle" fill="#ffffff">'
                f"R{number}</text>"
            )
    parts.append(
        f'<text x="{left}" y="{top + size + 50}">Open circle: inherent risk. Filled: residual '
        "risk after mitigations, where they move it.</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def risk_map_alt(risks: tuple[RiskResult, ...]) -> str:
    items = "; ".join(
        f"R{i} {r.title}: inherent likelihood {r.inherent_likelihood}, severity "
        f"{r.inherent_severity} ({r.inherent_level}); residual likelihood "
        f"{r.residual_likelihood} ({r.residual_level})"
        for i, r in enumerate(risks, start=1)
    )
    return f"Risk map, likelihood by severity on 1 to 4 scales. {items}."


def _spot(
    left: int,
    top: int,
    cell: int,
    likelihood: int,
    severity: int,
    slots: dict[tuple[int, int], int],
) -> tuple[float, float]:
    """Place markers sharing a cell side by side so they do not overlap."""
    key = (likelihood, severity)
    n = slots.get(key, 0)
    slots[key] = n + 1
    col, row = n % 3, n // 3
    x = left + (likelihood - 1) * cell + 14 + col * 21
    y = top + (4 - severity) * cell + 14 + row * 21
    return x, y


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class HistorySeries:
    """One rubric's score on each date a dated fact moved a result, from the engine's history;
    ``points`` are (date, score, rating label), the first at the first dated fact."""

    title: str
    until: str
    points: tuple[tuple[str, float, str], ...]
    #: whether the first point is the day the case's first data flow began or was sought
    from_first_flow: bool = False


def history_svg(series: HistorySeries) -> str:
    """A step chart of the score (0-100) over time: a dot on each date a result moved, held
    level until the next, up to the assessment date. Dates are placed by day."""
    days = [date.fromisoformat(d) for d, _, _ in series.points]
    end = date.fromisoformat(series.until)
    first = days[0]
    span = max((end - first).days, 1)
    left, top, width, height = 44, 14, 560, 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" '
        f'height="{top + height + 40}" font-family="{FONT}" font-size="11">'
    ]

    def x(day: date) -> float:
        return round(left + width * (day - first).days / span, 1)

    def y(score: float) -> float:
        return round(top + height * (1 - score / 100), 1)

    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" y1="{y(tick)}" x2="{left + width}" y2="{y(tick)}" '
            'stroke="#dddddd"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end">{tick}</text>')
    path = []
    for i, (day, (_, score, _)) in enumerate(zip(days, series.points, strict=True)):
        nxt = days[i + 1] if i + 1 < len(days) else end
        path.append(f"M{x(day)},{y(score)} L{x(nxt)},{y(score)}")
        if i + 1 < len(days):
            path.append(f"M{x(nxt)},{y(score)} L{x(nxt)},{y(series.points[i + 1][1])}")
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="#0b4f8a" stroke-width="2"/>')
    for day, (_, score, _) in zip(days, series.points, strict=True):
        parts.append(f'<circle cx="{x(day)}" cy="{y(score)}" r="3" fill="#0b4f8a"/>')
    for tick_day, label in axis_ticks(first, end, width * 365.25 / span):
        parts.append(
            f'<line x1="{x(tick_day)}" y1="{top + height}" x2="{x(tick_day)}" '
            f'y2="{top + height + 5}" stroke="#333333"/>'
        )
        parts.append(
            f'<text x="{x(tick_day)}" y="{top + height + 18}" text-anchor="middle">{label}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" '
        'stroke="#333333"/>'
    )
    parts.append(
        f'<text x="{left}" y="{top + height + 34}">{escape(series.title)} score, '
        f"{escape(series.points[0][0])} to {escape(series.until)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


#: Years between labelled ticks on a time axis, the first that leaves room for each label.
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
#: The least room, in chart units, between two year labels (a label is about 26 wide).
YEAR_LABEL_ROOM = 40


#: Months between labelled ticks on a short time axis, and the room a "Jan 2026" label needs.
MONTH_STEPS = (1, 2, 3, 6)
MONTH_LABEL_ROOM = 52


def axis_ticks(first: date, end: date, per_year: float) -> list[tuple[date, str]]:
    """The labelled ticks of a time axis from ``first`` to ``end``: the first day of every
    1, 2, 3 or 6 months ("Apr 2025") where months have room, else of every 1, 2, 5, 10...
    years ("2025"); never so close that labels overprint."""
    per_month = per_year / 12
    months = next((m for m in MONTH_STEPS if m * per_month >= MONTH_LABEL_ROOM), None)
    if months is not None:
        ticks: list[tuple[date, str]] = []
        index = first.year * 12 + first.month  # the month after first's, counted from 0
        while True:
            day = date(index // 12, index % 12 + 1, 1)
            if day > end:
                return ticks
            if (day.month - 1) % months == 0:
                ticks.append((day, f"{day:%b %Y}"))
            index += 1
    step = year_step(per_year)
    years = range(first.year + 1, end.year + 1)
    return [(date(year, 1, 1), str(year)) for year in years if year % step == 0]


def year_step(per_year: float) -> int:
    """How many years apart the axis labels go, given how wide a year is on the axis: every
    year where there is room, else every 2, 5, 10... years, so that no two labels overprint."""
    return next((s for s in YEAR_STEPS if s * per_year >= YEAR_LABEL_ROOM), YEAR_STEPS[-1])


def history_alt(series: HistorySeries) -> str:
    steps = "; ".join(f"{d}: {score:.1f} ({label})" for d, score, label in series.points)
    return f"{series.title} score over time, 0 to 100. {steps}; unchanged to {series.until}."
