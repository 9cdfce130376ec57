"""The Assessment as JSON: sorted keys, two-space indent, trailing newline, schema-versioned."""

from __future__ import annotations

import json

from pia.model.assessment import Assessment


def render_json(assessment: Assessment) -> str:
    data = assessment.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_json(text: str) -> Assessment:
    """Read an Assessment back (used by ``pia verify`` and the round-trip tests)."""
    return Assessment.model_validate_json(text)
