"""The case format: what is known about one data-processing arrangement, with sources.

A case holds facts, not scores. Each factual entry names its sources (declared once under
``sources``) and a confidence. Facts that change over time carry ``since``/``until`` dates or a
dated status history, so the engine can judge the arrangement as it stood on any date. Anything
that may not be known can be written as ``unknown``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pia.model.common import (
    AuthorityRef,
    DataRef,
    Date,
    Dated,
    EntryRef,
    FlowRef,
    Id,
    Model,
    NumberOrUnknown,
    PartialDate,
    PartyRef,
    PurposeRef,
    RulingRef,
    SafeguardRef,
    Sourced,
    SourceRef,
    SubjectRef,
    Text,
    Tri,
)

SourceKind = Literal[
    "statute",
    "regulation",
    "court",
    "agreement",
    "government",
    "news",
    "analysis",
    "other",
]


class Source(Model):
    """A document the case relies on, declared once and cited by id everywhere."""

    id: Id
    title: Text
    publisher: Text
    date: PartialDate | Literal["unknown"] = Field(description="Publication date, or unknown.")
    url: Text | None = None
    kind: SourceKind
    reliability: Literal["high", "medium", "low"] = Field(
        default="medium", description="The analyst's view of how far the source can be trusted."
    )
    note: str | None = Field(default=None, description="Mirrors, syndication, what it supports.")


class Author(Model):
    name: Text
    role: str | None = None
    affiliation: str | None = None


class SignOff(Model):
    """Who prepared and reviewed the assessment, and what was decided. All optional."""

    prepared_by: str | None = None
    reviewed_by: str | None = None
    decision: str | None = None
    reasons: str | None = None
    date: Date | None = None


class KnowledgeCutoff(Model):
    """The latest fact the case knows of: nothing after it is known to the case."""

    latest_fact: PartialDate
    statement: Text


class Person(Sourced, Dated):
    name: Text
    title: Text


PartyKind = Literal[
    "agency",
    "component",
    "office",
    "official",
    "organisation",
    "court",
    "legislature",
    "inspector_general",
    "contractor",
    "group",
]

PartyRole = Literal[
    "discloser",
    "recipient",
    "requester",
    "signatory",
    "processor",
    "overseer",
    "litigant",
    "adjudicator",
    "advocate",
    "subject_representative",
]


class Party(Sourced):
    """An organisation or office that takes part in, oversees or contests the arrangement."""

    id: Id
    name: Text
    kind: PartyKind
    roles: tuple[PartyRole, ...] = ()
    parent: PartyRef | None = Field(default=None, description="The party this one belongs to.")
    description: str | None = None
    people: tuple[Person, ...] = ()


class Figure(Sourced):
    """A quantity as a source gives it: a value or ``unknown``, optionally a range."""

    value: NumberOrUnknown
    unit: Text
    approximate: bool = False
    low: float | int | None = None
    high: float | int | None = None
    as_of: PartialDate | None = None


class Claim(Sourced):
    """One party's or source's account, used where accounts differ."""

    claimant: Text
    statement: Text
    value: NumberOrUnknown | None = None


class Subject(Sourced):
    """A group of people whose data the arrangement touches."""

    id: Id
    name: Text
    description: str | None = None
    count: tuple[Figure, ...] = Field(default=(), description="Figures the sources give.")
    vulnerability: Literal["low", "medium", "high", "unknown"]
    vulnerability_reasons: tuple[Text, ...] = ()


DataCategory = Literal[
    "identifier",
    "contact",
    "location",
    "financial",
    "tax",
    "immigration",
    "biometric",
    "legal",
    "employment",
    "other",
]


class DataElement(Sourced):
    """A kind of data that moves in a flow."""

    id: Id
    name: Text
    category: DataCategory
    sensitivity: Literal["low", "medium", "high"]
    description: str | None = None


FlowStatus = Literal["proposed", "active", "suspended", "blocked", "ended", "unknown"]


class FlowState(Sourced, Dated):
    """The status of a flow for a period."""

    status: FlowStatus
    by: RulingRef | None = Field(default=None, description="The ruling that set this status.")


class Flow(Sourced, Dated):
    """Data moving from one party to another: which data, on whom, why and under what authority."""

    id: Id
    title: Text
    from_: PartyRef = Field(alias="from")
    to: PartyRef
    data: tuple[DataRef, ...] = Field(min_length=1)
    subjects: tuple[SubjectRef, ...] = ()
    purposes: tuple[PurposeRef, ...] = ()
    authorities: tuple[AuthorityRef, ...] = ()
    trigger: str | None = Field(default=None, description="What starts a transfer.")
    channel: str | None = Field(default=None, description="How the data moves.")
    volume: tuple[Figure, ...] = ()
    bulk: Tri = Field(description="Whole files of people rather than case-by-case requests.")
    automated_matching: Tri = "unknown"
    status: tuple[FlowState, ...] = Field(default=(), description="Dated status history.")


class Purpose(Sourced):
    """Why data is used: the purpose it was collected for, or a purpose it is put to."""

    id: Id
    statement: Text
    kind: Literal["collection", "stated", "alleged"] = Field(
        description="collection: what the data was first gathered for; stated: the purpose the "
        "arrangement declares; alleged: a use claimed by others and not admitted."
    )
    compatible_with_collection: Tri = Field(
        default="unknown", description="Whether this use is compatible with the collection purpose."
    )


StandingStatus = Literal[
    "in_force",
    "contested",
    "upheld",
    "stayed",
    "enjoined",
    "vacated",
    "rescinded",
    "expired",
    "unknown",
]


class Standing(Sourced, Dated):
    """The legal standing of an authority for a period."""

    status: StandingStatus
    by: RulingRef | None = Field(default=None, description="The ruling that set this standing.")


class Authority(Sourced):
    """A legal instrument the arrangement relies on or is bound by."""

    id: Id
    citation: Text
    title: Text
    kind: Literal[
        "statute", "regulation", "executive_order", "agreement", "policy", "guidance", "case_law"
    ]
    summary: str | None = None
    relied_on: Tri = Field(description="Whether the arrangement claims this authority for itself.")
    requirements: tuple[Text, ...] = Field(
        default=(), description="Conditions the authority sets, in plain words."
    )
    standing: tuple[Standing, ...] = Field(default=(), description="Dated standing history.")


SafeguardStatus = Literal[
    "stated", "implemented", "verified", "disputed", "failed", "absent", "unknown"
]


class SafeguardState(Sourced, Dated):
    """A safeguard's status for a period. ``stated`` is on paper only; ``verified`` means someone
    independent checked it; ``failed`` means a check found it not working."""

    status: SafeguardStatus


Control = Literal[
    "use_restriction",
    "need_to_know",
    "request_review",
    "attestation",
    "accounting",
    "audit_logging",
    "access_control",
    "encryption",
    "secure_transfer",
    "training",
    "background_checks",
    "incident_reporting",
    "disposal",
    "retention_limit",
    "onsite_review",
    "security_plan",
    "sanctions",
    "data_minimisation",
    "custody_limit",
    "onward_sharing_limit",
    "independent_audit",
]


class Safeguard(Sourced):
    """A measure meant to protect the people concerned. ``controls`` says, in a fixed vocabulary,
    what kind of protection it is, so rubrics can test for it without reading prose."""

    id: Id
    title: Text
    kind: Literal["legal", "technical", "organisational", "procedural", "oversight"]
    controls: tuple[Control, ...] = ()
    description: str | None = None
    required_by: tuple[AuthorityRef, ...] = ()
    applies_to: tuple[FlowRef, ...] = ()
    status: tuple[SafeguardState, ...] = Field(min_length=1, description="Dated status history.")


class Oversight(Sourced):
    """An oversight body acting on the arrangement: an audit, an inquiry, a report, a letter."""

    id: Id
    body: PartyRef
    kind: Literal[
        "audit", "inspection", "inquiry", "hearing", "letter", "report", "review", "litigation"
    ]
    independent: bool = Field(description="Whether the body is independent of the parties.")
    activity: Text
    date: PartialDate | Literal["unknown"]
    outcome: Literal["requested", "ongoing", "completed", "refused", "unknown"]
    findings: tuple[Text, ...] = ()


class Retention(Sourced):
    id: Id
    applies_to: tuple[EntryRef, ...] = ()
    statement: Text
    period: Text | Literal["unknown"] = Field(description="The retention period, or unknown.")
    disposal: Tri = Field(default="unknown", description="Whether disposal is provided for.")


class Notice(Sourced, Dated):
    id: Id
    kind: Literal[
        "individual", "public", "sorn", "matching_notice", "privacy_notice", "press", "publication"
    ]
    statement: Text
    provided: Tri


class Redress(Sourced):
    id: Id
    kind: Literal[
        "civil_damages",
        "criminal_penalty",
        "administrative",
        "judicial_review",
        "access_correction",
        "complaint",
    ]
    mechanism: Text
    statement: Text
    available: Tri = Field(
        description="Whether it applies here: a remedy affected people can use, or (for a "
        "criminal penalty) a sanction that applies to wrongful disclosure in this arrangement."
    )
    used: Tri = Field(default="unknown", description="Whether anyone is known to have used it.")


class DataQuality(Sourced):
    id: Id
    statement: Text
    issue: Tri = Field(description="Whether this entry describes a data-quality problem.")
    metric: Figure | None = None


class Ruling(Sourced):
    id: Id
    date: PartialDate
    court: Text
    judge: Text | None = None
    kind: Literal[
        "tro",
        "preliminary_injunction",
        "stay",
        "appeal",
        "indicative_ruling",
        "order",
        "opinion",
        "judgment",
    ]
    outcome: Literal[
        "granted", "denied", "granted_in_part", "affirmed", "reversed", "ordered", "pending"
    ]
    holding: Text
    effect: str | None = None


class Litigation(Sourced):
    id: Id
    name: Text
    court: Text
    docket: Text
    judges: tuple[Text, ...] = ()
    filed: PartialDate
    plaintiffs: tuple[Text, ...] = ()
    defendants: tuple[Text, ...] = ()
    counsel: tuple[Text, ...] = ()
    claims: tuple[Text, ...] = ()
    appeals: tuple[Text, ...] = Field(default=(), description="Appellate dockets.")
    status: Text
    rulings: tuple[Ruling, ...] = ()


class Dispute(Sourced):
    """A question the sources answer differently; each side keeps its own sources."""

    id: Id
    question: Text
    about: tuple[EntryRef, ...] = ()
    sides: tuple[Claim, ...] = Field(min_length=2)
    status: Literal["open", "settled", "unknown"]


class TimelineEvent(Sourced):
    date: PartialDate
    event: Text
    refs: tuple[EntryRef, ...] = ()


class Risk(Sourced):
    """A feared event for the people concerned, rated on the CNIL 1-4 scales (analyst judgment)."""

    id: Id
    title: Text
    description: Text
    feared_event: Literal[
        "illegitimate_access", "unwanted_modification", "disappearance", "misuse", "chilling"
    ]
    subjects: tuple[SubjectRef, ...] = ()
    likelihood: int = Field(
        ge=1, le=4, description="1 negligible, 2 limited, 3 significant, 4 maximum"
    )
    severity: int = Field(
        ge=1, le=4, description="1 negligible, 2 limited, 3 significant, 4 maximum"
    )
    rationale: Text
    mitigations: tuple[SafeguardRef, ...] = ()
    basis: tuple[EntryRef, ...] = Field(default=(), description="Case entries the rating rests on.")


class Judgment(Model):
    """An assessor's rating of one criterion, shown beside the level the engine derives."""

    level: Text
    rationale: Text
    sources: tuple[SourceRef, ...] = ()
    by: str | None = None


class OpenQuestion(Model):
    id: Id
    question: Text
    why: Text
    where_to_look: Text
    about: tuple[EntryRef, ...] = ()
    sources: tuple[SourceRef, ...] = ()


class Case(Model):
    """A privacy-impact-assessment case file."""

    id: Id
    title: Text
    short_title: str | None = Field(
        default=None, max_length=80, description="Used in running headers; defaults to the title."
    )
    summary: Text
    as_of: Date = Field(description="The date the case describes; the default date to judge at.")
    knowledge_cutoff: KnowledgeCutoff | None = None
    limitations: tuple[Text, ...] = Field(
        default=(),
        description="What the assessment could not do: sources read only second-hand, records "
        "not seen. Printed in the report's executive summary.",
    )
    authors: tuple[Author, ...] = Field(min_length=1)
    sign_off: SignOff | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    parties: tuple[Party, ...] = Field(min_length=1)
    subjects: tuple[Subject, ...] = ()
    data: tuple[DataElement, ...] = ()
    flows: tuple[Flow, ...] = ()
    purposes: tuple[Purpose, ...] = ()
    authorities: tuple[Authority, ...] = ()
    safeguards: tuple[Safeguard, ...] = ()
    oversight: tuple[Oversight, ...] = ()
    retention: tuple[Retention, ...] = ()
    notice: tuple[Notice, ...] = ()
    redress: tuple[Redress, ...] = ()
    data_quality: tuple[DataQuality, ...] = ()
    litigation: tuple[Litigation, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    risks: tuple[Risk, ...] = ()
    judgments: dict[str, Judgment] = Field(
        default_factory=dict, description="Assessor ratings keyed by criterion id."
    )
    open_questions: tuple[OpenQuestion, ...] = ()


#: Sections whose entries declare ids, and the reference kind those ids answer to.
ID_SECTIONS: dict[str, str] = {
    "parties": "party",
    "subjects": "subject",
    "data": "data",
    "flows": "flow",
    "purposes": "purpose",
    "authorities": "authority",
    "safeguards": "safeguard",
    "oversight": "oversight",
    "retention": "retention",
    "notice": "notice",
    "redress": "redress",
    "data_quality": "data_quality",
    "litigation": "litigation",
    "disputes": "dispute",
    "risks": "risk",
    "open_questions": "open_question",
}
