"""``pia diff OLD NEW``: what changed between two versions of a case, and which results moved.

OLD and NEW are file paths or ``git:REV:path`` (read with ``git show REV:path`` in the repository
around the current directory; as in git, the path is from the top of the repository unless it
starts with ``./`` or ``../``). Exit codes: 0 no result moved (facts may still have changed),
1 a score, rating, level or residual risk moved, 2 bad input.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pia.commands.options import as_of_option, rubric_option
from pia.diagnostics import Diagnostic, DiagnosticError

if TYPE_CHECKING:
    from pia.model.case import Case

GIT_PREFIX = "git:"
GIT_TIMEOUT_SECONDS = 60


def _unreadable(spec: str, reason: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(spec, 1, 1, "PIA-E009", f"cannot read file: {reason}")])


def read_git_text(spec: str, cwd: Path | None = None) -> str:
    """The text of ``git:REV:path``, or a one-line diagnostic naming what git refused."""
    rev, sep, path = spec.removeprefix(GIT_PREFIX).partition(":")
    if not sep or not rev or not path:
        raise _unreadable(spec, "expected git:REV:path, e.g. git:HEAD:cases/ice-irs.yaml")
    if rev.startswith("-"):
        raise _unreadable(spec, f"{rev!r} is not a git revision")
    try:
        done = subprocess.run(
            ["git", "show", f"{rev}:{path}"],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise _unreadable(spec, "git is not installed") from None
    except subprocess.TimeoutExpired:
        raise _unreadable(spec, f"git show took longer than {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else f"git show exited with {done.returncode}"
        raise _unreadable(spec, f"git show {rev}:{path} failed: {reason}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise _unreadable(spec, "the file is not UTF-8 text") from None


def read_case_spec(spec: str) -> Case:
    """Load the case a command-line argument names: a file, or ``git:REV:path``."""
    from pia.loader import load_case, load_case_text

    if spec.startswith(GIT_PREFIX):
        return load_case_text(read_git_text(spec), spec)
    return load_case(spec)


@click.command(name="diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@rubric_option()
@as_of_option("Judge both versions as of this date (default: each at its own as_of).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="text (terminal), md (for code review) or json.",
)
def diff(old: str, new: str, rubrics: tuple[str, ...], as_of: date | None, fmt: str) -> None:
    """Compare two versions of a case: results that moved, why, and the facts that changed.

    OLD and NEW are case files or git:REV:path (e.g. git:HEAD:cases/ice-irs.yaml). Exits 0 when
    no result moved, 1 when a score, rating, criterion level or residual risk moved, 2 on bad
    input.
    """
    from pia.cli import EXIT_FINDINGS, Failed
    from pia.diff import diff_cases, print_diff, render_json, render_markdown
    from pia.workspace import load_rubrics

    problems: list[Diagnostic] = []
    cases: list[Case] = []
    for spec in (old, new):
        try:
            cases.append(read_case_spec(spec))
        except DiagnosticError as exc:
            problems += exc.diagnostics
    if problems:
        raise DiagnosticError(problems)
    result = diff_cases(cases[0], cases[1], load_rubrics(rubrics), as_of=as_of, labels=(old, new))
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "md":
        click.echo(render_markdown(result), nl=False)
    else:
        print_diff(result)
    if result.moved:
        raise Failed(EXIT_FINDINGS)
