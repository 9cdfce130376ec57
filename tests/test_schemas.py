"""The JSON Schemas in schemas/ are generated from the models and must not drift."""

from __future__ import annotations

import pytest

from helpers import ROOT
from pia.model.jsonschema import schema_names, schema_text


@pytest.mark.parametrize("name", schema_names())
def test_committed_schema_matches_the_model(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), f"run `make schemas` to regenerate {name}"


def test_case_files_point_editors_at_the_schema() -> None:
    for case in sorted((ROOT / "cases").glob("*.yaml")):
        first = case.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/case.schema.json", case.name
