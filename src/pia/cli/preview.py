"""`pia preview CASE`: a live HTML preview of the report that re-renders when a file is saved."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType, as_of_option, paper_option, profile_option, rubric_option

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path
    from types import FrameType


def _has_display() -> bool:
    """Whether a browser window can be opened (on Linux without a display, webbrowser would
    start a text-mode browser in this terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_browser(url: str) -> None:
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except Exception:  # a broken browser setup must not stop the preview
        opened = False
    if not opened:
        click.echo("could not open a browser; open the URL above yourself")


@click.command(name="preview")
@click.argument("case_path", metavar="CASE", type=PathType())
@rubric_option()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@as_of_option()
@click.option("--no-open", is_flag=True, help="Do not open a browser; just print the URL.")
@profile_option(
    "Report profile: dhs or edpb, as for pia assess. Default: the case's report.profile, "
    "else its jurisdiction's, else dhs."
)
@paper_option(
    "Paper size of the sheets shown. Default: the case's report.paper, else the profile's."
)
@click.pass_context
def preview(
    ctx: click.Context,
    case_path: Path,
    rubrics: tuple[str, ...],
    port: int,
    as_of: date | None,
    no_open: bool,
    profile: str | None,
    paper: str | None,
) -> None:
    """Serve a live HTML preview of CASE's report on 127.0.0.1.

    The page is the report pia assess writes, under the same profile, shown as sheets of its
    paper with the printed page's margins. It is rendered again whenever the case file or a
    rubric file is saved, and the page in the browser reloads itself. While a file has problems
    the page lists them as FILE:LINE:COL in place of the report. Stop with Ctrl-C.
    """
    import signal
    import threading

    from pia.load.files import read_text
    from pia.load.workspace import resolve_rubric_specs
    from pia.preview.server import PreviewServer

    resolve_rubric_specs(rubrics)  # an unknown rubric id is a usage error, before serving
    if profile is not None:
        from pia.load.profile import profile_ids

        if profile not in profile_ids():
            raise click.BadParameter(
                f"no report profile {profile!r}; choose from {', '.join(profile_ids())}",
                param_hint="--profile",
            )
    read_text(case_path)  # an unreadable case is a usage error; a broken one is shown live
    debug = bool((ctx.obj or {}).get("debug"))
    server = PreviewServer(
        case_path,
        rubrics,
        as_of=as_of,
        port=port,
        log=click.echo,
        debug=debug,
        profile=profile,
        paper=paper,
    )
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"
        ) from None

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Both signals are set explicitly: a process started from a background job inherits
    # SIGINT as ignored, and Python then installs no KeyboardInterrupt for Ctrl-C.
    in_main = threading.current_thread() is threading.main_thread()
    previous = (
        {sig: signal.signal(sig, on_term) for sig in (signal.SIGINT, signal.SIGTERM)}
        if in_main
        else {}
    )
    try:
        click.echo(f"pia preview of {case_path} at {server.url}  (Ctrl-C to stop)")
        if not no_open:
            if _has_display():
                _open_browser(server.url)
            else:
                click.echo("no display found; open the URL above in a browser")
        forever = threading.Event()
        while not forever.wait(0.5):
            pass
    except KeyboardInterrupt:
        click.echo("stopping…")
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped")
