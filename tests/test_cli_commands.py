"""The command table behind ``pia --help``: every command is listed without importing it, and
the table says what the commands themselves say."""

from __future__ import annotations

import importlib
import pkgutil

import click
import pytest
from click.testing import CliRunner

import pia.cli
from pia.cli.app import COMMANDS, cli


def real_commands() -> dict[str, click.Command]:
    """Every click command defined in a module of pia.cli, found by walking the package."""
    found: dict[str, click.Command] = {}
    for info in pkgutil.iter_modules(pia.cli.__path__, "pia.cli."):
        if info.name == "pia.cli.__main__":  # runs the program when imported
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, click.Command)
                and value is not cli
                and getattr(value.callback, "__module__", None) == info.name
            ):
                assert value.name is not None
                found[value.name] = value
    return found


def test_the_table_lists_every_command_and_where_it_is() -> None:
    real = real_commands()
    assert set(COMMANDS) == set(real)
    for name, (module, attribute, _summary) in COMMANDS.items():
        assert getattr(importlib.import_module(module), attribute) is real[name]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_the_commands_help(name: str) -> None:
    command = real_commands()[name]
    summary = COMMANDS[name][2]
    assert command.short_help is None
    assert not command.hidden
    assert not command.deprecated
    assert command.help is not None
    assert summary.split() == command.help.split("\n\n")[0].split()
    for limit in range(20, 130, 7):
        listed = click.Command(name, help=summary).get_short_help_str(limit)
        assert listed == command.get_short_help_str(limit)


@pytest.mark.parametrize("width", [40, 80, 200])
def test_help_lists_what_the_loaded_commands_would(width: int) -> None:
    """The listing from the table is the one click writes once every command is loaded."""
    group = click.Group(
        "pia", params=cli.params, help=cli.help, context_settings=cli.context_settings
    )
    for name, command in real_commands().items():
        group.add_command(command, name)
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=width, prog_name="pia")
    loaded = CliRunner().invoke(group, ["--help"], terminal_width=width, prog_name="pia")
    assert lazy.exit_code == loaded.exit_code == 0
    assert lazy.output == loaded.output


def test_each_command_runs_through_the_group() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"], prog_name="pia")
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"Usage: pia {name} ")
