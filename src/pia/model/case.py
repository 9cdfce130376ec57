"""The case format: what is known about one data-processing arrangement, with sources.

A case holds facts, not scores. Each factual entry names its sources (declared once under
``sources``) and a confidence. Facts that change over time carry ``since``/``until`` dates or a
dated status history, so the engine can judge the arrangement as it stood on any date. Anything
that may not be known can be written as ``unknown``.
"""

# No ``from __future__ import annotations`` here: annotations are evaluated as each class is
# defined, where pydantic would otherwise compile and evaluate every field's annotation string
# again (a sixth of the time it takes to import this module).
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

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
from pia.model.common import Ref as _Ref
from pia.model.facts import UNKNOWN_LIST, OpenList
from pia.model.introspect import models_in
from pia.model.profile import Paper
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
    reliability: Literal["high", "medium", "low", "unknown"] = Field(
        default="unknown",
        description="The analyst's view of how far the source can be trusted; unknown (the "
        "default) until someone has judged it: no default states a judgment.",
    )
    mirror_of: SourceRef | None = Field(
        default=None,
        description="The source in this case whose text this one copies (a mirror, a repost, a "
        "syndicated or archived copy): an entry that cites the copy should cite the original "
        "too (pia validate --strict warns, PIA-W122).",
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
    paper: Paper | None = Field(
        default=None,
        description="Paper size. Default: the profile's (Letter for dhs, A4 for edpb).",
    )
    scope: str | None = Field(
        default=None,
        description="The arrangement and the assessment's scope in two sentences, for page one. "
        "Default: the first paragraph of the summary.",
    )


class DpiaTrigger(Sourced):
    """Whether one criterion of the EDPB's guidelines on when a DPIA is required applies to the
    arrangement, why, and on which sources. ``basis`` here is the reason, whatever the
    confidence."""

    applies: Tri = Field(description="true, false or unknown.")
    basis: Text = Field(
        description="Why it applies or does not, in the assessor's words, from the sources."
    )


#: The criteria of the Article 29 Working Party's guidelines on DPIAs (WP248 rev.01, endorsed
#: by the EDPB) that make processing likely to result in a high risk, in the guidelines' order,
#: as each is named in a case and as a report names it (a paraphrase, not a quotation). In most
#: cases the guidelines expect a DPIA where two or more apply.
DPIA_TRIGGERS: dict[str, str] = {
    "evaluation_or_scoring": "Evaluation or scoring, including profiling and predicting",
    "automated_decision": "Automated decision-making with legal or similarly significant effect",
    "systematic_monitoring": "Systematic monitoring",
    "sensitive_data": "Sensitive data or data of a highly personal nature",
    "large_scale": "Data processed on a large scale",
    "matching_or_combining": "Matching or combining datasets",
    "vulnerable_subjects": "Data concerning vulnerable data subjects",
    "innovative_technology": "Innovative use or application of new technological or "
    "organisational solutions",
    "prevents_exercising_a_right": "Processing that prevents the people concerned from "
    "exercising a right or using a service or a contract",
}


class DpiaTriggers(Model):
    """The EDPB criteria (WP248 rev.01) for when a DPIA is required, one key each. Open world:
    a criterion left out is not established (unknown), not "does not apply"."""

    evaluation_or_scoring: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["evaluation_or_scoring"] + "."
    )
    automated_decision: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["automated_decision"] + "."
    )
    systematic_monitoring: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["systematic_monitoring"] + "."
    )
    sensitive_data: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["sensitive_data"] + "."
    )
    large_scale: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["large_scale"] + "."
    )
    matching_or_combining: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["matching_or_combining"] + "."
    )
    vulnerable_subjects: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["vulnerable_subjects"] + "."
    )
    innovative_technology: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["innovative_technology"] + "."
    )
    prevents_exercising_a_right: DpiaTrigger | None = Field(
        default=None, description=DPIA_TRIGGERS["prevents_exercising_a_right"] + "."
    )


RiskRef = Annotated[str, _Ref("risk")]

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
    risks: tuple[RiskRef, ...] = Field(default=(), description="Ids of the risks it answers.")
    criteria: tuple[Text, ...] = Field(
        default=(),
        description="Criteria it answers, as <rubric>.<criterion> (such as fipps.security); "
        "each must name a criterion of a rubric the case is assessed against.",
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
    "unknown",
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
    roles: OpenList[PartyRole] = Field(
        default=UNKNOWN_LIST, description="What the party does in the arrangement."
    )
    parent: PartyRef | None = Field(default=None, description="The party this one belongs to.")
    description: str | None = None
    people: tuple[Person, ...] = ()


class Figure(Sourced):
    """A quantity as a source gives it: a value (or ``unknown``), a range (``low`` to ``high``),
    or a one-sided bound ("more than 40,000" is ``at_least: 40000``; "up to 7 million" is
    ``at_most: 7000000``). A bound or range may stand without a value."""

    value: NumberOrUnknown = Field(
        default="unknown", description="The figure, or unknown (where only bounds are given)."
    )
    unit: Text
    approximate: bool = False
    low: float | int | None = Field(default=None, description="The low end of a range.")
    high: float | int | None = Field(default=None, description="The high end of a range.")
    at_least: float | int | None = Field(
        default=None, description='A lower bound the source gives ("more than", "over").'
    )
    at_most: float | int | None = Field(
        default=None, description='An upper bound the source gives ("up to", "fewer than").'
    )
    as_of: PartialDate | None = None

    @model_validator(mode="after")
    def _bounds_agree(self) -> Self:
        below = [b for b in (self.low, self.at_least) if b is not None]
        above = [b for b in (self.high, self.at_most) if b is not None]
        if self.low is not None and self.at_least is not None:
            raise PydanticCustomError(
                "figure_bounds", "give low (a range) or at_least (a bound), not both", {}
            )
        if self.high is not None and self.at_most is not None:
            raise PydanticCustomError(
                "figure_bounds", "give high (a range) or at_most (a bound), not both", {}
            )
        if below and above and max(below) > min(above):
            raise PydanticCustomError(
                "figure_bounds", "the lower bound is above the upper bound", {}
            )
        if isinstance(self.value, int | float) and (
            any(self.value < b for b in below) or any(self.value > b for b in above)
        ):
            raise PydanticCustomError(
                "figure_bounds", "the value {value} lies outside its bounds", {"value": self.value}
            )
        return self


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
    "unknown",
]


SystemRef = Annotated[str, _Ref("system")]


class DataElement(Sourced):
    """A kind of data that moves in a flow."""

    ref_kind: ClassVar[str] = "data"
    label_field: ClassVar[str] = "name"

    id: Id
    name: Text
    category: DataCategory
    sensitivity: Literal["low", "medium", "high", "unknown"] = Field(
        description="How much harm its misuse can do; required (a judgment the case makes, or "
        "unknown)."
    )
    description: str | None = None
    systems: OpenList[SystemRef] = Field(
        default=UNKNOWN_LIST, description="The systems that hold this data."
    )


SystemStatus = Literal[
    "planned", "in_development", "operational", "suspended", "retired", "unknown"
]


class SystemState(Sourced, Dated):
    """A system's operational status for a period."""

    status: SystemStatus


class System(Sourced):
    """A system that holds or processes the data: who owns, runs and hosts it, and how its
    operational status changed. Flows, data, safeguards and risks can name it."""

    ref_kind: ClassVar[str] = "system"
    label_field: ClassVar[str] = "name"

    id: Id
    name: Text
    description: str | None = None
    owners: OpenList[PartyRef] = Field(
        default=UNKNOWN_LIST, description="The parties that own the system and answer for it."
    )
    operators: OpenList[PartyRef] = Field(
        default=UNKNOWN_LIST, description="The parties that run it day to day."
    )
    hosting: Literal["on_premises", "government_cloud", "commercial_cloud", "other", "unknown"] = (
        Field(default="unknown", description="Where it runs.")
    )
    hosted_by: OpenList[PartyRef] = Field(
        default=UNKNOWN_LIST,
        description="The parties whose infrastructure it runs on (a cloud provider, a data "
        "centre).",
    )
    predecessors: OpenList[SystemRef] = Field(
        default=UNKNOWN_LIST, description="Systems it replaced."
    )
    successors: OpenList[SystemRef] = Field(
        default=UNKNOWN_LIST, description="Systems that replace it."
    )
    status: tuple[SystemState, ...] = Field(
        default=(), description="Dated operational status history."
    )


FlowStatus = Literal["proposed", "active", "suspended", "blocked", "ended", "unknown"]


class FlowState(Sourced, Dated):
    """The status of a flow for a period."""

    status: FlowStatus
    by: RulingRef | None = Field(default=None, description="The ruling that set this status.")


FlowKind = Literal[
    "collection", "hosting", "processing", "internal_use", "disclosure", "matching", "unknown"
]

#: Flow kinds that put data in another party's hands for its own use: what rubrics count as
#: disclosures. Hosting (storage for the owner), processing on the owner's behalf and internal
#: use are not among them.
DISCLOSING_KINDS: tuple[str, ...] = ("disclosure", "matching")


class Flow(Sourced, Dated):
    """Data moving from one party to another: which data, on whom, why and under what authority.

    ``kind`` says what the movement is: ``collection`` (from the people concerned or a source
    into the arrangement), ``hosting`` (storage or hosting for the owner, by a host that may not
    use the data), ``processing`` (work done for the owner by a processor, such as a contractor,
    that may use the data only on the owner's behalf), ``internal_use`` (within one party),
    ``disclosure`` (sharing with another party
    for its own use) or ``matching`` (records sent to be compared against another party's). Only
    disclosure and matching count as disclosures in the rubrics."""

    ref_kind: ClassVar[str] = "flow"
    label_field: ClassVar[str] = "title"

    id: Id
    title: Text
    from_: PartyRef = Field(alias="from")
    to: PartyRef
    kind: FlowKind = Field(
        default="unknown",
        description="collection, hosting (storage or hosting), processing (for the owner, by a "
        "processor), internal_use, disclosure "
        "(disclosure or sharing), matching, or unknown.",
    )
    direction: Literal["one_way", "two_way", "unknown"] = Field(
        default="unknown",
        description="one_way: data moves from `from` to `to` only; two_way: each side sends "
        "data to the other.",
    )
    via: OpenList[EntryRef] = Field(
        default=UNKNOWN_LIST,
        description="Parties or systems the data passes through, in order (from -> via... -> "
        "to); `[]` for a direct flow.",
    )
    systems: OpenList[SystemRef] = Field(
        default=UNKNOWN_LIST, description="Systems the data leaves, enters or passes through."
    )
    data: OpenList[DataRef] = Field(default=UNKNOWN_LIST, min_length=1)
    subjects: OpenList[SubjectRef] = Field(default=UNKNOWN_LIST)
    purposes: OpenList[PurposeRef] = Field(default=UNKNOWN_LIST)
    authorities: OpenList[AuthorityRef] = Field(default=UNKNOWN_LIST)
    trigger: str | None = Field(default=None, description="What starts a transfer.")
    channel: str | None = Field(default=None, description="How the data moves.")
    volume: tuple[Figure, ...] = ()
    bulk: Tri = Field(description="Whole files of people rather than case-by-case requests.")
    automated_matching: Tri = "unknown"
    status: tuple[FlowState, ...] = Field(
        default=(),
        description="Dated status history. A flow with neither a status nor a `since` is not "
        "shown to have carried data: rubrics read its `occurred` as unknown.",
    )


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
        default="unknown",
        description="Whether this use is compatible with the collection purpose. Tested only for "
        "purposes other than the collection purpose(s): a purpose of kind `collection` is the "
        "purpose the data was collected for, compatible with itself by definition, so rubrics "
        "read it as `true` (it may be left out; `false` is an error).",
    )

    @model_validator(mode="after")
    def _collection_fits_itself(self) -> Self:
        if self.kind == "collection" and self.compatible_with_collection is False:
            raise PydanticCustomError(
                "collection_purpose",
                "a purpose of kind collection is the purpose of collection: it cannot be "
                "incompatible with it (leave compatible_with_collection out)",
                {},
            )
        return self


StandingStatus = Literal[
    "pending",
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
    """The legal standing of an authority for a period. ``pending`` is an instrument proposed or
    awaiting adoption (a bill, a draft rule, an agreement not yet signed): not yet in force."""

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
        "statute",
        "regulation",
        "executive_order",
        "agreement",
        "policy",
        "guidance",
        "case_law",
        "unknown",
    ]
    summary: str | None = None
    signatories: OpenList[PartyRef] = Field(
        default=UNKNOWN_LIST, description="For an agreement: the parties that signed it."
    )
    relied_on: Tri = Field(description="Whether the arrangement claims this authority for itself.")
    requirements: OpenList[Text] = Field(
        default=UNKNOWN_LIST, description="Conditions the authority sets, in plain words."
    )
    standing: tuple[Standing, ...] = Field(default=(), description="Dated standing history.")


SafeguardStatus = Literal[
    "stated", "implemented", "verified", "disputed", "failed", "absent", "unknown"
]


class Progress(Model):
    """How far a safeguard goes, as a source counts it: ``{met: 5, of: 12, what: requirements}``
    reads "5 of 12 requirements met"."""

    met: int = Field(ge=0, description="How many of the items are met.")
    of: int = Field(ge=1, description="How many items there are.")
    what: Text = Field(default="requirements", description="What is counted, in the plural.")

    @model_validator(mode="after")
    def _met_within(self) -> Self:
        if self.met > self.of:
            raise PydanticCustomError(
                "progress", "met ({met}) cannot exceed of ({of})", {"met": self.met, "of": self.of}
            )
        return self

    def words(self) -> str:
        """``5 of 12 requirements met``."""
        return f"{self.met} of {self.of} {self.what} met"


class SafeguardState(Sourced, Dated):
    """A safeguard's status for a period. ``stated`` is on paper only; ``verified`` means someone
    independent checked it; ``failed`` means a check found it not working. ``progress`` says how
    far a partial status goes, where a source counts it (5 of 12 requirements met)."""

    status: SafeguardStatus
    progress: Progress | None = Field(
        default=None, description="A partial status with counts: {met: 5, of: 12}."
    )


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
    "match_verification",
]


class Safeguard(Sourced):
    """A measure meant to protect the people concerned. ``controls`` says, in a fixed vocabulary,
    what kind of protection it is, so rubrics can test for it without reading prose."""

    ref_kind: ClassVar[str] = "safeguard"
    label_field: ClassVar[str] = "title"

    id: Id
    title: Text
    kind: Literal["legal", "technical", "organisational", "procedural", "oversight", "unknown"]
    controls: OpenList[Control] = Field(default=UNKNOWN_LIST)
    description: str | None = None
    required_by: OpenList[AuthorityRef] = Field(default=UNKNOWN_LIST)
    applies_to: OpenList[FlowRef] = Field(default=UNKNOWN_LIST)
    systems: OpenList[SystemRef] = Field(
        default=UNKNOWN_LIST, description="Systems the safeguard protects."
    )
    status: tuple[SafeguardState, ...] = Field(min_length=1, description="Dated status history.")


RecommendationStatus = Literal["open", "closed", "unknown"]


class RecommendationState(Sourced, Dated):
    """Whether a recommendation is open (not yet answered) or closed, for a period."""

    status: RecommendationStatus


class Recommendation(Sourced):
    """What an oversight body recommended, to whom, and whether it is still open."""

    label_field: ClassVar[str] = "statement"

    statement: Text
    addressee: PartyRef | Literal["unknown"] = Field(
        description="The party the recommendation is addressed to, or unknown."
    )
    status: tuple[RecommendationState, ...] = Field(
        default=(), description="Dated status history: open, closed or unknown."
    )


class OversightFinding(Sourced):
    """What an oversight body found, with the sources that report it (the long form of an item
    of ``findings``; a plain sentence is the short form)."""

    label_field: ClassVar[str] = "statement"

    statement: Text


class Oversight(Sourced):
    """An oversight body acting on the arrangement: an audit, an inquiry, a report, a letter."""

    ref_kind: ClassVar[str] = "oversight"
    label_field: ClassVar[str] = "activity"

    id: Id
    body: PartyRef
    kind: Literal[
        "audit",
        "inspection",
        "inquiry",
        "hearing",
        "letter",
        "report",
        "review",
        "litigation",
        "unknown",
    ] = Field(
        description="What the activity is. Whether it produced a report is said apart, in "
        "`report`: an audit that published a report is an audit with report: published."
    )
    independent: bool = Field(description="Whether the body is independent of the parties.")
    activity: Text
    date: PartialDate | Literal["unknown"]
    outcome: Literal["requested", "ongoing", "completed", "refused", "unknown"]
    report: Literal["published", "issued", "none", "unknown"] = Field(
        default="unknown",
        description="Whether the activity produced a written report: published (public), issued "
        "(to the parties or a legislature, not public), none, or unknown. An entry of kind "
        "report is a report whatever this says.",
    )
    findings: tuple[Text | OversightFinding, ...] = Field(
        default=(),
        description="What the body found: sentences, or {statement, sources, confidence} where "
        "a finding has sources of its own.",
    )
    recommendations: tuple[Recommendation, ...] = Field(
        default=(),
        description="What the body recommended, each with its sources, addressee and dated "
        "status (open or closed).",
    )


class Retention(Sourced):
    ref_kind: ClassVar[str] = "retention"
    label_field: ClassVar[str] = "statement"

    id: Id
    applies_to: OpenList[EntryRef] = Field(default=UNKNOWN_LIST)
    statement: Text
    period: Text | Literal["unknown"] = Field(description="The retention period, or unknown.")
    disposal: Tri = Field(default="unknown", description="Whether disposal is provided for.")


class Notice(Sourced, Dated):
    """A notice to the people concerned or the public, in force from ``since`` (which may be
    ``unknown``: the notice exists, its date is not established) until ``until``."""

    ref_kind: ClassVar[str] = "notice"
    label_field: ClassVar[str] = "statement"

    id: Id
    kind: Literal[
        "individual",
        "public",
        "sorn",
        "matching_notice",
        "privacy_notice",
        "press",
        "publication",
        "unknown",
    ]
    statement: Text
    provided: Tri
    covers: OpenList[FlowRef] = Field(
        default=UNKNOWN_LIST, description="The flows the notice describes."
    )
    since: PartialDate | Literal["unknown"] | None = Field(
        default=None,
        description="First date the notice is in force; unknown where the sources do not date "
        "it (its being in force on a date is then unknown, unless `until` has passed).",
    )


class Redress(Sourced, Dated):
    """A remedy or sanction. Dated like other facts: it exists for the assessment only from
    ``since`` (a remedy created later does not help before it) until ``until`` (a remedy
    withdrawn is gone); ``since`` may be ``unknown``."""

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
        "unknown",
    ]
    mechanism: Text
    statement: Text
    available: Tri = Field(
        description="Whether it applies here: a remedy affected people can use, or (for a "
        "criminal penalty) a sanction that applies to wrongful disclosure in this arrangement."
    )
    used: Tri = Field(default="unknown", description="Whether anyone is known to have used it.")
    since: PartialDate | Literal["unknown"] | None = Field(
        default=None,
        description="First date the remedy or sanction applies; unknown where the sources do not "
        "date it; left out when it applies throughout.",
    )


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
    docket: Text | Literal["unknown"] = Field(description="The docket number, or unknown.")
    judges: tuple[Text, ...] = ()
    filed: PartialDate | Literal["unknown"] = Field(description="The filing date, or unknown.")
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
    about: OpenList[EntryRef] = Field(
        default=UNKNOWN_LIST, description="The case entries the question bears on."
    )
    sides: tuple[Claim, ...] = Field(min_length=2)
    status: Literal["open", "settled", "unknown"]


class TimelineEvent(Sourced):
    label_field: ClassVar[str] = "event"

    date: PartialDate
    event: Text
    refs: OpenList[EntryRef] = Field(
        default=UNKNOWN_LIST, description="The case entries the event concerns."
    )


RiskTreatment = Literal["reduce", "avoid", "transfer", "accept", "unknown"]

_RATING = "1 negligible, 2 limited, 3 significant, 4 maximum"


class RiskTarget(Model):
    """The rating a risk's owner aims to bring it to, and by when, where the case gives them."""

    likelihood: int | None = Field(default=None, ge=1, le=4, description=_RATING)
    severity: int | None = Field(default=None, ge=1, le=4, description=_RATING)
    by: PartialDate | None = Field(default=None, description="The date the target is set for.")


class Risk(Sourced):
    """A feared event for the people concerned, rated on the CNIL 1-4 scales (analyst judgment).

    The rating is the *inherent* risk: as it stands before any safeguard. The residual risk is
    not written: pia computes it from the status of the ``mitigations`` on the date judged, so
    a safeguard must never be counted in the rating as well (lint warns when the rationale or
    basis cites one of the risk's mitigations)."""

    ref_kind: ClassVar[str] = "risk"
    label_field: ClassVar[str] = "title"

    id: Id
    title: Text
    description: Text
    feared_event: Literal[
        "illegitimate_access", "unwanted_modification", "disappearance", "misuse", "chilling"
    ]
    subjects: OpenList[SubjectRef] = Field(
        default=UNKNOWN_LIST, description="The subject groups the feared event would harm."
    )
    likelihood: int = Field(
        ge=1,
        le=4,
        description=f"Inherent likelihood, before any safeguard: {_RATING}.",
    )
    severity: int = Field(
        ge=1,
        le=4,
        description=f"Inherent severity, before any safeguard: {_RATING}.",
    )
    rationale: Text = Field(
        description="Why the inherent rating: the facts that make the event likely and grave "
        "before any safeguard. Safeguards belong under mitigations, never here: pia subtracts "
        "them from the likelihood by their status on the date."
    )
    mitigations: OpenList[SafeguardRef] = Field(
        default=UNKNOWN_LIST,
        description="Safeguards that lower the likelihood, each by its status on the date "
        "(verified 1 step, implemented 1/2, stated 1/4; disputed, failed, absent or unknown "
        "nothing).",
    )
    basis: OpenList[EntryRef] = Field(  # type: ignore[assignment]  # a risk's basis is entries
        default=UNKNOWN_LIST,
        validate_default=True,
        description="Case entries the inherent rating rests on (not its mitigations).",
    )
    treatment: RiskTreatment | None = Field(
        default=None,
        description="How the risk is to be treated (reduce, avoid, transfer, accept), or "
        "unknown; omitted where the case does not say.",
    )
    owner: PartyRef | None = Field(
        default=None, description="The party accountable for treating the risk, if known."
    )
    target: RiskTarget | None = Field(
        default=None, description="The rating aimed for, and by when, if the case gives one."
    )


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
    about: OpenList[EntryRef] = Field(
        default=UNKNOWN_LIST, description="The case entries the question is about."
    )
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
    dpia_triggers: DpiaTriggers | None = Field(
        default=None,
        title="DPIA triggers",
        description="which of the EDPB's nine criteria for requiring a DPIA (WP248 rev.01) "
        "apply: {large_scale: {applies: true, basis: ..., sources: [...], confidence: ...}}; a "
        "criterion left out is unknown. Shown in the technical sheet of the edpb profile.",
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
    systems: OpenList[System] = Field(
        default=UNKNOWN_LIST,
        title="Systems",
        description="systems that hold or process the data: owner, operator, hosting, "
        "operational status over time, predecessor and successor.",
    )
    subjects: OpenList[Subject] = Field(
        default=UNKNOWN_LIST,
        title="Whose data",
        description="groups of people whose data the arrangement touches: how many, how "
        "vulnerable.",
    )
    data: OpenList[DataElement] = Field(
        default=UNKNOWN_LIST,
        title="Data elements",
        description="kinds of data that move in the flows, with their category and sensitivity.",
    )
    flows: OpenList[Flow] = Field(
        default=UNKNOWN_LIST,
        title="Data flows",
        description="data moving between parties: which data, on whom, why, under what authority.",
    )
    purposes: OpenList[Purpose] = Field(
        default=UNKNOWN_LIST,
        title="Purposes",
        description="why data is used: the collection purpose, the stated one, uses alleged by "
        "others.",
    )
    authorities: OpenList[Authority] = Field(
        default=UNKNOWN_LIST,
        title="Legal authorities",
        description="laws, agreements and policies the arrangement relies on or is bound by.",
    )
    safeguards: OpenList[Safeguard] = Field(
        default=UNKNOWN_LIST,
        title="Safeguards",
        description="measures meant to protect the people concerned, with their status over time.",
    )
    oversight: OpenList[Oversight] = Field(
        default=UNKNOWN_LIST,
        title="Oversight",
        description="audits, inquiries, hearings, reports and letters by bodies that oversee it.",
    )
    retention: OpenList[Retention] = Field(
        default=UNKNOWN_LIST,
        title="Retention",
        description="how long each recipient keeps the data, and whether disposal is provided for.",
    )
    notice: OpenList[Notice] = Field(
        default=UNKNOWN_LIST,
        title="Notice",
        description="whether and how the people concerned, or the public, are told.",
    )
    redress: OpenList[Redress] = Field(
        default=UNKNOWN_LIST,
        title="Redress",
        description="remedies affected people can use, and sanctions for wrongful disclosure.",
    )
    data_quality: OpenList[DataQuality] = Field(
        default=UNKNOWN_LIST,
        title="Data quality",
        description="how accurate, current and well matched the data is; known errors.",
    )
    litigation: OpenList[Litigation] = Field(
        default=UNKNOWN_LIST,
        title="Litigation",
        description="lawsuits about the arrangement and their rulings (a ruling can set a status).",
    )
    disputes: OpenList[Dispute] = Field(
        default=UNKNOWN_LIST,
        title="Disputed facts",
        description="questions the sources answer differently; each side keeps its own sources.",
    )
    timeline: OpenList[TimelineEvent] = Field(
        default=UNKNOWN_LIST,
        title="Timeline",
        description="dated events, in order, each pointing at the entries it concerns.",
    )
    risks: OpenList[Risk] = Field(
        default=UNKNOWN_LIST,
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
