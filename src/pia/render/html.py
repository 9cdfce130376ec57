"""The report as HTML: Jinja2 with autoescape and StrictUndefined, print CSS for WeasyPrint.

Case text reaches the template only as data (escaped, or Markdown rendered with raw HTML off);
it is never compiled as a template, so ``{{ 7*7 }}`` in a case prints as written. Control
characters in it are shown as escapes. The standalone HTML carries a Content-Security-Policy
that forbids every script, fetch, frame and form: even if case text got past the escaping, a
browser opening the file would run and load nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from pia.cel.rubric import LoadedRubric
from pia.engine.digest import primary_result
from pia.engine.history import arrangement_start, case_history
from pia.load.files import private_cache_dir
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


#: A compiled template is a few hundred kB at most; a cache file much larger is not one.
_MAX_COMPILED_BYTES = 16 * 1024 * 1024


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """The report's templates as compiled code, kept between runs in the user's private cache
    folder (:func:`pia.load.files.private_cache_dir`): compiling them takes a quarter of a
    second on every run, loading them a few milliseconds.

    What a compiled template depends on is all in its key or checked when it is read: its name,
    file and text (Jinja compares a checksum of the text), the Python version (Jinja's header),
    and ``salt``: the Jinja version, how MarkupSafe escapes, and this module, which sets the
    environment's options and filters. The filters themselves never run while a template
    compiles (see :func:`_at_render`), so a change to one cannot leave a stale result in a
    compiled template. A file is read only if it is a regular file owned by this user that no
    one else can write (compiled code is code); a cache that cannot be written is skipped."""

    def __init__(self, folder: Path, salt: str) -> None:
        super().__init__(str(folder), "%s.jinja")
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}|{name}|{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._get_cache_filename(bucket)
        try:
            info = os.lstat(path)
            trusted = (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.geteuid()
                and not info.st_mode & 0o022
                and info.st_size <= _MAX_COMPILED_BYTES
            )
            if trusted:
                with open(path, "rb") as handle:
                    bucket.load_bytecode(handle)
        except Exception:  # an unreadable or damaged cache file: the template is compiled
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


#: What MarkupSafe is asked to escape for the cache's salt: how it escapes these is what a
#: compiled template can have kept of it (a constant printed with autoescape).
_ESCAPED = "<>&'\"\x00"


def _compiled_templates() -> _CompiledTemplates | None:
    """The cache of compiled templates, or None where there is no private cache folder (or
    this module's own file cannot be read, to know whether it changed)."""
    folder = private_cache_dir("templates")
    try:
        here = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        return None
    if folder is None:
        return None
    salt = f"{jinja2.__version__}|{escape(_ESCAPED)}|{here}"
    return _CompiledTemplates(folder, salt)


def _at_render(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a filter Jinja calls only while rendering. Jinja calls a plain filter
    applied to a constant while it compiles, and keeps the result in the compiled template; a
    compiled template kept between runs would then keep it past a change to the filter."""

    @jinja2.pass_context
    def at_render(_context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        return function(value, *args, **kwargs)

    return at_render


@functools.cache
def _environment() -> jinja2.Environment:
    """The report's templates, compiled on first use and kept for the process (a template
    changed on disk is compiled again, as Jinja checks each one's file before using it), and
    kept compiled between runs (:class:`_CompiledTemplates`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_compiled_templates(),
    )
    filters: dict[str, Callable[..., Any]] = {
        "md": markdown_to_html,
        "lookup": lambda ids, names: [names.get(i, i) for i in ids],
        "pct": lambda v: f"{100 * float(v):.0f}%",
        "score": lambda v: f"{float(v):.1f}",
        "num": lambda v: f"{float(v):g}",
        "tri": tri_text,
        "figure": figure_text,
        "link_url": link_url,
        "words": words,
        "longdate": long_date,
    }
    env.filters.update({name: _at_render(f) for name, f in filters.items()})
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
    first_flow = arrangement_start(case)
    history = case_history(case, loaded, until=assessment.assessed_as_of, since=first_flow)
    points = [(history.start, history.start_scores[0])]
    points += [(step.date, step.scores[0]) for step in history.steps]
    return HistorySeries(
        title=primary.title,
        until=assessment.assessed_as_of.isoformat(),
        points=tuple((day.isoformat(), p.score, p.rating_label) for day, p in points),
        from_first_flow=first_flow is not None and history.start == first_flow,
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
