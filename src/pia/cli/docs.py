"""`pia docs`: write the reference pages generated from the code, or check they are current."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pia.cli.options import PathType

if TYPE_CHECKING:
    from pathlib import Path


def stale_pages(pages: dict[str, str], out: Path) -> list[Path]:
    """The pages under ``out`` whose bytes differ from the generated text (or that are missing).

    Bytes, not text: a page with Windows line endings is stale, since ``--check`` must mean the
    committed file is exactly what ``pia docs`` writes.
    """
    stale = []
    for name, text in pages.items():
        path = out / name
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current != text.encode("utf-8"):
            stale.append(path)
    return stale


@click.command(name="docs")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the stale pages and exit 1 if any (for CI).",
)
@click.option(
    "--out",
    type=PathType(file_okay=False),
    default="docs",
    show_default=True,
    help="Docs folder; the pages go under OUT/reference/.",
)
def docs(check: bool, out: Path) -> None:
    """Generate the reference pages from the code: case format, rubric format, diagnostics, CEL.

    Writes OUT/reference/{case-format,rubric-format,diagnostics,cel}.md atomically, replacing
    only pages that changed. With --check it writes nothing and exits 1 when a page is stale.
    """
    from pia.authoring.docs import reference_pages
    from pia.cli.errors import EXIT_FINDINGS, Failed

    pages = reference_pages()
    stale = stale_pages(pages, out)
    if check:
        for path in stale:
            click.echo(f"{path}: stale; run `pia docs --out {out}` and commit the result", err=True)
        if stale:
            raise Failed(EXIT_FINDINGS)
        click.echo(f"{out / 'reference'}: {len(pages)} pages up to date")
        return
    from pia.load.files import write_atomic

    by_path = {out / name: text for name, text in pages.items()}
    for path in stale:
        write_atomic(path, by_path[path].encode("utf-8"))
        click.echo(f"wrote {path}")
    if not stale:
        click.echo(f"{out / 'reference'}: {len(pages)} pages up to date")
