"""Markdown in, safe HTML out (case prose), and the assessment as Markdown (for diffs).

Case text is data: raw HTML in Markdown is not passed through, images are disabled (an image is
a fetch), and markdown-it's link validation drops ``javascript:``, ``file:`` and ``data:`` links.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

from pia.model.assessment import Assessment
from pia.model.case import Case


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def markdown_to_html(text: str | None) -> Markup:
    """Render one prose field; the result is safe to insert into the autoescaped report."""
    if not text:
        return Markup("")
    return Markup(_parser().render(text))


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_markdown(assessment: Assessment, case: Case) -> str:
    """A plain-text view of the result for code review: ratings, criteria, risks, gaps."""
    a = assessment
    out = [
        f"# {a.case.title}",
        "",
        f"Privacy impact assessment of case `{a.case.id}` as of {a.assessed_as_of} "
        f"(case sha256 `{a.case.sha256[:16]}`, pia {a.pia_version}).",
        "",
        case.summary.strip(),
        "",
        "## Ratings",
        "",
        "| rubric | version | score | rating |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {r.id} | {r.version} | {r.score:.1f} | {r.rating_label}"
        + (f" (capped: {_cell(r.cap_reason)})" if r.cap_reason else "")
        + " |"
        for r in a.rubrics
    ]
    for r in a.rubrics:
        out += [
            "",
            f"## {r.title}",
            "",
            "| criterion | level | judged | confidence |",
            "|---|---|---|---|",
        ]
        for c in r.criteria:
            judged = c.judgment.label if c.judgment else ""
            out.append(f"| {c.id} | {c.label} | {judged} | {c.confidence} |")
        for c in r.criteria:
            out += ["", f"### {c.id}: {c.label}", ""]
            for i in c.indicators:
                entries = ", ".join(
                    f"{e.entry} [{', '.join(e.sources)}]" if e.sources else e.entry
                    for e in i.evidence
                )
                out.append(
                    f"- `{i.state}` ({i.bearing}) {i.description}"
                    + (f" — {entries}" if entries else "")
                )
    out += ["", "## Risks", "", "| risk | inherent | residual |", "|---|---|---|"]
    out += [
        f"| {r.id}: {_cell(r.title)} | L{r.inherent_likelihood} x S{r.inherent_severity} "
        f"{r.inherent_level} | L{r.residual_likelihood} x S{r.residual_severity} "
        f"{r.residual_level} |"
        for r in a.risks
    ]
    out += ["", "## What would change the rating", ""]
    for s in a.sensitivity:
        moves = "; ".join(
            f"{m.value}: "
            + ", ".join(
                f"{c.id}: {c.before} -> {c.after}" for c in (*m.criteria, *m.ratings, *m.risks)
            )
            for m in s.outcomes
        )
        out.append(f"- `{s.fact}` ({s.kind}): {moves}")
    if not a.sensitivity:
        out.append("- No unknown or disputed fact would move a level, rating or risk.")
    out += ["", "## Warnings", ""]
    out += [f"- {w.code}: {w.message}" for w in a.warnings] or ["- none"]
    return "\n".join(out) + "\n"
