"""pia: privacy-impact assessments as code.

A case (facts with sources) is scored against rubrics (criteria as data) by a pure engine, and the
result is rendered into an archival report. See ``README.md`` for the tour.
"""

__version__ = "0.1.0"
