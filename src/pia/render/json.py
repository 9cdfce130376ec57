"""The Assessment as JSON: sorted keys, two-space indent, trailing newline, schema-versioned.

Numbers are always finite: ``NaN`` or ``Infinity`` is not JSON, and a reader would fail on it or
read it differently. Loading refuses the inputs that could produce one (non-finite figures,
weights out of range); if one still reached this point it would be a bug in pia, and writing is
refused rather than producing invalid JSON.
"""

from __future__ import annotations

import json

from pia.model.assessment import Assessment


def render_json(assessment: Assessment) -> str:
    data = assessment.model_dump(mode="json")
    try:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"the result holds a number that is not finite (NaN): {exc}") from None
    return text + "\n"


def parse_json(text: str) -> Assessment:
    """Read an Assessment back (used by ``pia verify`` and the round-trip tests)."""
    return Assessment.model_validate_json(text)
