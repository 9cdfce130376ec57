"""Shell completion, as the README tells people to enable it (click's ``_PIA_COMPLETE``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIA = "import sys; from pia.cli import main; sys.exit(main())"


def complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PIA],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_for_each_shell(shell: str) -> None:
    result = complete({"_PIA_COMPLETE": f"{shell}_source"})
    assert (result.returncode, result.stderr) == (0, "")
    assert "_PIA_COMPLETE" in result.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("pia hist", "1", "history"),
        ("pia validate --fo", "2", "--format"),
        ("pia rubrics --cr", "2", "--criteria"),
    ],
)
def test_bash_completes_commands_and_options(words: str, cword: str, expected: str) -> None:
    result = complete({"_PIA_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
    assert result.returncode == 0
    assert f"plain,{expected}" in result.stdout.splitlines()
