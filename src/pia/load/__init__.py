"""Bytes -> validated models, or located diagnostics: YAML with positions, schema and reference
checks, rubric consistency, and finding the files a command names."""
