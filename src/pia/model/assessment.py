"""The result of an assessment: pure data, with the trace from every number back to the case.

This is a documented, schema-versioned contract (``pia schema assessment``). Renderers read it and
compute nothing of their own; ``pia verify`` re-derives it from the files embedded in a report.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pia.model.common import Date, Model
from pia.model.facts import OpenList

SCHEMA_VERSION: Literal["1.0"] = "1.0"

TruthValue = Literal["true", "false", "unknown"]
#: Where a level or band stands on its best-first scale, for renderers to colour by.
Tone = Literal["good", "mid", "poor", "bad", "unknown"]


class EvidenceRef(Model):
    """A case entry an indicator read, with the fields it read and the sources behind the entry."""

    entry: str
    section: str
    fields: tuple[str, ...]
    confidence: str
    sources: tuple[str, ...]


class IndicatorResult(Model):
    id: str
    description: str
    when: str
    effect: Literal["supports", "undermines"]
    weight: float
    state: TruthValue | Literal["not_applicable"] = Field(
        description="true, false or unknown; not_applicable when the indicator's applies_when "
        "is false on the case (its weight then leaves the criterion)."
    )
    #: good: counts toward meeting the criterion; bad: against it; unknown: neither; none: the
    #: indicator does not apply
    bearing: Literal["good", "bad", "unknown", "none"]
    applies_when: str | None = None
    caps: str | None = None
    evidence: tuple[EvidenceRef, ...]
    unknown_facts: tuple[str, ...] = ()


class Finding(Model):
    """One sentence of what the case shows about a criterion, from one indicator in the state
    the sentence claims, with the entries and sources that decided it."""

    indicator: str
    state: TruthValue
    bearing: Literal["good", "bad", "unknown"]
    text: str
    entries: tuple[str, ...]
    sources: tuple[str, ...]


class JudgmentResult(Model):
    level: str
    label: str
    rationale: str
    sources: tuple[str, ...]
    by: str | None = None
    agrees: bool


class CrosswalkLink(Model):
    criterion: str
    title: str
    level: str
    label: str


class CriterionResult(Model):
    id: str
    """Qualified id: ``<rubric>.<criterion>``."""
    title: str
    question: str
    why: str
    references: tuple[str, ...]
    weight: float
    critical: bool
    level: str = Field(
        description="The governing level: the assessor's judgment where the case gives one on the "
        "rubric's scale, else the derived level. Scores use it."
    )
    label: str
    tone: Tone
    governed_by: Literal["derived", "judgment"]
    derived_level: str = Field(description="The level the indicators give.")
    derived_label: str
    basis: Literal["established", "not_demonstrated"] = Field(
        description="Of the derived level: established when no unknown fact could raise it; "
        "not_demonstrated when it rests on facts the case does not know."
    )
    level_meaning: str = Field(description="What the governing level means (the rubric's text).")
    findings: tuple[Finding, ...] = Field(
        description="What the case shows, one sentence per indicator: failures first, then what "
        "holds, then what is not established."
    )
    score: float = Field(description="Weighted points earned: level value x weight.")
    share: float = Field(description="Share of indicator weight in good state, 0-1.")
    best_case_level: str = Field(description="The level if every unknown indicator went well.")
    capped_by: tuple[str, ...] = ()
    confidence: Literal["high", "medium", "low"]
    confidence_detail: str
    indicators: tuple[IndicatorResult, ...]
    judgment: JudgmentResult | None = None
    recommendation: str | None
    false_positives: str | None = None
    crosswalk: tuple[CrosswalkLink, ...] = ()
    dhs_pia_section: str


class LevelInfo(Model):
    id: str
    label: str
    value: float
    meaning: str
    tone: Tone


class BandInfo(Model):
    id: str
    label: str
    min: float
    meaning: str
    tone: Tone


class RubricResult(Model):
    id: str
    title: str
    version: str
    sha256: str
    framework: str
    framework_citation: str
    binding: str
    score: float = Field(description="0-100: weighted share of the best possible level.")
    rating: str
    rating_label: str
    rating_tone: Tone
    uncapped_rating: str
    cap_reason: str | None = None
    scale: tuple[LevelInfo, ...]
    bands: tuple[BandInfo, ...]
    criteria: tuple[CriterionResult, ...]
    level_counts: dict[str, int]


class MitigationResult(Model):
    safeguard: str
    title: str
    status: str
    reduction: float
    sources: tuple[str, ...]


class SafeguardEffect(Model):
    """What one mitigation, verified, would do to a risk whose residual level does not move."""

    safeguard: str
    title: str
    status: str = Field(description="Its status on the date.")
    residual_likelihood: int = Field(description="The residual likelihood were it verified.")
    residual_level: str = Field(description="The residual level were it verified.")


class TargetResult(Model):
    likelihood: int | None
    severity: int | None
    level: str | None = Field(description="The target level, when both scales are given.")
    by: str | None


class RiskResult(Model):
    id: str
    title: str
    description: str
    feared_event: str
    rationale: str
    inherent_likelihood: int
    inherent_severity: int
    inherent_level: str
    residual_likelihood: int
    residual_severity: int
    residual_level: str
    mitigations: OpenList[MitigationResult] = Field(
        description="The mitigating safeguards and their effect on the date; `unknown` when the "
        "case does not establish which safeguards mitigate the risk (`[]`: known to be none)."
    )
    basis: OpenList[str] = Field(
        description="The case entries the inherent rating rests on; `unknown` when the case does "
        "not say."
    )
    sources: tuple[str, ...]
    treatment: str | None = None
    owner: str | None = None
    target: TargetResult | None = None
    if_verified: tuple[SafeguardEffect, ...] = Field(
        default=(),
        description="For a risk whose residual level is its inherent level: each mitigation not "
        "yet verified that, verified, would lower the residual likelihood, and how far; empty "
        "when none would (or when the risk already moves).",
    )


class Recommendation(Model):
    criterion: str
    title: str
    priority: Literal["high", "medium", "low"]
    text: str
    because: tuple[str, ...]


class Change(Model):
    """One result that would move: a criterion's level, a rubric's rating or a risk's residual
    level, from ``before`` to ``after`` (ids of levels, bands or risk levels)."""

    id: str
    before: str
    after: str
    before_label: str = Field(default="", description="``before`` as the rubric titles it.")
    after_label: str = Field(default="", description="``after`` as the rubric titles it.")


Direction = Literal["improves", "worsens", "mixed"]


class Movement(Model):
    """What settling one fact one way would change, and whether that is for the better."""

    value: str
    setting: str = Field(
        description="The field and the value it is settled to, in words (``provided: true``): "
        'an entry whose statement is negative ("no notice was found") is still read by its '
        "field, so the direction is that of the field's value."
    )
    direction: Direction = Field(
        description="improves: every change is to a better level, rating or risk; worsens: "
        "every change is to a worse one; mixed: some of each."
    )
    criteria: tuple[Change, ...] = Field(description="Criteria whose level would change.")
    ratings: tuple[Change, ...] = Field(description="Rubric ratings that would change.")
    risks: tuple[Change, ...] = Field(description="Residual risk levels that would change.")


class SensitivityItem(Model):
    fact: str = Field(description="entry.field of the unknown or disputed fact.")
    entry: str
    field: str = Field(description="The field of the entry that is unknown or disputed.")
    section: str
    kind: Literal["unknown", "disputed"]
    statement: str
    sources: tuple[str, ...]
    read_by: tuple[str, ...]
    outcomes: tuple[Movement, ...]
    impact: int = Field(description="Ranking weight: criteria moved + 3 x ratings + 2 x risks.")
    where_to_look: str | None = None


class QualityWarning(Model):
    code: str
    subject: str
    message: str


class EntryState(Model):
    """A dated status resolved on the assessment date: a flow's status, a safeguard's status or an
    authority's standing. Entries that do not exist yet on the date have no state."""

    entry: str
    section: str
    status: str = Field(description="The status in force on the date, or unknown.")
    last_known: str | None = Field(
        default=None,
        description="When the status is unknown: the last status the case does know.",
    )
    last_known_since: str | None = Field(
        default=None, description="When that last known status began, if the case says."
    )
    occurred: bool | None = Field(
        default=None,
        description="Flows only: whether the flow has carried data by the date (None: unknown).",
    )


class CaseInfo(Model):
    id: str
    title: str
    sha256: str
    as_of: Date
    knowledge_cutoff: str | None


class Assessment(Model):
    schema_version: Literal["1.0"] = "1.0"
    pia_version: str
    assessed_as_of: Date
    case: CaseInfo
    rubrics: tuple[RubricResult, ...]
    key_findings: tuple[str, ...] = Field(
        description="Criterion ids that matter most, most serious first (from the first rubric)."
    )
    risks: tuple[RiskResult, ...] = Field(description="Most serious residual risk first.")
    risk_matrix: tuple[tuple[str, ...], ...] = Field(
        description="The risk level of each likelihood (rows, 1-4) and severity (columns, 1-4)."
    )
    states: tuple[EntryState, ...] = Field(
        description="Flows', safeguards' and authorities' statuses on the assessment date."
    )
    recommendations: tuple[Recommendation, ...]
    sensitivity: tuple[SensitivityItem, ...]
    warnings: tuple[QualityWarning, ...]
    scoring_rules: tuple[str, ...]
