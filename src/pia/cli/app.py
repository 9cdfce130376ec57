"""The ``pia`` click group: global options; the commands register themselves in :mod:`pia.cli`."""

from __future__ import annotations

import click

from pia import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia")
@click.option("--debug", is_flag=True, help="Show a traceback when pia itself fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """pia: privacy-impact assessments as code.

    Describe an arrangement as a YAML case, score it against rubrics, and render a report.
    """
    from pia.cli.quiet import route_library_messages

    route_library_messages(debug)
    ctx.obj = {"debug": debug}
