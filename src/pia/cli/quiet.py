"""Third-party chatter stays off the terminal: pypdf, WeasyPrint and fontTools report problems
through :mod:`logging` and :mod:`warnings`, and with no handler configured Python prints them raw
("EOF marker not found") before pia's own one-line message. pia says what went wrong itself;
``--debug`` shows the libraries' messages too, each prefixed with the logger that sent it.
"""

from __future__ import annotations

import logging
import warnings

import click


class _Silent(logging.NullHandler):
    """Takes third-party records so Python's last-resort handler never prints them."""


class _Shown(logging.Handler):
    """``--debug``: ``pypdf: warning: EOF marker not found`` on stderr (wherever stderr is now)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(
                f"{record.name}: {record.levelname.lower()}: {record.getMessage()}", err=True
            )
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


def route_library_messages(debug: bool) -> None:
    """Send library log records and Python warnings to one root handler: discarded normally,
    shown with ``--debug``. Safe to call again (tests run many commands in one process)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Silent | _Shown)]:
        root.removeHandler(handler)
    root.addHandler(_Shown(logging.WARNING) if debug else _Silent())
    if debug and root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.captureWarnings(True)  # warnings.warn(...) becomes a 'py.warnings' record
    if debug:
        warnings.simplefilter("default")
