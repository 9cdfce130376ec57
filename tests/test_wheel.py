"""A wheel built from the project works on its own: the rubrics ship inside it.

The wheel is built offline (no build isolation) and installed, without dependencies, into a
fresh virtual environment outside the checkout; the dependencies come from the test's own
environment through a path file, so nothing is fetched and the checkout's ``src/`` is never on
the path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from helpers import ROOT

MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
SHIPPED = ("core", "fipps", "oecd", "gdpr-dpia")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with only the built wheel of pia installed."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    # Build from a copy: an in-tree build would leave build/ in the checkout, and stale files
    # there would end up in later wheels.
    project = work / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "src", project / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("--wheel-dir", str(dist), str(project)),
        ],
        check=True,
        capture_output=True,
        cwd=work,
    )
    (wheel,) = dist.glob("pia-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(
        sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)})
    )
    # The test environment's libraries, but not its editable pia (a .pth inside a path added by
    # a .pth is not processed, so the checkout's src/ stays off the path).
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"),
            *("-q", "--no-index", str(wheel)),
        ],
        check=True,
        capture_output=True,
        cwd=work,
    )
    return env_dir / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "pia"), *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    done = subprocess.run(
        [str(installed / "python"), "-c", "import pia; print(pia.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed,
    )
    assert str(ROOT / "src") not in done.stdout
    assert "site-packages" in done.stdout


def test_wheel_lists_the_four_shipped_rubrics(installed: Path, tmp_path: Path) -> None:
    done = run(installed, "rubrics", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert [r for r in listed if r in SHIPPED] == list(SHIPPED)


def test_wheel_assesses_a_case_against_the_shipped_rubrics(installed: Path, tmp_path: Path) -> None:
    done = run(installed, "assess", str(MINIMAL), "--format", "json", "--out", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [r["id"] for r in result["rubrics"]] == list(SHIPPED)
    assert all(r["criteria"] for r in result["rubrics"])
