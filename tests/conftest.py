"""Shared fixtures. Test data lives in ``tests/data``: ``valid/`` holds cases that load, and
``invalid/`` holds one malformed case per problem, each headed by the diagnostics it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from pia.cli import main

MINIMAL = Path(__file__).resolve().parent / "data" / "valid" / "minimal.yaml"
ICE = Path(__file__).resolve().parents[1] / "cases" / "ice-irs.yaml"


# The ICE–IRS report is rendered once per test session (it is the slow part); each test then
# checks one property of it.
@pytest.fixture(scope="session")
def ice_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["assess", str(ICE), "--out", str(out), "--format", "pdf,json,md,html"]) == 0
    return out


@pytest.fixture(scope="session")
def ice_pdf(ice_report: Path) -> PdfReader:
    return PdfReader(str(ice_report / "ice-irs.pdf"))


@pytest.fixture(scope="session")
def ice_text(ice_pdf: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in ice_pdf.pages).split())


@pytest.fixture
def minimal_text() -> str:
    """The smallest valid case, as text to edit one line of."""
    return MINIMAL.read_text(encoding="utf-8")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/cases/*/expected.json from the current results (review the diff!).",
    )
