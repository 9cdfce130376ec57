"""The ``pia`` click group: global options, and the commands, each imported when it runs.

A command's module is imported only when the command is run (or completed, or asked for its own
help): ``pia validate`` does not load the code of ``pia assess``. ``pia --help`` lists every
command from :data:`COMMANDS`, which keeps each one's summary beside where to find it; a test
holds that table to the commands themselves.
"""

from __future__ import annotations

import importlib
from gettext import gettext

import click

from pia import __version__

#: name -> (module, attribute, the first paragraph of the command's help).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": (
        "pia.cli.new",
        "new",
        "Start a case file: DIR/ID.yaml with every section of the case format and a hint for each.",
    ),
    "validate": (
        "pia.cli.validate",
        "validate",
        "Check case and rubric files: YAML, schema and references.",
    ),
    "assess": (
        "pia.cli.assess",
        "assess",
        "Score a case against the rubrics and write the report.",
    ),
    "explain": (
        "pia.cli.explain",
        "explain",
        "Show why a criterion got its level: indicators with their weights, the thresholds of "
        "the scale and the share reached, the deciding indicators and entries, and their "
        "sources.",
    ),
    "diff": (
        "pia.cli.diff",
        "diff",
        "Compare two versions of a case, or one case on two dates: results that moved, and why.",
    ),
    "history": (
        "pia.cli.diff",
        "history",
        "Every date on which a result of CASE moved, and the dated facts that moved it.",
    ),
    "preview": (
        "pia.cli.preview",
        "preview",
        "Serve a live HTML preview of CASE's report on 127.0.0.1.",
    ),
    "verify": (
        "pia.cli.verify",
        "verify",
        "Re-derive a PDF report's numbers from the files attached to it.",
    ),
    "rubrics": (
        "pia.cli.rubrics",
        "list_rubrics",
        "List the shipped rubrics: version, number of criteria, framework, content hash.",
    ),
    "schema": (
        "pia.cli.schema",
        "schema",
        "Print the JSON Schema of a file format (case, rubric or assessment).",
    ),
    "docs": (
        "pia.cli.docs",
        "docs",
        "Generate the reference pages from the code: case format, rubric format, diagnostics, CEL.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands in :data:`COMMANDS` are imported the first time one is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            module, attribute, _summary = COMMANDS[cmd_name]
            found = getattr(importlib.import_module(module), attribute)
            if not isinstance(found, click.Command):  # pragma: no cover - a wrong table entry
                raise TypeError(f"{module}.{attribute} is not a click command")
            command = found
            self.add_command(command, cmd_name)
        return command

    def listed(self, cmd_name: str) -> click.Command | None:
        """The command as ``pia --help`` lists it: the command if it is loaded, else a stand-in
        with its name and summary (its short help is worked out the same way)."""
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = click.Command(cmd_name, help=COMMANDS[cmd_name][2])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, from :meth:`listed` rather than :meth:`get_command`."""
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            for command in [self.listed(name)]
            if command is not None and not command.hidden
        ]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in commands)
        rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
        with formatter.section(gettext("Commands")):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
