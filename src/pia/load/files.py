"""Reading and writing the user's files: bounded UTF-8 reads, atomic writes, private folders.

Reads are bounded before they happen: at most ``MAX_BYTES + 1`` bytes are read, so ``/dev/zero``
or a named pipe cannot grow memory without limit. Writes go to a temp file in the target's
folder, created exclusively (``O_EXCL``, never following a symlink), then renamed over the
target; the new file gets the mode an ordinary write would give it (``0666`` less the umask), or
keeps the mode of the file it replaces. Several files of one run are renamed together, after all
of them are written. A write that fails is a located diagnostic, and every earlier file stays.

Caches live in a per-user folder that pia checks before trusting: a real folder (not a symlink),
owned by the user, writable by nobody else. The CEL grammar cache is a pickle, so a folder
another user could write would be a way to run code as whoever runs pia.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from pia.load.located import MAX_BYTES
from pia.model.diagnostics import (
    CANNOT_WRITE,
    TOO_LARGE,
    UNREADABLE,
    YAML_SYNTAX,
    Diagnostic,
    DiagnosticError,
)

#: Flags for creating a file that must not exist yet and must not be reached through a symlink.
_CREATE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _unreadable(path: str | Path, reason: str) -> DiagnosticError:
    return DiagnosticError(
        [Diagnostic(str(path), 1, 1, UNREADABLE.code, f"cannot read file: {reason}")]
    )


def _too_large(path: str | Path, limit: int) -> DiagnosticError:
    return DiagnosticError(
        [
            Diagnostic(
                str(path),
                1,
                1,
                TOO_LARGE.code,
                f"file is larger than the limit of {limit:,} bytes",
                "split the file, or check that the path names a case or rubric",
            )
        ]
    )


def read_bounded(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of ``path``, or a diagnostic: the size is checked before the
    file is read (``limit + 1`` bytes at most are ever read, whatever the file claims)."""
    try:
        fd = os.open(path, _READ)
    except OSError as exc:
        raise _unreadable(path, exc.strerror or type(exc).__name__) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _unreadable(path, "it is a folder")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_large(path, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise _unreadable(path, exc.strerror or type(exc).__name__) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def decode_utf8(data: bytes, path: str) -> str:
    """``data`` as UTF-8 text, or a diagnostic at the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DiagnosticError(
            [Diagnostic(path, line, col, YAML_SYNTAX.code, "the file is not UTF-8 text")]
        ) from None


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8 or raise a located diagnostic (never an OSError traceback)."""
    return decode_utf8(read_bounded(path), str(path))


# --- writing -----------------------------------------------------------------------------------


def current_umask() -> int:
    """The process umask, read without changing it where the system allows (Linux), so that no
    other thread ever creates a file under a temporary umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _mode_for(path: Path, umask: int) -> int:
    """The mode the new file gets: the replaced file's own, else what ``open()`` would give."""
    try:
        info = os.lstat(path)
    except OSError:
        return 0o666 & ~umask
    if stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode) & 0o777
    return 0o666 & ~umask


def _cannot_write(path: Path, exc: OSError) -> DiagnosticError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = {
        errno.ENOSPC: "free some disk space",
        errno.EROFS: "choose another folder with --out",
        errno.EACCES: "choose a folder you may write with --out",
        errno.ENOTDIR: "--out must name a folder, not a file",
        errno.EEXIST: "--out must name a folder, not a file",
    }.get(exc.errno or 0)
    return DiagnosticError(
        [
            Diagnostic(
                str(path),
                1,
                1,
                CANNOT_WRITE.code,
                f"cannot write the report: {reason}; earlier files are kept",
                hint,
            )
        ]
    )


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    """Write ``data`` to a new, exclusively created temp file beside ``path``."""
    for _ in range(16):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, _CREATE, 0o600)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
        break
    else:  # pragma: no cover
        raise FileExistsError(errno.EEXIST, "no free temp file name", str(path))
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def write_all_atomic(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file, then rename them into place together.

    Each file is first written in full to its own temp file; only when all are written are they
    renamed over their targets. If a write fails, no target changes; if a rename fails (which on
    one file system takes an unusual event), the targets already renamed get their old content
    back. A failure is a :class:`DiagnosticError` naming the file, and no temp file is left.
    """
    umask = current_umask()
    temps: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path | None]] = []
    current = files[0][0] if files else Path(".")
    try:
        for path, data in files:
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            temps.append((_write_temp(path, data, _mode_for(path, umask)), path))
        for tmp, path in temps:
            current = path
            backups.append((path, _backup(path)))
            os.replace(tmp, path)
    except OSError as exc:
        _roll_back(temps, backups)
        raise _cannot_write(current, exc) from None
    except BaseException:
        _roll_back(temps, backups)
        raise
    for _path, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _backup(path: Path) -> Path | None:
    """A hard link to the file about to be replaced, so a failed run can put it back."""
    backup = path.with_name(f".{path.name}.{secrets.token_hex(6)}.old")
    try:
        os.link(path, backup, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError:  # a file system without hard links: no way back, as with a plain write
        return None
    return backup


def _roll_back(
    temps: Sequence[tuple[Path, Path]], backups: Sequence[tuple[Path, Path | None]]
) -> None:
    replaced = {path for path, _ in backups}
    for tmp, _path in temps:
        tmp.unlink(missing_ok=True)
    for path, backup in backups:
        if backup is None:
            continue
        try:
            if path in replaced:
                os.replace(backup, path)
        except OSError:  # pragma: no cover - nothing more can be done
            pass
        # rename() of a hard link onto another link of the same file does nothing: the
        # backup of a file that was never replaced is still there
        backup.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one, never half.

    If anything fails, the temp file is removed and any earlier file at ``path`` stays as it was.
    """
    write_all_atomic([(path, data)])


# --- private folders -----------------------------------------------------------------------------


def is_private_dir(path: Path) -> bool:
    """Whether ``path`` is a real folder (not a symlink) owned by this user that no other user
    may write into, inside a parent no other user may rename it out of."""
    try:
        info = os.lstat(path)
        parent = os.stat(path.parent)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return False
    if info.st_mode & 0o022:
        return False
    others_write_parent = parent.st_mode & 0o002 or (
        parent.st_mode & 0o020 and parent.st_uid != os.geteuid()
    )
    sticky = parent.st_mode & stat.S_ISVTX
    return not (others_write_parent and not sticky)


def private_cache_dir(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/pia/NAME`` (or ``~/.cache/pia/NAME``), created ``0700`` and checked:
    a real folder, owned by this user, writable by no one else. None when there is no such
    folder to be had (no home, a read-only home, or someone else's folder in the way): callers
    then work without a cache or in a fresh private temp folder."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    root = Path(base) / "pia"
    folder = root / name
    for part in (root, folder):
        try:
            part.mkdir(mode=0o700, parents=part is root, exist_ok=True)
        except OSError:
            return None
        if not is_private_dir(part):
            return None
    return folder
