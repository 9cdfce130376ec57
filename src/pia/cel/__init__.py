"""Rubric indicators in CEL: values and Kleene logic, functions, compilation, closures, and the
adapter that fits celpy to them."""
