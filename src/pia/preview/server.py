"""A live HTML preview of a case's report, served on 127.0.0.1 only.

A background thread polls the case file and the rubric files (mtime, size, inode) every
``poll_interval`` seconds and re-renders the HTML report when one changes. The served page carries
a tiny script that polls ``/version`` and reloads when it changes, so a saved edit shows up in the
browser within about a second.

A file with problems never stops the server: the page then lists the located one-line
diagnostics (``file:line:col: error: message [CODE]``) in place of the report, and the report
comes back when the file is fixed. A failure inside pia itself is shown as an internal error.

Only ``/TOKEN/`` and ``/TOKEN/version`` are served, where TOKEN is random per server and part of
the printed URL: another local user, or a page in the browser that guesses the port, cannot read
the report. Only requests addressed to 127.0.0.1 or localhost are answered (a page on another site
cannot read the preview through DNS rebinding), with a Content-Security-Policy that lets only the
preview's own script run. Each connection has a timeout and the listen backlog is large, so idle
or slow clients cannot hold the server: one request per connection (HTTP/1.0), a handler thread
per connection that ends when its timeout does.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import secrets
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

from pia.model.diagnostics import Diagnostic, DiagnosticError

HOST = "127.0.0.1"
#: Seconds a connection may take to send its request (and to take the answer).
CONNECTION_TIMEOUT = 10.0
#: Connections the system queues while the server is busy accepting.
BACKLOG = 128
#: How often the preview page asks the server whether there is a new version, in milliseconds.
PAGE_POLL_MS = 300

#: (mtime in ns, size, inode) of each watched file; None for a file that cannot be stat'ed.
Stamp = tuple[int, int, int] | None
Snapshot = dict[Path, Stamp]
Log = Callable[[str], None]


def _no_log(message: str) -> None:
    pass


@dataclass(frozen=True)
class Rendered:
    """One rendering: the page body (without the reload script) and what it shows."""

    body: str
    ok: bool
    #: the one-line problems, or the internal error, shown instead of the report
    problems: tuple[str, ...] = ()

    @functools.cached_property
    def version(self) -> str:
        """What ``/version`` answers: changes exactly when the page does."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:16]


def rubric_paths(selected: Sequence[str]) -> list[Path]:
    """The rubric files a preview with these ``--rubric`` values reads (and so watches)."""
    from pia.load.workspace import resolve_rubric_specs

    return resolve_rubric_specs(selected)


def render_report(
    case_path: Path,
    rubrics: Sequence[str],
    as_of: date | None,
    *,
    profile: str | None = None,
    paper: str | None = None,
) -> Rendered:
    """Load, assess and render the report ``pia assess`` writes, under the same profile and
    paper (``profile`` and ``paper`` as its ``--profile`` and ``--paper``), laid out on screen
    as sheets of that paper with the printed page's margins. Problems in the files become an
    error page, never an exception (except for a bug in pia, which the caller shows as an
    internal error)."""
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import check_criterion_references, load_case_file
    from pia.render.html import render_html

    try:
        case_file = load_case_file(case_path)
        loaded = load_rubrics(rubrics)
        check_criterion_references(case_file, [r.rubric for r in loaded])
        assessment = assess(case_file.case, loaded, as_of=as_of, case_sha256=case_file.sha256)
        html_text = render_html(
            assessment, case_file.case, rubrics=loaded, profile=profile, paper=paper, csp=False
        )
    except DiagnosticError as exc:
        return diagnostics_page(case_path, exc.diagnostics)
    return Rendered(with_sheet_style(html_text), ok=True)


#: The printed page's margins, as the report's stylesheet sets them in its ``@page`` rule.
_PAGE_MARGIN = re.compile(r"@page\s*\{[^}]*?\bmargin:\s*([^;}]+)")
#: Paper widths on screen, by the ``paper-*`` class the report puts on its body.
SHEET_WIDTHS = {"letter": "8.5in", "a4": "210mm"}


def page_margin() -> str:
    """The margin of the report's printed pages, read from its stylesheet (the one place it is
    set), so the preview's sheet and the PDF's page agree."""
    from pia.render.html import assets_dir

    css = (assets_dir() / "report.css").read_text(encoding="utf-8")
    found = _PAGE_MARGIN.search(css)
    return found.group(1).strip() if found else "20mm"


def sheet_style() -> str:
    """Screen-only CSS that lays the report out as a sheet of its paper with the page margins,
    on a grey desk, each chapter starting below a rule where the PDF starts a new page."""
    widths = "\n".join(
        f"  body.paper-{paper} {{ width: {width}; }}" for paper, width in SHEET_WIDTHS.items()
    )
    return (
        '<style id="pia-preview-sheet">\n@media screen {\n'
        "  html { background: #d9dde1; }\n"
        f"  body {{ box-sizing: border-box; margin: 24px auto; padding: {page_margin()}; "
        "background: #fff; box-shadow: 0 1px 6px rgba(0, 0, 0, 0.35); }\n"
        f"{widths}\n"
        "  section.chapter { border-top: 1px dashed #9aa5b1; margin-top: 18mm; "
        "padding-top: 8mm; }\n"
        "}\n</style>\n"
    )


def with_sheet_style(page: str) -> str:
    """The report page with :func:`sheet_style` at the end of its head (after its own styles,
    so it wins on screen; print is left to the report's stylesheet)."""
    at = page.find("</head>")
    return page if at < 0 else page[:at] + sheet_style() + page[at:]


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #222; }}
h1 {{ font-size: 1.3rem; color: {colour}; }}
ul.problems {{ font: 13px/1.6 ui-monospace, monospace; padding-left: 1.2rem; }}
ul.problems li {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
p.note {{ color: #666; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<ul class="problems">
{items}
</ul>
<p class="note">{note}</p>
</body>
</html>
"""


def _page(title: str, heading: str, lines: Sequence[str], note: str, colour: str) -> str:
    esc = html.escape
    items = "\n".join(f"<li>{esc(line)}</li>" for line in lines)
    return _PAGE.format(
        title=esc(title), heading=esc(heading), items=items, note=esc(note), colour=colour
    )


def diagnostics_page(case_path: Path, diagnostics: Sequence[Diagnostic]) -> Rendered:
    """The page shown while a file has problems: every problem on one line, escaped."""
    lines = tuple(d.format() for d in diagnostics)
    n = len(lines)
    heading = f"{n} problem{'s' if n != 1 else ''}: the report cannot be rendered"
    body = _page(
        f"pia preview: {case_path.name}: {n} problem{'s' if n != 1 else ''}",
        heading,
        lines,
        "This page updates when you save the file.",
        "#a40000",
    )
    return Rendered(body, ok=False, problems=lines)


def internal_error_page(case_path: Path, exc: BaseException) -> Rendered:
    """The page shown when pia itself failed: the message only, no traceback."""
    line = f"internal error: {type(exc).__name__}: {exc}"
    body = _page(
        f"pia preview: {case_path.name}: internal error",
        "pia failed while rendering (a bug in pia, not in your files)",
        [line],
        "The preview keeps running and tries again when you save a file.",
        "#5c3c00",
    )
    return Rendered(body, ok=False, problems=(line,))


def _starting_page(case_path: Path) -> Rendered:
    return Rendered(
        _page(
            f"pia preview: {case_path.name}",
            f"Rendering {case_path.name}…",
            [],
            "This page shows the report as soon as it is rendered.",
            "#222",
        ),
        ok=False,
    )


_SCRIPT = """<script nonce="{nonce}">
(function () {{
  var version = {version};
  function poll() {{
    fetch("version", {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{
        if (v.trim() !== version) {{ location.reload(); }} else {{ setTimeout(poll, {ms}); }}
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  setTimeout(poll, {ms});
}})();
</script>
"""


def with_reload_script(body: str, version: str, nonce: str) -> str:
    """The page with the script that reloads it when ``/version`` stops answering ``version``.

    Case text in the report is escaped, so the template's own ``</body>`` is the last one."""
    script = _SCRIPT.format(nonce=nonce, version=json.dumps(version), ms=PAGE_POLL_MS)
    at = body.rfind("</body>")
    if at < 0:
        return body + script
    return body[:at] + script + body[at:]


def content_security_policy(nonce: str) -> str:
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


def snapshot(paths: Sequence[Path]) -> Snapshot:
    """What the watcher compares: a changed stamp means the file was saved (or replaced)."""
    out: Snapshot = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            out[path] = None
            continue
        out[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG
    preview: PreviewServer


class _Handler(BaseHTTPRequestHandler):
    server_version = "pia-preview"
    sys_version = ""
    # HTTP/1.0: one request per connection, so no handler thread outlives stop().
    protocol_version = "HTTP/1.0"

    def setup(self) -> None:
        super().setup()
        # the socket timeout: a client that connects and sends nothing is dropped
        self.connection.settimeout(cast(_HTTPServer, self.server).preview.connection_timeout)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        preview = cast(_HTTPServer, self.server).preview
        host = self.headers.get("Host", "")
        if host not in preview.allowed_hosts:
            self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain", head=head)
            return
        path = preview.local_path(self.path.split("?", 1)[0])
        rendered = preview.current
        if path == "version":
            self._send(HTTPStatus.OK, rendered.version.encode(), "text/plain", head=head)
        elif path == "":
            nonce = secrets.token_urlsafe(16)
            page = with_reload_script(rendered.body, rendered.version, nonce)
            self._send(
                HTTPStatus.OK,
                page.encode("utf-8"),
                "text/html",
                head=head,
                csp=content_security_policy(nonce),
            )
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head=head)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        content_type: str,
        *,
        head: bool,
        csp: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", csp or "default-src 'none'")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class PreviewServer:
    """Serve a live preview of ``case_path``'s report on 127.0.0.1.

    ``start()`` binds the port and returns at once; the first rendering happens on the watcher
    thread (the page shows "Rendering…" until then and reloads itself). ``stop()`` shuts both
    threads down. ``log`` receives the progress lines ("rendering…", "rendered in 0.1 s").
    """

    def __init__(
        self,
        case_path: Path,
        rubrics: Sequence[str] = (),
        *,
        as_of: date | None = None,
        port: int = 0,
        poll_interval: float = 0.2,
        log: Log = _no_log,
        debug: bool = False,
        render: Callable[[Path, Sequence[str], date | None], Rendered] | None = None,
        connection_timeout: float = CONNECTION_TIMEOUT,
        profile: str | None = None,
        paper: str | None = None,
    ) -> None:
        self.case_path = case_path
        self.rubrics = tuple(rubrics)
        self.as_of = as_of
        self.port = port
        self.poll_interval = poll_interval
        self.log = log
        self.debug = debug
        self.profile = profile
        self.paper = paper
        self._render = render or functools.partial(render_report, profile=profile, paper=paper)
        self.connection_timeout = connection_timeout
        #: the secret first segment of every path this server answers
        self.token = secrets.token_urlsafe(18)
        self._current = _starting_page(case_path)
        self._renders = 0
        self._lock = threading.Lock()
        self._rendered = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._address: tuple[str, int] | None = None
        self.allowed_hosts: frozenset[str] = frozenset()
        self._threads: list[threading.Thread] = []

    # -- state -----------------------------------------------------------------------------------

    @property
    def current(self) -> Rendered:
        with self._lock:
            return self._current

    def wait_rendered(self, count: int = 1, timeout: float = 30.0) -> bool:
        """Block until at least ``count`` renderings have finished; False on timeout."""
        with self._rendered:
            return self._rendered.wait_for(lambda: self._renders >= count, timeout)

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port); the port is the one the system chose for port 0."""
        if self._address is None:
            raise RuntimeError("the preview server is not started")
        return self._address

    @property
    def url(self) -> str:
        """The page's address, with the server's secret token in it."""
        host, port = self.address
        return f"http://{host}:{port}/{self.token}/"

    def local_path(self, path: str) -> str | None:
        """The part of ``path`` after ``/TOKEN/``; None if it does not carry this server's
        token (compared in constant time)."""
        prefix, sep, rest = path.removeprefix("/").partition("/")
        if not sep or not secrets.compare_digest(prefix.encode(), self.token.encode()):
            return None
        return rest

    def watched_paths(self) -> list[Path]:
        return [self.case_path, *rubric_paths(self.rubrics)]

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._httpd is not None:
            raise RuntimeError("the preview server is already started")
        httpd = _HTTPServer((HOST, self.port), _Handler)
        httpd.preview = self
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self._address = (str(host), int(port))
        # Host headers a browser sends for this server; anything else is refused (DNS rebinding).
        self.allowed_hosts = frozenset({f"{HOST}:{port}", f"localhost:{port}"})
        self._threads = [
            threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="pia-preview-http",
                daemon=True,
            ),
            threading.Thread(target=self._watch, name="pia-preview-watch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop serving and watching; waits for a rendering in progress to finish."""
        self._stop.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- watching and rendering ------------------------------------------------------------------

    def _watch(self) -> None:
        seen: Snapshot | None = None
        while not self._stop.is_set():
            now = snapshot(self.watched_paths())
            if now != seen:
                changed = [] if seen is None else [p.name for p in now if now[p] != seen.get(p)]
                seen = now  # taken before reading: a save during the rendering renders again
                self.render_now(changed)
            self._stop.wait(self.poll_interval)

    def render_now(self, changed: Sequence[str] = ()) -> Rendered:
        """Render now (on the calling thread), publish the result and log how it went."""
        stamp = time.strftime("%H:%M:%S")
        why = f"{', '.join(changed)} changed: " if changed else ""
        self.log(f"[{stamp}] {why}rendering {self.case_path.name}…")
        started = time.perf_counter()
        try:
            result = self._render(self.case_path, self.rubrics, self.as_of)
        except Exception as exc:
            result = internal_error_page(self.case_path, exc)
            if self.debug:
                self.log(traceback.format_exc().rstrip())
        elapsed = time.perf_counter() - started
        stamp = time.strftime("%H:%M:%S")
        if result.ok:
            self.log(f"[{stamp}] rendered in {elapsed:.2f} s")
        else:
            n = len(result.problems)
            self.log(f"[{stamp}] not rendered ({n} problem{'s' if n != 1 else ''}):")
            for line in result.problems:
                self.log(f"  {line}")
        with self._rendered:
            self._current = result
            self._renders += 1
            self._rendered.notify_all()
        return result
