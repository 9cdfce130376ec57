"""The rubric format: privacy criteria as data.

A rubric encodes one framework (the project's core set, the DHS FIPPs, the OECD principles, GDPR
Art. 35). Each criterion asks one question, says why it matters and where the framework says so,
and carries indicators: CEL expressions over the case that are true, false or unknown. How the
indicators become a level is spelled out in :mod:`pia.engine.score` and printed in every report.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pia.model.common import Id, Model, Text

#: The largest weight a criterion or an indicator may have. Weights are relative, so the bound
#: changes no rubric's meaning; it keeps every sum of weights finite (a weight of 1e308 twice
#: would be infinity, and every score NaN).
MAX_WEIGHT = 1000.0

#: A weight: a finite number above 0 and at most :data:`MAX_WEIGHT`.
Weight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]

#: A share of indicator weight, from 0 to 1.
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class Framework(Model):
    name: Text
    citation: Text
    url: str | None = None
    binding: Text = Field(
        description="Whom the framework binds here, e.g. 'binds US federal agencies' or "
        "'comparative yardstick only: does not bind the IRS or DHS'."
    )


class Level(Model):
    """A step on the criterion scale. ``value`` is the share of the criterion's weight it earns."""

    id: Id
    label: Text
    value: float = Field(ge=0, le=1, allow_inf_nan=False)
    meaning: Text


class Band(Model):
    """An overall rating: a rubric scoring at least ``min`` percent gets this band."""

    id: Id
    label: Text
    min: float = Field(ge=0, le=100, allow_inf_nan=False)
    meaning: Text


class Reference(Model):
    """Where a framework states the principle: ``framework`` names it, ``ref`` the provision."""

    framework: Text
    ref: Text
    note: str | None = None


class Indicator(Model):
    """A testable sign about the case. ``when`` is a CEL expression over ``case``.

    ``effect: supports`` means a true indicator is evidence the criterion is met; ``undermines``
    means a true indicator is evidence it is not. ``caps`` bounds the criterion's level when the
    indicator is true and undermines (a decisive failure)."""

    id: Id
    description: Text
    when: Text
    applies_when: Text | None = Field(
        default=None,
        description="A CEL expression saying whether the indicator applies to the case at all "
        "(an agreement between parties applies only where data is disclosed to another party). "
        "False: the indicator does not apply, and its weight leaves the criterion; unknown: a "
        "false `when` reads as unknown (it may not apply); true or left out: it applies.",
    )
    effect: Literal["supports", "undermines"]
    weight: Weight = 1.0
    caps: Id | None = Field(
        default=None, description="Level id the criterion cannot rise above when this is true."
    )
    if_true: Text | None = Field(
        default=None,
        description="The finding when the indicator is true: one sentence stating what the case "
        "shows, in plain words for the report (the entries and sources that decided it are cited "
        "after it). Never a level descriptor.",
    )
    if_false: Text | None = Field(
        default=None,
        description="The finding when the indicator is false, as for if_true.",
    )


class Criterion(Model):
    id: Id
    title: Text
    question: Text
    why: Text
    references: tuple[Reference, ...] = Field(min_length=1)
    crosswalk: tuple[Text, ...] = Field(
        default=(), description="Criterion ids in other rubrics that test the same principle."
    )
    weight: Weight
    critical: bool = False
    levels: dict[str, Text] = Field(description="Level id -> what that level means here.")
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    judgment: Literal["none", "optional", "required"] = "optional"
    recommendation: Text
    false_positives: str | None = Field(
        default=None, description="When the indicators may mislead, in plain words."
    )
    dhs_pia_section: Literal[
        "authorities",
        "characterization",
        "uses",
        "notice",
        "retention",
        "sharing",
        "redress",
        "auditing",
    ] = Field(description="The DHS PIA template section this criterion informs.")


class Rubric(Model):
    id: Id
    title: Text
    version: Text
    description: Text
    framework: Framework
    scale: tuple[Level, ...] = Field(min_length=2, description="Criterion levels, best first.")
    thresholds: dict[str, Share] = Field(
        description="Level id -> minimum share of indicator weight in good state (0-1) to reach "
        "it; a better level needs at least the share of a worse one."
    )
    bands: tuple[Band, ...] = Field(min_length=2, description="Overall ratings, best first.")
    critical_cap: Id = Field(
        description="The best band a rubric can get while a critical criterion is at the worst "
        "level."
    )
    criteria: tuple[Criterion, ...] = Field(min_length=1)
