"""Report profiles: the agency template a report's body follows, as data.

A profile names its sections in the template's order, what each section is for, which of the
case's facts it gives and which criteria's findings it carries (by the topic a criterion
declares, its ``dhs_pia_section``). One primary rubric carries the body; the other rubrics
appear in a one-page crosswalk and in the appendix. The shipped profiles live in
``pia/data/profiles/``; the report reads nothing about a template from anywhere else.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pia.model.common import Id, Model, Text

Paper = Literal["letter", "a4"]

#: What a section of a profile holds; the report lays out each kind its own way.
SectionKind = Literal[
    "abstract",
    "overview",
    "topic",
    "risks",
    "action_plan",
    "views",
    "crosswalk",
    "gaps",
    "officials",
    "sign_off",
]

#: The topics a criterion can inform (the values of a rubric criterion's ``dhs_pia_section``).
Topic = Literal[
    "authorities",
    "characterization",
    "uses",
    "notice",
    "retention",
    "sharing",
    "redress",
    "auditing",
]


class ProfileSection(Model):
    id: Id
    number: str | None = Field(default=None, description="The template's section number.")
    title: Text
    kind: SectionKind
    guidance: str | None = Field(
        default=None, description="What the section answers, in pia's words (not the template's)."
    )
    facts: tuple[str, ...] = Field(
        default=(), description="Case sections whose facts this section gives, in order."
    )
    topics: tuple[Topic, ...] = Field(
        default=(), description="Criteria whose topic is one of these report their findings here."
    )
    triggers: bool = Field(
        default=False,
        description="Whether the section shows which of the EDPB's criteria for requiring a "
        "DPIA apply (the case's dpia_triggers).",
    )
    risks: bool = Field(
        default=False,
        description="Topic sections: whether the privacy risks resting on its facts are analysed "
        "here (risk and mitigation pairs).",
    )


class Profile(Model):
    id: Id
    title: Text
    description: Text
    template: Text = Field(description="The published template the profile follows.")
    jurisdictions: tuple[Literal["us", "eu", "other"], ...] = ()
    paper: Paper
    primary_rubric: Id
    risk_label: Text = Field(
        default="Privacy risk", description="How a risk is introduced in a topic section."
    )
    sections: tuple[ProfileSection, ...] = Field(min_length=1)
