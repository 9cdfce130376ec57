"""`pia new ID`: start a case file from a skeleton that validates as written."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType

if TYPE_CHECKING:
    from pathlib import Path

    from pia.authoring.new import Answers

MAX_ID = 80


class FileExists(click.ClickException):
    """The target file exists; pia new never overwrites (exit 2: bad input, nothing written)."""

    exit_code = 2


def _check_id(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from pia.model.common import ID_PATTERN  # pydantic: only when `pia new` runs

    if not re.fullmatch(ID_PATTERN, value) or len(value) > MAX_ID:
        raise click.BadParameter(
            f"{value!r} is not a case id: use letters, digits, '.', '_' and '-', starting with a "
            f"letter or digit, at most {MAX_ID} characters"
        )
    return value


def _check_title(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("the title must not be empty")
    return value


def interactive() -> bool:
    """Whether a person can answer questions: prompts never run in tests, pipes or CI."""
    return sys.stdin is not None and sys.stdin.isatty()


def ask(case_id: str, title: str | None) -> tuple[str, Answers]:
    """The title (unless given as a flag) and the answers, asked at the terminal. Pressing Enter
    keeps the default, which leaves a TODO in the file."""
    from pia.authoring.new import Answers, default_title

    if title is None:
        title = click.prompt("Title of the arrangement", default=default_title(case_id))
    blank = Answers()

    def question(text: str, default: str) -> str:
        answer: str = click.prompt(text, default=default, show_default=False)
        return answer

    answers = Answers(
        discloser=question("Who discloses the data (Enter to leave a TODO)", blank.discloser),
        recipient=question("Who receives it", blank.recipient),
        data=question("The main data element shared", blank.data),
        purpose=question("The purpose the arrangement states", blank.purpose),
    )
    return title, answers


def _refuse_existing(path: Path) -> None:
    if os.path.lexists(path):
        raise FileExists(
            f"{path} already exists; pia new never overwrites a file (choose another ID or --dir)"
        )


@click.command(name="new")
@click.argument("case_id", metavar="ID", callback=_check_id)
@click.option(
    "--title", callback=_check_title, help="The arrangement in one line (default: made from ID)."
)
@click.option(
    "--dir",
    "directory",
    type=PathType(file_okay=False),
    default="cases",
    show_default=True,
    help="Folder to write ID.yaml in.",
)
def new(case_id: str, title: str | None, directory: Path) -> None:
    """Start a case file: DIR/ID.yaml with every section of the case format and a hint for each.

    The file validates as written: facts start as unknown and prose as TODO. It never overwrites
    a file. At a terminal it asks for the title, the two main parties, the main data element and
    the purpose; otherwise (pipes, CI) it uses the flags only.
    """
    from datetime import date

    from pia.authoring.new import Answers, skeleton
    from pia.load.files import write_atomic

    path = directory / f"{case_id}.yaml"
    _refuse_existing(path)  # before asking anything
    answers = Answers()
    if interactive():
        title, answers = ask(case_id, title)
    text = skeleton(case_id, title, date.today(), answers)
    _refuse_existing(path)  # the questions took time
    write_atomic(path, text.encode("utf-8"))
    click.echo(f"wrote {path}")
    click.echo(
        f"next: replace each TODO with what the sources say, then: pia validate --strict {path}"
    )
