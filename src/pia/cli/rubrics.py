"""`pia rubrics`: list the shipped rubrics."""

from __future__ import annotations

import click


@click.command(name="rubrics")
def list_rubrics() -> None:
    """List the shipped rubrics with their versions and criteria counts."""
    from pia.cel.rubric import load_rubrics

    for loaded in load_rubrics():
        r = loaded.rubric
        click.echo(
            f"{r.id:<10} {r.version:<7} {len(r.criteria):>2} criteria  {r.title}  "
            f"[{r.framework.name}]  sha256:{loaded.sha256[:12]}"
        )
