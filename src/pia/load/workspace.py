"""Finding the files a command names: the shipped rubric set, rubric ids or paths, case specs.

A case may be named by a path or as ``git:REV:path`` (read with ``git show REV:path`` in the
repository around the current directory; as in git, the path is from the top of the repository
unless it starts with ``./`` or ``../``). The blob's size is asked first (``git cat-file -s``), so
a huge blob is refused before it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pia.load.located import MAX_BYTES
from pia.model.diagnostics import TOO_LARGE, UNREADABLE, Diagnostic, DiagnosticError

#: The order in which the shipped rubrics are listed and applied; others follow by name.
SHIPPED_ORDER = ("core", "fipps", "oecd", "gdpr-dpia")
RUBRIC_SUFFIXES = (".yaml", ".yml")
GIT_PREFIX = "git:"
GIT_TIMEOUT_SECONDS = 60


def rubrics_dir() -> Path:
    """The shipped rubric folder, inside the installed package (the one copy there is). Found
    from the package's own file, as :mod:`importlib.resources` would for a package on disk,
    without importing it (with tempfile and shutil: a tenth of ``pia validate``'s imports)."""
    import pia

    return Path(pia.__file__).parent / "data" / "rubrics"


def shipped_rubric_paths() -> list[Path]:
    """The shipped rubric files, in :data:`SHIPPED_ORDER` and then by name."""
    folder = rubrics_dir()
    found = {p.stem: p for p in folder.glob("*.yaml")}
    ordered = [found.pop(name) for name in SHIPPED_ORDER if name in found]
    return ordered + [found[k] for k in sorted(found)]


def resolve_rubric_specs(selected: Sequence[str] = ()) -> list[Path]:
    """The rubric files for ``--rubric`` values (shipped ids or file paths), or every shipped
    rubric when none is named. Finding no rubric at all is an error: an assessment against no
    criteria would look like a clean result."""
    shipped = {p.stem: p for p in shipped_rubric_paths()}
    if not selected:
        if not shipped:
            raise DiagnosticError(
                [
                    Diagnostic(
                        str(rubrics_dir()),
                        1,
                        1,
                        UNREADABLE.code,
                        f"no rubric found: {rubrics_dir()} holds no .yaml file",
                        "reinstall pia, or name a rubric file with --rubric",
                    )
                ]
            )
        return list(shipped.values())
    out = []
    for name in selected:
        if name in shipped:
            out.append(shipped[name])
        elif name.endswith(RUBRIC_SUFFIXES):
            out.append(Path(name))
        else:
            known = ", ".join(shipped) or "(none)"
            raise DiagnosticError(
                [
                    Diagnostic(
                        name, 1, 1, UNREADABLE.code, f"no rubric {name!r}; shipped rubrics: {known}"
                    )
                ]
            )
    return out


def file_kind(path: Path, data: object) -> str:
    """``rubric`` for a file under a ``rubrics`` folder or one that has a rubric's required
    fields (criteria, scale, bands) and no case's; else ``case``."""
    if "rubrics" in path.parts:
        return "rubric"
    if isinstance(data, dict) and {"criteria", "scale", "bands"} <= data.keys():
        return "case" if {"parties", "sources"} & data.keys() else "rubric"
    return "case"


def _unreadable(spec: str, reason: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(spec, 1, 1, UNREADABLE.code, f"cannot read file: {reason}")])


def read_git_text(spec: str, cwd: Path | None = None) -> str:
    """The text of ``git:REV:path``, or a one-line diagnostic naming what git refused."""
    rev, sep, path = spec.removeprefix(GIT_PREFIX).partition(":")
    if not sep or not rev or not path:
        raise _unreadable(spec, "expected git:REV:path, e.g. git:HEAD:cases/ice-irs.yaml")
    if rev.startswith("-"):
        raise _unreadable(spec, f"{rev!r} is not a git revision")
    size = _git(spec, ["cat-file", "-s", f"{rev}:{path}"], cwd)
    try:
        blob_size = int(size.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise _unreadable(spec, f"git cat-file gave no size for {rev}:{path}") from None
    if blob_size > MAX_BYTES:
        raise DiagnosticError(
            [
                Diagnostic(
                    spec,
                    1,
                    1,
                    TOO_LARGE.code,
                    f"file is {blob_size:,} bytes; the limit is {MAX_BYTES:,}",
                )
            ]
        )
    data = _git(spec, ["show", f"{rev}:{path}"], cwd)
    if len(data) > MAX_BYTES:  # pragma: no cover - git objects do not change size
        raise _unreadable(spec, "the file changed size while it was read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _unreadable(spec, "the file is not UTF-8 text") from None


def _git(spec: str, args: list[str], cwd: Path | None) -> bytes:
    """The output of ``git ARGS``, or a one-line diagnostic naming what git refused."""
    import subprocess  # only for git:REV:path

    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise _unreadable(spec, "git is not installed") from None
    except subprocess.TimeoutExpired:
        raise _unreadable(spec, f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else f"git {args[0]} exited with {done.returncode}"
        raise _unreadable(spec, f"git {' '.join(args)} failed: {reason}")
    return done.stdout
