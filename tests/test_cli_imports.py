"""What each command loads, in a fresh process: speed is mostly imports (``bench/bench_validate.py``
measures it). These tests pin the structure behind the numbers, so a stray top-level import
cannot undo it without a failing test.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LOADED = (
    "import io, sys, contextlib; from pia.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    "    main(sys.argv[1:])\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def loaded_by(program: str, *args: str, env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(result.stdout.split())


def modules_after(*args: str) -> set[str]:
    return loaded_by(LOADED, *args)


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("args", [["--help"], []])
def test_help_loads_click_and_nothing_heavy(args: list[str]) -> None:
    loaded = modules_after(*args)
    assert top_level(loaded) & {"pydantic", "yaml", "rich", "celpy", "jinja2", "logging"} == set()
    assert {"shutil", "pathlib"} & loaded == set()
    assert {m for m in loaded if m.startswith("pia.cli.")} == {"pia.cli.app", "pia.cli.errors"}


def test_a_command_loads_its_own_module_and_no_other_command() -> None:
    loaded = modules_after("validate", "cases/ice-irs.yaml")
    commands = {m for m in loaded if m.startswith("pia.cli.")} - {"pia.cli.app", "pia.cli.errors"}
    assert commands == {"pia.cli.validate", "pia.cli.quiet", "pia.cli.options"}


def test_command_help_loads_nothing_heavy() -> None:
    """A command's help runs the group first, which routes library logging (see cli.quiet)."""
    loaded = modules_after("validate", "--help")
    assert top_level(loaded) & {"pydantic", "yaml", "rich", "celpy", "jinja2"} == set()


def test_validate_of_a_case_loads_no_rubric_compiler_and_no_renderer() -> None:
    loaded = top_level(modules_after("validate", "cases/ice-irs.yaml"))
    assert "pydantic" in loaded
    assert loaded & {"celpy", "lark", "rich", "jinja2", "weasyprint", "markdown_it"} == set()


def test_validate_of_a_case_builds_no_rubric_models(tmp_path: Path) -> None:
    """Checking a case needs of the rubrics only the ids of their criteria (which its actions
    may name): read in full once, then kept by the rubrics' bytes, so that later runs do not
    even define the rubric models."""
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    assert "pia.model.rubric" in loaded_by(LOADED, "validate", "cases/ice-irs.yaml", env=env)
    assert "pia.model.rubric" not in loaded_by(LOADED, "validate", "cases/ice-irs.yaml", env=env)


def test_validate_of_a_clean_case_loads_no_did_you_mean_git_or_json() -> None:
    """difflib only words a problem, subprocess only reads git:REV:path, json only writes
    --format json: none of them is needed to find that a case is clean."""
    loaded = modules_after("validate", "cases/ice-irs.yaml")
    assert loaded & {"difflib", "subprocess", "json"} == set()


def test_strict_validate_loads_the_lint_but_still_no_rubric_compiler() -> None:
    loaded = modules_after("validate", "--strict", "cases/ice-irs.yaml")
    assert "pia.authoring.lint" in loaded
    assert top_level(loaded) & {"celpy", "lark", "rich", "jinja2"} == set()


def test_the_program_turns_pydantic_plugins_off_unless_the_user_set_the_variable() -> None:
    from pia.cli import PYDANTIC_PLUGINS_VARIABLE, no_pydantic_plugins

    unset: dict[str, str] = {}
    no_pydantic_plugins(unset)
    assert unset == {PYDANTIC_PLUGINS_VARIABLE: "__all__"}
    for chosen in ("", "logfire", "__all__"):
        environ = {PYDANTIC_PLUGINS_VARIABLE: chosen}
        no_pydantic_plugins(environ)
        assert environ == {PYDANTIC_PLUGINS_VARIABLE: chosen}


@pytest.mark.parametrize(("given", "seen"), [(None, "__all__"), ("", ""), ("logfire", "logfire")])
def test_pia_validate_runs_with_the_plugin_setting_the_user_chose(
    given: str | None, seen: str
) -> None:
    """pydantic reads PYDANTIC_DISABLE_PLUGINS when it first builds a validator; pia sets it
    before running a command, and only where the user has not."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    code = (
        "import os, sys, io, contextlib; from pia.cli import main; sys.argv = ['pia', 'validate', "
        "'cases/ice-irs.yaml']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main()\n"
        "print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')), code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == [repr(seen), "0"]


PROGRAM = (
    "import io, sys, contextlib; from pia.cli import main; sys.argv = ['pia', *sys.argv[1:]]\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    "    main()\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def program_modules_after(*args: str, plugins: str | None = None) -> set[str]:
    """What the ``pia`` program (``main()`` with no arguments) has loaded once it is done."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    return loaded_by(PROGRAM, *args, env=env)


def test_the_program_reads_no_distribution_metadata_when_plugins_are_off() -> None:
    """pydantic's plugin loader imports importlib.metadata even when told to find no plugin;
    the program puts a loader that finds none in its place."""
    assert "importlib.metadata" not in program_modules_after("validate", "cases/ice-irs.yaml")


def test_with_plugins_on_pydantic_looks_for_them_as_usual() -> None:
    loaded = program_modules_after("validate", "cases/ice-irs.yaml", plugins="")
    assert {"pydantic.plugin._loader", "importlib.metadata"} <= loaded


def test_the_plugin_free_loader_replaces_pydantics_only_when_every_plugin_is_off() -> None:
    from pia.cli import PYDANTIC_PLUGIN_LOADER, no_pydantic_plugins

    modules: dict[str, types.ModuleType] = {}
    no_pydantic_plugins({}, modules)
    assert list(modules[PYDANTIC_PLUGIN_LOADER].get_plugins()) == []
    for chosen in ("", "logfire", "1"):
        untouched: dict[str, types.ModuleType] = {}
        no_pydantic_plugins({"PYDANTIC_DISABLE_PLUGINS": chosen}, untouched)
        assert untouched == {}
    real = types.ModuleType(PYDANTIC_PLUGIN_LOADER)
    loaded = {PYDANTIC_PLUGIN_LOADER: real}
    no_pydantic_plugins({}, loaded)
    assert loaded[PYDANTIC_PLUGIN_LOADER] is real


def test_pydantic_takes_nothing_but_get_plugins_from_its_loader_and_it_finds_none_when_off() -> (
    None
):
    """The plugin-free loader offers ``get_plugins`` only: a pydantic that imports anything else
    from its loader must fail here, before it fails a user."""
    import re

    import pydantic

    package = Path(pydantic.__file__).parent
    taken: set[str] = set()
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for names in re.findall(r"from (?:\.|pydantic\.plugin\.)_loader import ([^\n]+)", text):
            taken |= {name.strip(" ()") for name in names.split(",")}
        assert "_loader." not in text.replace("_loader.py", ""), source
    assert taken == {"get_plugins"}
    code = (
        "import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from pydantic.plugin._loader import get_plugins; print(list(get_plugins()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
