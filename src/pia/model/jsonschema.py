"""JSON Schemas of pia's file formats, for editors (autocomplete) and for people (reference)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from pia.model.case import Case
from pia.model.common import UNKNOWN
from pia.model.facts import is_unknown_list

SCHEMA_BASE = "https://pia.invalid/schemas/"


def _models() -> dict[str, type[BaseModel]]:
    from pia.model.assessment import Assessment
    from pia.model.rubric import Rubric

    return {"case": Case, "rubric": Rubric, "assessment": Assessment}


class _Schema(GenerateJsonSchema):
    """Writes an open-world list's default as the word a case file uses for it: ``unknown``."""

    def encode_default(self, dft: Any) -> Any:
        return UNKNOWN if is_unknown_list(dft) else super().encode_default(dft)


def schema_names() -> list[str]:
    return ["assessment", "case", "rubric"]


def json_schema(name: str) -> dict[str, Any]:
    model = _models()[name]
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=_Schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{SCHEMA_BASE}{name}.schema.json"
    return schema


def schema_text(name: str) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline (so the file diffs cleanly)."""
    return json.dumps(json_schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
