"""Frozen pydantic models: what a case, a rubric and an assessment are."""
