"""Waivers: a lint warning accepted on the record, with the reason, in the case file itself.

A warning from ``pia validate --strict`` points at a weakness. Sometimes the weakness is the
honest state of the record: a flow whose legal authority no source names, a risk that nothing is
known to mitigate. A waiver says so where a reviewer reads it, next to the facts, instead of the
warning being silenced in a CI setting nobody sees. A waiver without a reason, or one that no
longer matches a warning, is itself a warning, so waivers cannot quietly pile up.
"""

from __future__ import annotations

from pydantic import Field

from pia.model.common import Model

#: What a waiver's ``code`` looks like: a diagnostic code such as ``PIA-W104``.
CODE_PATTERN = r"^PIA-[A-Z]\d{3}$"


class Waiver(Model):
    """One lint code accepted for one entry of the case, or for the whole file."""

    code: str = Field(pattern=CODE_PATTERN, description="The lint code accepted, such as PIA-W104.")
    entry: str | None = Field(
        default=None,
        description="What the warning is about, as it names it: an entry id (a flow, a risk), a "
        "source id, a judgment's criterion id or a section name. Omit it to accept the code "
        "everywhere in the file.",
    )
    reason: str | None = Field(
        default=None,
        description="Why the warning is accepted, in a sentence a reviewer can check. Required in "
        "practice: a waiver without a reason of at least 20 characters is warning PIA-W109.",
    )
