"""The ``pia`` command line. Thin: parse arguments, call the library, print, return an exit code.

Exit codes: 0 clean; 1 findings (failed checks, warnings under ``--strict``); 2 bad input or usage;
3 an internal error (a bug in pia: please report it).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable, MutableMapping, Sequence

import click

from pia.cli.app import cli
from pia.cli.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Failed, print_diagnostics

ISSUES_URL = "the pia issue tracker"
PYDANTIC_PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
#: pydantic's module that finds plugins; it imports importlib.metadata even when told to find none.
PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"


def help_width() -> int:
    """The width click would give help text, worked out as ``shutil.get_terminal_size`` does
    (``COLUMNS``, else the terminal, else 80) without importing shutil, which drags in bz2, lzma
    and zlib: a tenth of the time of ``pia --help``."""
    text = os.environ.get("COLUMNS", "")
    columns = int(text) if text.isdigit() else 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    if columns <= 0:
        columns = 80
    return max(min(columns, 80) - 2, 50)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, never shows a traceback unless asked).

    Called as the program (no ``argv``: the ``pia`` script, ``python -m pia.cli``), the process
    exits right after; its objects are then frozen out of the cyclic collector, whose pass at
    interpreter exit would walk every object pydantic and the case built only to find no cycle
    (a fifth of the time of ``pia validate``). The program also tells pydantic not to look for
    plugins (:func:`no_pydantic_plugins`). Nothing changes for a caller in a longer process.
    """
    if argv is None:
        no_pydantic_plugins(os.environ, sys.modules)
    code = run(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        import gc

        gc.freeze()
    return code


def no_pydantic_plugins(
    environ: MutableMapping[str, str], modules: MutableMapping[str, types.ModuleType] | None = None
) -> None:
    """Set pydantic's documented ``PYDANTIC_DISABLE_PLUGINS`` to ``__all__`` unless the user set
    it (to anything, even empty: ``PYDANTIC_DISABLE_PLUGINS= pia ...`` runs with plugins).

    pia uses no pydantic plugin, and one installed for another program would otherwise be run
    on every validation of pia's files. Without the setting, pydantic also reads the entry
    points of every installed distribution the first time it builds a validator: about 1 % of
    ``pia validate CASE`` (12 million of 1,390 million instructions).

    With the setting at ``__all__`` pydantic's plugin loader finds no plugin without looking,
    but importing it still imports :mod:`importlib.metadata` (and with it email, zipfile, csv,
    socket and more): another 4 % of ``pia validate CASE`` (57 million instructions) for
    nothing. So where ``modules`` (``sys.modules`` for the program) has no loader yet, it gets
    :func:`plugin_free_loader` in its place, which answers what the real one answers then.
    """
    environ.setdefault(PYDANTIC_PLUGINS_VARIABLE, "__all__")
    if (
        modules is not None
        and environ[PYDANTIC_PLUGINS_VARIABLE] == "__all__"
        and PYDANTIC_PLUGIN_LOADER not in modules
    ):
        modules[PYDANTIC_PLUGIN_LOADER] = plugin_free_loader()


def plugin_free_loader() -> types.ModuleType:
    """pydantic's plugin loader as it is with every plugin disabled: ``get_plugins()`` finds
    none. It is the only name pydantic takes from the loader (a test holds the real module to
    that, so a pydantic that uses more fails the suite, not the user)."""
    loader = types.ModuleType(PYDANTIC_PLUGIN_LOADER, "pydantic plugins, all disabled (pia)")

    def get_plugins() -> Iterable[object]:
        return ()

    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    return loader


def run(args: list[str]) -> int:
    """:func:`main`'s work, for the arguments given."""
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="pia", standalone_mode=False, terminal_width=help_width())
    except Failed as exc:
        return exc.code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `pia schema case | head`
        return EXIT_OK
    except Exception as exc:
        from pia.model.diagnostics import DiagnosticError  # not on the path of pia --help

        if isinstance(exc, DiagnosticError):
            print_diagnostics(exc.diagnostics)
            return EXIT_INPUT
        click.echo(
            f"pia: internal error: {type(exc).__name__}: {exc}. This is a bug in pia, not in your "
            f"files; please report it to {ISSUES_URL} with the command you ran"
            + ("." if debug else " and the output of the same command with --debug."),
            err=True,
        )
        if debug:
            import traceback

            traceback.print_exc()
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
