"""Shared fixtures. Test data lives in ``tests/data``: ``valid/`` holds cases that load, and
``invalid/`` holds one malformed case per problem, each headed by the diagnostics it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MINIMAL = Path(__file__).resolve().parent / "data" / "valid" / "minimal.yaml"


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
