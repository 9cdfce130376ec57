"""The report as HTML: Jinja2 with autoescape and StrictUndefined, print CSS for WeasyPrint.

Case text reaches the template only as data (escaped, or Markdown rendered with raw HTML off);
it is never compiled as a template, so ``{{ 7*7 }}`` in a case prints as written. Control
characters in it are shown as escapes. The standalone HTML carries a Content-Security-Policy
that forbids every script, fetch, frame and form: even if case text got past the escaping, a
browser opening the file would run and load nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from pia.cel.rubric import LoadedRubric
from pia.engine.digest import primary_result
from pia.engine.history import case_history
from pia.load.profile import choose_paper, choose_profile
from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.model.diagnostics import printable
from pia.model.profile import Profile
from pia.render.charts import HistorySeries
from pia.render.context import build_context
from pia.render.markdown import markdown_to_html
from pia.render.wording import figure_text, long_date, tri_text, words

ASSET_SCHEME = "pia-asset:"

#: The standalone report needs its inline styles and its data: images, nothing else.
STANDALONE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{STANDALONE_CSP}">'


def templates_dir() -> Path:
    return Path(str(resources.files("pia.render") / "templates"))


def assets_dir() -> Path:
    return Path(str(resources.files("pia.render") / "assets"))


@functools.cache
def _environment() -> jinja2.Environment:
    """The report's templates, compiled on first use and kept for the process (a template
    changed on disk is compiled again, as Jinja checks each one's file before using it)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_to_html
    env.filters["lookup"] = lambda ids, names: [names.get(i, i) for i in ids]
    env.filters["pct"] = lambda v: f"{100 * float(v):.0f}%"
    env.filters["score"] = lambda v: f"{float(v):.1f}"
    env.filters["num"] = lambda v: f"{float(v):g}"
    env.filters["tri"] = tri_text
    env.filters["figure"] = figure_text
    env.filters["link_url"] = link_url
    env.filters["words"] = words
    env.filters["longdate"] = long_date
    return env


def link_url(value: object) -> str | None:
    """A source URL becomes a link only if it is http(s); anything else is shown as text."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return None


def score_history(
    assessment: Assessment, case: Case, rubrics: Sequence[LoadedRubric], profile: Profile
) -> HistorySeries | None:
    """The primary rubric's score on each date a dated fact moved it (the engine's history, run
    for that rubric alone), or None when the rubric is not among ``rubrics``."""
    primary = primary_result(assessment, profile)
    loaded = [r for r in rubrics if r.rubric.id == primary.id]
    if not loaded:
        return None
    history = case_history(case, loaded, until=assessment.assessed_as_of)
    points = [(history.start, history.start_scores[0])]
    points += [(step.date, step.scores[0]) for step in history.steps]
    return HistorySeries(
        title=primary.title,
        until=assessment.assessed_as_of.isoformat(),
        points=tuple((day.isoformat(), p.score, p.rating_label) for day, p in points),
    )


def render_html(
    assessment: Assessment,
    case: Case,
    *,
    rubrics: Sequence[LoadedRubric] = (),
    profile: str | None = None,
    paper: str | None = None,
    for_pdf: bool = False,
    csp: bool = True,
) -> str:
    """The full report, in the order of its profile (``profile`` overrides the case's choice,
    ``paper`` the profile's paper). With ``rubrics`` (the loaded files) the report also charts the
    primary rubric's score over time. ``for_pdf`` links the stylesheet and fonts as package
    assets (fetched by pia's own URL fetcher); otherwise the CSS is inlined so the HTML stands
    alone, with a Content-Security-Policy unless ``csp`` is false (the preview server sends its
    own, which must allow its reload script)."""
    chosen = choose_profile(case, profile)
    sheet = choose_paper(case, chosen, paper)
    history = score_history(assessment, case, rubrics, chosen) if rubrics else None
    # pia's own stylesheet, not case text: inserted as is.
    css = Markup((assets_dir() / "report.css").read_text(encoding="utf-8"))
    template = _environment().get_template("report.html.j2")
    html = template.render(
        **build_context(assessment, case, profile=chosen, paper=sheet, history=history),
        css=css,
        for_pdf=for_pdf,
        asset=ASSET_SCHEME,
    )
    html = printable(html, lines=True)
    if not for_pdf and csp:
        charset = '<meta charset="utf-8">'
        at = html.find(charset)
        at = at + len(charset) if at >= 0 else html.find("<head>") + len("<head>")
        html = html[:at] + "\n" + _CSP_META + html[at:]
    return html
