"""Markdown in, safe HTML out (case prose), and the assessment as Markdown (for diffs).

Case text is data: raw HTML in Markdown is not passed through, images are disabled (an image is
a fetch), and markdown-it's link validation drops ``javascript:``, ``file:`` and ``data:`` links.

The same holds for the Markdown *output* (``--format md``), which a reviewer's viewer renders:
text from the case or a rubric is escaped there (``<b>`` shows as written, not as bold), an image
in it is dropped for its alt text (a remote image is a fetch, and a tracking pixel), and control
characters are shown as escapes, since the file may well be printed on a terminal.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.model.diagnostics import printable


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def markdown_to_html(text: str | None) -> Markup:
    """Render one prose field; the result is safe to insert into the autoescaped report."""
    if not text:
        return Markup("")
    return Markup(_parser().render(text))


#: ``![alt](url)``: an image (the alt text is kept, the fetch is dropped).
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
#: Characters that start HTML, a link or an image in Markdown (and the escape character).
_MARKUP = re.compile(r"[\\\[\]<>&]")
_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def escape_text(text: str) -> str:
    """Case or rubric text as literal Markdown: images dropped for their alt text, and the
    characters that start HTML, links and images escaped, so the text reads as written and
    nothing is fetched or run."""
    text = _IMAGE.sub(lambda m: m.group(1), text)
    return _MARKUP.sub(lambda m: _ESCAPED.get(m.group(), "\\" + m.group()), text)


def _cell(text: str) -> str:
    return " ".join(escape_text(text).replace("|", "\\|").split())


def render_markdown(assessment: Assessment, case: Case) -> str:
    """A plain-text view of the result for code review: ratings, criteria, risks, gaps."""
    a = assessment
    out = [
        f"# {escape_text(a.case.title)}",
        "",
        f"Privacy impact assessment of case `{a.case.id}` as of {a.assessed_as_of} "
        f"(case sha256 `{a.case.sha256[:16]}`, pia {a.pia_version}).",
        "",
        escape_text(case.summary.strip()),
        "",
        "## Ratings",
        "",
        "| rubric | version | score | rating |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {r.id} | {_cell(r.version)} | {r.score:.1f} | {_cell(r.rating_label)}"
        + (f" (capped: {_cell(r.cap_reason)})" if r.cap_reason else "")
        + " |"
        for r in a.rubrics
    ]
    for r in a.rubrics:
        out += [
            "",
            f"## {escape_text(r.title)}",
            "",
            "| criterion | level | judged | confidence |",
            "|---|---|---|---|",
        ]
        for c in r.criteria:
            judged = c.judgment.label if c.judgment else ""
            out.append(f"| {c.id} | {_cell(c.label)} | {_cell(judged)} | {c.confidence} |")
        for c in r.criteria:
            out += ["", f"### {c.id}: {escape_text(c.label)}", ""]
            for i in c.indicators:
                entries = ", ".join(
                    f"{e.entry} [{', '.join(e.sources)}]" if e.sources else e.entry
                    for e in i.evidence
                )
                out.append(
                    f"- `{i.state}` ({i.bearing}) {escape_text(i.description)}"
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
            f"{m.setting} ({m.direction}): "
            + ", ".join(
                f"{c.id}: {c.before} -> {c.after}" for c in (*m.criteria, *m.ratings, *m.risks)
            )
            for m in s.outcomes
        )
        out.append(f"- `{s.fact}` ({s.kind}): {moves}")
    if not a.sensitivity:
        out.append("- No unknown or disputed fact would move a level, rating or risk.")
    out += ["", "## Warnings", ""]
    out += [f"- {w.code}: {escape_text(w.message)}" for w in a.warnings] or ["- none"]
    return printable("\n".join(out) + "\n", lines=True)
