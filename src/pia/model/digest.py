"""What a report's body says up front, chosen by the engine (:mod:`pia.engine.digest`): the
governing conclusion, the findings that matter most, the recommendations consolidated across
rubrics and tied to the case's actions, and where each criterion and risk is discussed under the
report profile. Templates print these; they select nothing."""

from __future__ import annotations

from pydantic import Field

from pia.model.assessment import Tone
from pia.model.common import Model


class TopFinding(Model):
    criterion: str
    title: str
    label: str
    tone: Tone
    critical: bool
    governed_by_judgment: bool
    text: str = Field(description="One sentence: what the case shows, in the rubric's words.")
    sources: tuple[str, ...]


class ConsolidatedRecommendation(Model):
    """One gap seen through every rubric that tests it (their crosswalk), as one recommendation."""

    text: str
    priority: str
    criteria: tuple[str, ...] = Field(description="Qualified ids of every criterion it answers.")
    titles: tuple[str, ...] = Field(description="Those criteria as a reader names them.")
    actions: tuple[str, ...] = Field(description="Ids of the case's actions that answer it.")


class SectionPlan(Model):
    """A topic section of the profile: the primary rubric's criteria and the risks it discusses."""

    section: str
    criteria: tuple[str, ...]
    risks: tuple[str, ...]


class Digest(Model):
    profile: str
    primary_rubric: str
    conclusion: str = Field(description="The governing conclusion in one sentence.")
    rating: str = Field(description="The rating under the primary rubric, in words.")
    top_findings: tuple[TopFinding, ...]
    recommendations: tuple[ConsolidatedRecommendation, ...]
    sections: tuple[SectionPlan, ...]
    unplaced_risks: tuple[str, ...] = Field(
        description="Risks whose basis lies in no topic section's facts: discussed with the "
        "action plan."
    )
