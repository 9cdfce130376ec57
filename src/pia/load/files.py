"""Reading and writing the user's files: bounded UTF-8 reads, atomic writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pia.model.diagnostics import UNREADABLE, YAML_SYNTAX, Diagnostic, DiagnosticError


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8 or raise a located diagnostic (never an OSError traceback)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DiagnosticError(
            [Diagnostic(str(path), 1, 1, UNREADABLE.code, f"cannot read file: {reason}")]
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DiagnosticError(
            [Diagnostic(str(path), line, col, YAML_SYNTAX.code, "the file is not UTF-8 text")]
        ) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one, never half.

    If anything fails, the temp file is removed and any earlier file at ``path`` stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
