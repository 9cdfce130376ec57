"""``pia diff CASE --from --to`` and ``pia history CASE``: text, Markdown and JSON.

Everything printed is in the :class:`~pia.engine.history.DateDiff` or
:class:`~pia.engine.history.History`; these functions lay it out. Where a score rises, the output
says which facts raised it (and where it falls, which lowered it): a rubric that rewards oversight
rises when oversight happens, whatever the oversight found, and a reader should see why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel

from pia.engine.history import (
    DatedFact,
    DateDiff,
    History,
    HistoryStep,
    RiskShift,
    RubricPoint,
    RubricShift,
)

ARROW = "→"
_SIGN = {"up": "up", "down": "down", "changed": "changed"}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def show_fact(f: DatedFact) -> str:
    sources = f" [{', '.join(f.sources)}]" if f.sources else ""
    return f"{f.date} {f.text}{sources}"


def show_score(s: RubricShift) -> str:
    if s.old_score == s.new_score:
        score = f"score {s.new_score:.1f} (unchanged)"
    else:
        delta = s.new_score - s.old_score
        score = f"score {s.old_score:.1f} {ARROW} {s.new_score:.1f} ({delta:+.1f})"
    if s.old_rating == s.new_rating:
        rating = f"rating {s.new_rating_label} (unchanged)"
    else:
        rating = f"rating {s.old_rating_label} {ARROW} {s.new_rating_label}"
    return f"{score}; {rating}"


def show_risk(r: RiskShift) -> str:
    return (
        f"L{r.old_likelihood} x S{r.severity} {r.old_level} {ARROW} "
        f"L{r.new_likelihood} x S{r.severity} {r.new_level}"
    )


def show_point(p: RubricPoint) -> str:
    return f"{p.id} {p.score:.1f} {p.rating_label}"


def _facts_block(facts: Sequence[DatedFact], indent: str, empty: str) -> list[str]:
    if not facts:
        return [f"{indent}({empty})"]
    return [f"{indent}{show_fact(f)}" for f in facts]


def shift_lines(s: RubricShift, indent: str = "  ") -> list[str]:
    """One rubric's move: score and rating, the facts that raised or lowered it, the criteria."""
    out = [f"{indent}{s.id} ({s.title}): {show_score(s)}"]
    if s.new_score > s.old_score or s.raised_by:
        out.append(f"{indent}  raised by:")
        out += _facts_block(s.raised_by, f"{indent}    ", "no dated fact among the entries read")
    if s.new_score < s.old_score or s.lowered_by:
        out.append(f"{indent}  lowered by:")
        out += _facts_block(s.lowered_by, f"{indent}    ", "no dated fact among the entries read")
    for c in s.criteria:
        out.append(
            f"{indent}  {c.id} ({c.title}): {c.old_label} {ARROW} {c.new_label} "
            f"({_SIGN[c.direction]})"
        )
        for i in c.indicators:
            out.append(f"{indent}    {i.id}: {i.old_state} {ARROW} {i.new_state}")
            out += _facts_block(
                i.facts, f"{indent}      ", "no dated fact between the dates among the entries read"
            )
    return out


def risk_lines(risks: Sequence[RiskShift], indent: str = "  ") -> list[str]:
    out: list[str] = []
    for r in risks:
        out.append(f"{indent}residual risk {r.id} ({r.title}): {show_risk(r)}")
        out += _facts_block(r.facts, f"{indent}  ", "no dated fact about it or its safeguards")
    return out


def _rubrics(d: DateDiff | History) -> str:
    return ", ".join(f"{r.id} {r.version}" for r in d.rubrics)


# --- pia diff CASE --from --to ----------------------------------------------------------------


def date_diff_summary(d: DateDiff) -> str:
    facts = plural(len(d.facts), "dated fact")
    if not d.moved:
        return f"Summary: no result moved; {facts} between the dates."
    criteria = sum(len(s.criteria) for s in d.rubric_shifts)
    scores = sum(
        1 for s in d.rubric_shifts if (s.old_score, s.old_rating) != (s.new_score, s.new_rating)
    )
    rubrics = plural(scores, "rubric score or rating", "rubric scores or ratings")
    return (
        f"Summary: results moved: {rubrics}, {plural(criteria, 'criterion level')}, "
        f"{plural(len(d.risk_shifts), 'residual risk')}; {facts} between the dates."
    )


def date_diff_lines(d: DateDiff) -> list[str]:
    out = [
        f"pia diff {d.case_id}: judged as of {d.from_} and as of {d.to}",
        f"  Rubrics: {_rubrics(d)}",
        "",
        "Results that moved",
    ]
    if not d.moved:
        out.append("  no result moved")
    for s in d.rubric_shifts:
        out += shift_lines(s)
    out += risk_lines(d.risk_shifts)
    out += ["", f"Dated facts between {d.from_} and {d.to}"]
    out += _facts_block(d.facts, "  ", "none")
    out += ["", date_diff_summary(d)]
    return out


def _md(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _md_facts(facts: Sequence[DatedFact], empty: str) -> list[str]:
    return [f"- {_md(show_fact(f))}" for f in facts] or [f"- ({empty})"]


def date_diff_markdown(d: DateDiff) -> str:
    out = [
        f"# pia diff `{d.case_id}`: as of {d.from_} {ARROW} as of {d.to}",
        "",
        f"Rubrics: {_rubrics(d)}.",
        "",
        "## Results that moved",
        "",
    ]
    if not d.moved:
        out += ["No result moved.", ""]
    if d.rubric_shifts:
        out += ["| rubric | score | rating |", "|---|---|---|"]
        for s in d.rubric_shifts:
            score, rating = show_score(s).split("; ")
            out.append(
                f"| {s.id} | {score.removeprefix('score ')} | {rating.removeprefix('rating ')} |"
            )
        out.append("")
    for s in d.rubric_shifts:
        out += [f"### {s.id}: {show_score(s)}", ""]
        if s.raised_by:
            out += ["Raised by:", "", *_md_facts(s.raised_by, ""), ""]
        if s.lowered_by:
            out += ["Lowered by:", "", *_md_facts(s.lowered_by, ""), ""]
        for c in s.criteria:
            out.append(f"- **{c.id}** {c.old_label} {ARROW} {c.new_label} ({c.direction})")
            for i in c.indicators:
                out.append(f"  - `{i.id}` {i.old_state} {ARROW} {i.new_state}")
                out += [f"    - {_md(show_fact(f))}" for f in i.facts] or [
                    "    - (no dated fact between the dates among the entries read)"
                ]
        out.append("")
    if d.risk_shifts:
        out += ["### Residual risks", ""]
        for r in d.risk_shifts:
            out.append(f"- **{r.id}** {show_risk(r)}")
            out += [f"  - {_md(show_fact(f))}" for f in r.facts]
        out.append("")
    out += [f"## Dated facts between {d.from_} and {d.to}", ""]
    out += _md_facts(d.facts, "none")
    out += ["", date_diff_summary(d)]
    return "\n".join(out) + "\n"


# --- pia history CASE ------------------------------------------------------------------------


def history_header(h: History) -> list[str]:
    return [
        f"pia history {h.case_id}: every date on which a result moved, judged on "
        f"{plural(h.dates_judged, 'date')} from {h.start} to {h.until}",
        f"  Rubrics: {_rubrics(h)}",
    ]


def step_lines(step: HistoryStep) -> list[str]:
    out = [f"{step.date}  " + "; ".join(show_point(p) for p in step.scores)]
    for s in step.rubric_shifts:
        out += shift_lines(s, "  ")
    out += risk_lines(step.risk_shifts, "  ")
    return out


def history_lines(h: History) -> list[str]:
    out = [*history_header(h), ""]
    out.append(f"{h.start}  (start) " + "; ".join(show_point(p) for p in h.start_scores))
    for step in h.steps:
        out += ["", *step_lines(step)]
    if not h.steps:
        out += ["", "No result moved after the start."]
    out += [
        "",
        f"Summary: {plural(len(h.steps), 'date')} on which a result moved, "
        f"out of {plural(h.dates_judged, 'date')} with dated facts.",
    ]
    return out


def _cell(p: RubricPoint, before: RubricPoint | None) -> str:
    if before is None or before.score == p.score:
        moved = ""
    else:
        moved = " ↑" if p.score > before.score else " ↓"
    return f"{p.score:.1f} {p.rating_label}{moved}"


def history_markdown(h: History) -> str:
    ids = [p.id for p in h.start_scores]
    out = [
        f"# pia history `{h.case_id}`",
        "",
        f"Every date on which a result moved, judged on {plural(h.dates_judged, 'date')} from "
        f"{h.start} to {h.until}. Rubrics: {_rubrics(h)}.",
        "",
        "| date | " + " | ".join(ids) + " |",
        "|---" * (len(ids) + 1) + "|",
        f"| {h.start} (start) | " + " | ".join(_cell(p, None) for p in h.start_scores) + " |",
    ]
    previous = {p.id: p for p in h.start_scores}
    for step in h.steps:
        cells = [_cell(p, previous.get(p.id)) for p in step.scores]
        out.append(f"| {step.date} | " + " | ".join(cells) + " |")
        previous = {p.id: p for p in step.scores}
    for step in h.steps:
        out += ["", f"## {step.date}", ""]
        for s in step.rubric_shifts:
            out.append(f"- **{s.id}** {show_score(s)}")
            if s.raised_by:
                out.append("  - raised by:")
                out += [f"    - {_md(show_fact(f))}" for f in s.raised_by]
            if s.lowered_by:
                out.append("  - lowered by:")
                out += [f"    - {_md(show_fact(f))}" for f in s.lowered_by]
            for c in s.criteria:
                out.append(f"  - {c.id}: {c.old_label} {ARROW} {c.new_label} ({c.direction})")
        for r in step.risk_shifts:
            out.append(f"- residual risk **{r.id}**: {show_risk(r)}")
            out += [f"  - {_md(show_fact(f))}" for f in r.facts]
    return "\n".join(out) + "\n"


def render_json(model: BaseModel) -> str:
    data = model.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
