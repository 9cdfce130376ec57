"""The formats as frozen pydantic models (case, rubric, assessment), the as-of view's schema,
the diagnostics registry and the one introspection helper. Imports nothing else of pia."""
