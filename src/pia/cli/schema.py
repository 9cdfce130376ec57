"""`pia schema NAME`: print the JSON Schema of a file format."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType

if TYPE_CHECKING:
    from pathlib import Path


@click.command(name="schema")
@click.argument("name", type=click.Choice(["case", "rubric", "assessment"]))
@click.option("--out", type=PathType(), help="Write to this file instead of stdout.")
def schema(name: str, out: Path | None) -> None:
    """Print the JSON Schema of a file format (case, rubric or assessment)."""
    from pia.model.jsonschema import schema_text

    text = schema_text(name)
    if out is None:
        click.echo(text, nl=False)
    else:
        from pia.load.files import write_atomic

        write_atomic(out, text.encode("utf-8"))
        click.echo(f"wrote {out}")
