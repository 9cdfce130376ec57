"""The case format: what is known about one data-processing arrangement, with sources.

A case holds facts, not scores. Each factual entry names its sources (declared once under
``sources``) and a confidence. Facts that change over time carry ``since``/``until`` dates or a
dated status history, so the engine can judge the arrangement as it stood on any date. Anything
that may not be known can be written as ``unknown``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

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
from pia.model.introspect import models_in
from pia.model.waivers import Waiver

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

    label_field: ClassVar[str] = "title"

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


Decision = Literal["approve", "approve_with_conditions", "do_not_approve", "refer"]
#: The decisions a signer can take, in the order the sign-off block offers them.
DECISIONS: tuple[Decision, ...] = ("approve", "approve_with_conditions", "do_not_approve", "refer")
#: How each decision is worded on paper.
DECISION_WORDS: dict[str, str] = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "do_not_approve": "Do not approve",
    "refer": "Refer",
}


class SignOff(Model):
    """Who answers for the assessment and what was decided. Every field is optional: the report
    prints a blank line for a field the case leaves out, to be filled in by hand, and never
    makes one up."""

    pia_id: str | None = Field(
        default=None,
        description="The assessment's identifier in the agency's register, such as "
        "DHS/ICE/PIA-045; printed on page one and in every footer.",
    )
    prepared_by: str | None = Field(default=None, description="Preparer: name, title, office.")
    system_owner: str | None = Field(
        default=None, description="System or program owner: name, title, office."
    )
    privacy_officer: str | None = Field(
        default=None, description="Component privacy officer (or data protection officer)."
    )
    reviewed_by: str | None = Field(
        default=None,
        description="Reviewing official (Chief Privacy Officer or Senior Agency Official for "
        "Privacy).",
    )
    decision_options: tuple[Decision, ...] = Field(
        default=DECISIONS, description="The decisions the signer is asked to choose from."
    )
    decision: Decision | None = Field(default=None, description="The decision taken, if any.")
    conditions: str | None = Field(default=None, description="Conditions attached to an approval.")
    reasons: str | None = Field(default=None, description="The signer's reasons.")
    date: Date | None = Field(default=None, description="Date of the decision.")
    review_by: Date | None = Field(
        default=None, description="Date by which the assessment is to be reviewed again."
    )


class ReportSettings(Model):
    """How the report is laid out. Everything here has a default; ``pia assess --profile`` and
    ``--paper`` override it."""

    profile: Id | None = Field(
        default=None,
        description="The report profile (the agency template the body follows): dhs or edpb. "
        "Default: the profile for the jurisdiction, else dhs.",
    )
    jurisdiction: Literal["us", "eu", "other"] | None = Field(
        default=None,
        description="Whose law the assessment answers to: us picks the dhs profile, eu the edpb "
        "one.",
    )
    paper: Literal["letter", "a4"] | None = Field(
        default=None,
        description="Paper size. Default: the profile's (Letter for dhs, A4 for edpb).",
    )
    scope: str | None = Field(
        default=None,
        description="The arrangement and the assessment's scope in two sentences, for page one. "
        "Default: the first paragraph of the summary.",
    )


ActionStatus = Literal["planned", "in_progress", "done", "abandoned", "unknown"]


class Action(Sourced):
    """A measure someone has undertaken to take, as in the CNIL action plan: what, who, by when,
    how far along, and which risks and criteria it answers."""

    label_field: ClassVar[str] = "what"

    id: Id
    what: Text
    owner: Text | Literal["unknown"] = Field(
        default="unknown", description="Who is to carry it out."
    )
    due: PartialDate | Literal["unknown"] = Field(default="unknown", description="Due date.")
    status: ActionStatus = "unknown"
    risks: tuple[EntryRef, ...] = Field(default=(), description="Ids of the risks it answers.")
    criteria: tuple[Text, ...] = Field(
        default=(),
        description="Criteria it answers, as <rubric>.<criterion> (such as fipps.security).",
    )


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

    ref_kind: ClassVar[str] = "party"
    label_field: ClassVar[str] = "name"

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

    ref_kind: ClassVar[str] = "subject"
    label_field: ClassVar[str] = "name"

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

    ref_kind: ClassVar[str] = "data"
    label_field: ClassVar[str] = "name"

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

    ref_kind: ClassVar[str] = "flow"
    label_field: ClassVar[str] = "title"

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

    ref_kind: ClassVar[str] = "purpose"
    label_field: ClassVar[str] = "statement"

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

    ref_kind: ClassVar[str] = "authority"
    label_field: ClassVar[str] = "title"

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

    ref_kind: ClassVar[str] = "safeguard"
    label_field: ClassVar[str] = "title"

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

    ref_kind: ClassVar[str] = "oversight"
    label_field: ClassVar[str] = "activity"

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
    ref_kind: ClassVar[str] = "retention"
    label_field: ClassVar[str] = "statement"

    id: Id
    applies_to: tuple[EntryRef, ...] = ()
    statement: Text
    period: Text | Literal["unknown"] = Field(description="The retention period, or unknown.")
    disposal: Tri = Field(default="unknown", description="Whether disposal is provided for.")


class Notice(Sourced, Dated):
    ref_kind: ClassVar[str] = "notice"
    label_field: ClassVar[str] = "statement"

    id: Id
    kind: Literal[
        "individual", "public", "sorn", "matching_notice", "privacy_notice", "press", "publication"
    ]
    statement: Text
    provided: Tri


class Redress(Sourced):
    ref_kind: ClassVar[str] = "redress"
    label_field: ClassVar[str] = "mechanism"

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
    ref_kind: ClassVar[str] = "data_quality"
    label_field: ClassVar[str] = "statement"

    id: Id
    statement: Text
    issue: Tri = Field(description="Whether this entry describes a data-quality problem.")
    metric: Figure | None = None


class Ruling(Sourced):
    ref_kind: ClassVar[str] = "ruling"
    label_field: ClassVar[str] = ""  # named by label(): a holding is too long to name it by

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

    def label(self) -> str:
        """``preliminary injunction of 2026-02-05, D. Mass.``"""
        return f"{self.kind.replace('_', ' ')} of {self.date}, {self.court}"


class Litigation(Sourced):
    ref_kind: ClassVar[str] = "litigation"
    label_field: ClassVar[str] = "name"

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

    ref_kind: ClassVar[str] = "dispute"
    label_field: ClassVar[str] = "question"

    id: Id
    question: Text
    about: tuple[EntryRef, ...] = ()
    sides: tuple[Claim, ...] = Field(min_length=2)
    status: Literal["open", "settled", "unknown"]


class TimelineEvent(Sourced):
    label_field: ClassVar[str] = "event"

    date: PartialDate
    event: Text
    refs: tuple[EntryRef, ...] = ()


class Risk(Sourced):
    """A feared event for the people concerned, rated on the CNIL 1-4 scales (analyst judgment)."""

    ref_kind: ClassVar[str] = "risk"
    label_field: ClassVar[str] = "title"

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

    label_field: ClassVar[str] = "level"

    level: Text
    rationale: Text
    sources: tuple[SourceRef, ...] = ()
    by: str | None = None


class OpenQuestion(Model):
    ref_kind: ClassVar[str] = "open_question"
    label_field: ClassVar[str] = "question"

    id: Id
    question: Text
    why: Text
    where_to_look: Text
    about: tuple[EntryRef, ...] = ()
    sources: tuple[SourceRef, ...] = ()


class Case(Model):
    """A privacy-impact-assessment case file."""

    # Each field's title and description are the one statement of what a section is for: the
    # reference docs, `pia new`'s hints and the report's headings all read them.

    id: Id = Field(
        title="Id", description="the case's id; reports are written as <id>.pdf, <id>.json, ..."
    )
    title: Text = Field(
        title="Title", description="the arrangement in one line, as the report's title."
    )
    short_title: str | None = Field(
        default=None,
        max_length=80,
        title="Short title",
        description="a shorter title for running headers (80 characters at most), or null.",
    )
    summary: Text = Field(
        title="Summary",
        description="the arrangement in a paragraph: who shares what with whom, why, and since "
        "when.",
    )
    as_of: Date = Field(
        title="As of",
        description="the date the case describes, and the default date to judge the arrangement "
        "at.",
    )
    knowledge_cutoff: KnowledgeCutoff | None = Field(
        default=None,
        title="Knowledge cut-off",
        description="latest fact the case knows of: {latest_fact: 2025-06, statement: ...}.",
    )
    limitations: tuple[Text, ...] = Field(
        default=(),
        title="Limitations",
        description="what the assessment could not do (records not seen, sources read "
        "second-hand). Printed in the report's abstract.",
    )
    authors: tuple[Author, ...] = Field(
        min_length=1,
        title="Authors",
        description="who wrote the case (name, and optionally role and affiliation).",
    )
    sign_off: SignOff | None = Field(
        default=None,
        title="Sign-off",
        description="who prepared and reviewed the assessment and what was decided (all optional).",
    )
    report: ReportSettings | None = Field(
        default=None,
        title="Report",
        description="how the report is laid out: {profile: dhs, paper: letter}; all optional.",
    )
    sources: tuple[Source, ...] = Field(
        min_length=1,
        title="Sources",
        description="every document the case relies on, declared once here and cited by id "
        "elsewhere.",
    )
    parties: tuple[Party, ...] = Field(
        min_length=1,
        title="Parties and roles",
        description="organisations and offices that take part in, oversee or contest the "
        "arrangement.",
    )
    subjects: tuple[Subject, ...] = Field(
        default=(),
        title="Whose data",
        description="groups of people whose data the arrangement touches: how many, how "
        "vulnerable.",
    )
    data: tuple[DataElement, ...] = Field(
        default=(),
        title="Data elements",
        description="kinds of data that move in the flows, with their category and sensitivity.",
    )
    flows: tuple[Flow, ...] = Field(
        default=(),
        title="Data flows",
        description="data moving between parties: which data, on whom, why, under what authority.",
    )
    purposes: tuple[Purpose, ...] = Field(
        default=(),
        title="Purposes",
        description="why data is used: the collection purpose, the stated one, uses alleged by "
        "others.",
    )
    authorities: tuple[Authority, ...] = Field(
        default=(),
        title="Legal authorities",
        description="laws, agreements and policies the arrangement relies on or is bound by.",
    )
    safeguards: tuple[Safeguard, ...] = Field(
        default=(),
        title="Safeguards",
        description="measures meant to protect the people concerned, with their status over time.",
    )
    oversight: tuple[Oversight, ...] = Field(
        default=(),
        title="Oversight",
        description="audits, inquiries, hearings, reports and letters by bodies that oversee it.",
    )
    retention: tuple[Retention, ...] = Field(
        default=(),
        title="Retention",
        description="how long each recipient keeps the data, and whether disposal is provided for.",
    )
    notice: tuple[Notice, ...] = Field(
        default=(),
        title="Notice",
        description="whether and how the people concerned, or the public, are told.",
    )
    redress: tuple[Redress, ...] = Field(
        default=(),
        title="Redress",
        description="remedies affected people can use, and sanctions for wrongful disclosure.",
    )
    data_quality: tuple[DataQuality, ...] = Field(
        default=(),
        title="Data quality",
        description="how accurate, current and well matched the data is; known errors.",
    )
    litigation: tuple[Litigation, ...] = Field(
        default=(),
        title="Litigation",
        description="lawsuits about the arrangement and their rulings (a ruling can set a status).",
    )
    disputes: tuple[Dispute, ...] = Field(
        default=(),
        title="Disputed facts",
        description="questions the sources answer differently; each side keeps its own sources.",
    )
    timeline: tuple[TimelineEvent, ...] = Field(
        default=(),
        title="Timeline",
        description="dated events, in order, each pointing at the entries it concerns.",
    )
    risks: tuple[Risk, ...] = Field(
        default=(),
        title="Risks",
        description="feared events for the people concerned, rated 1-4 (analyst judgment, CNIL "
        "scales).",
    )
    judgments: dict[str, Judgment] = Field(
        default_factory=dict,
        title="Assessor judgments",
        description="the assessor's rating of a criterion, keyed by its id, beside the derived "
        "one.",
    )
    open_questions: tuple[OpenQuestion, ...] = Field(
        default=(),
        title="Open questions",
        description="what the sources do not answer yet, why it matters and where to look.",
    )
    actions: tuple[Action, ...] = Field(
        default=(),
        title="Action plan",
        description="measures undertaken: what, owner, due date, status, and the risks and "
        "criteria each answers.",
    )
    waivers: tuple[Waiver, ...] = Field(
        default=(),
        title="Waivers",
        description="lint warnings (pia validate --strict) accepted on the record, each with a "
        "reason.",
    )


def _id_sections() -> dict[str, str]:
    """Case sections whose entries declare ids -> the reference kind their ids answer to, in the
    format's order. Read from the models: a section is a tuple of a model with a ``ref_kind``."""
    out: dict[str, str] = {}
    for name, info in Case.model_fields.items():
        for model in models_in(info.annotation):
            kind = getattr(model, "ref_kind", None)
            if isinstance(kind, str):
                out[name] = kind
    return out


#: Sections whose entries declare ids, and the reference kind those ids answer to.
ID_SECTIONS: dict[str, str] = _id_sections()
