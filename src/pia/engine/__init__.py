"""The rubric engine: a pure function from (case, rubrics, date) to an Assessment."""

from pia.engine.assess import assess

__all__ = ["assess"]
