"""Helping people write cases: ``pia new``'s skeleton, lint, validation and the reference docs."""
