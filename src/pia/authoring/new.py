"""The text of a new case file: every section of the case format, each with a hint.

The skeleton is written by hand, not by ``yaml.dump``, so comments and field order are exact. It
validates as written: facts are placeholders written ``unknown`` (confidence, status, period,
kinds, lists of references), prose is marked ``TODO:`` so it can be searched for, and sections
whose entries cannot be written without asserting a fact (a court case, a risk rating) are
``unknown`` with a commented example: the open-world rule (:mod:`pia.model.facts`) reads
``unknown`` as not established and ``[]`` as known to be none, so the skeleton never says "none"
for the author. Text the
user typed is quoted as a JSON string, which YAML reads back unchanged.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from pia.load.located import load_located
from pia.model.case import (
    Authority,
    Case,
    DataElement,
    Flow,
    FlowState,
    Notice,
    Oversight,
    Party,
    Purpose,
    Redress,
    Risk,
    Safeguard,
    SafeguardState,
    Source,
    Standing,
    Subject,
    System,
    SystemState,
)
from pia.model.diagnostics import DiagnosticError
from pia.model.introspect import literal_values

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/case.schema.json"
#: Characters YAML may not hold raw in a double-quoted scalar (not printable, or read as a line
#: break or byte-order mark); they are written as ``\\uXXXX`` escapes.
_NOT_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _hint(key: str) -> str:
    """The comment above a section: what it is for, as the case format describes it."""
    return f"# {key}: {Case.model_fields[key].description}"


#: Ids the skeleton and its commented examples declare; ids made from names avoid them.
FIXED_IDS = (
    "S1",
    "people-concerned",
    "main-flow",
    "stated-purpose",
    "main-authority",
    "safeguard-1",
    "ov-1",
    "retention-1",
    "notice-1",
    "redress-1",
    "data-quality-1",
    "suit-1",
    "dispute-1",
    "risk-1",
    "oq-1",
)


@dataclass(frozen=True, slots=True)
class Answers:
    """What ``pia new`` asks for: the two main parties, the main data element and the purpose."""

    discloser: str = "TODO: the party that discloses the data"
    recipient: str = "TODO: the party that receives it"
    data: str = "TODO: the main data element shared"
    purpose: str = "TODO: the purpose the arrangement states for sharing the data"


def default_title(case_id: str) -> str:
    """A readable title from an id: ``acme-benefits`` -> ``Acme benefits``."""
    words = re.sub(r"[-_.]+", " ", case_id).strip()
    return words[:1].upper() + words[1:] if words else case_id


def quote(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back as exactly ``text``.

    A JSON string is a YAML double-quoted string, except that JSON leaves some characters raw
    that YAML refuses or reads as line breaks; those are escaped. Lone surrogates (undecodable
    bytes in a command line) cannot be written as UTF-8 and become U+FFFD.
    """
    clean = _SURROGATE.sub("\ufffd", text)
    dumped = json.dumps(clean, ensure_ascii=False)
    return _NOT_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def scalar(ident: str) -> str:
    """An id as plain YAML if it reads back as the same string, else quoted (``"123"``)."""
    try:
        plain = load_located(f"v: {ident}\n", "<id>").data
    except DiagnosticError:
        plain = None
    return ident if plain == {"v": ident} else quote(ident)


def slug(text: str, fallback: str, used: set[str]) -> str:
    """An id made from a name (``Internal Revenue Service`` -> ``internal-revenue-service``),
    unique among ``used``, at most 40 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(base) > 40:
        base = base[:40].rsplit("-", 1)[0] if "-" in base[:40] else base[:40]
    if not base:
        base = fallback
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def choices(model: type[BaseModel], field: str) -> str:
    """The allowed values of a Literal field (or of a tuple of them), as a trailing comment."""
    values = literal_values(model.model_fields[field].annotation)
    return "  # " + ", ".join(str(v) for v in values)


def described(model: type[BaseModel], field: str) -> str:
    """A field's description (its one statement in the format), as a trailing comment."""
    return f"  # {model.model_fields[field].description}"


def _id_for(name: str, default: str, fallback: str, used: set[str]) -> str:
    """The id for an answered name; an unanswered one (still a TODO) gets ``fallback``."""
    return scalar(slug("" if name == default else name, fallback, used))


def _clean(value: str, default: str) -> str:
    return value.strip() or default


@dataclass(frozen=True, slots=True)
class _Ids:
    discloser: str
    recipient: str
    data: str


def skeleton(case_id: str, title: str | None, today: date, answers: Answers) -> str:
    """The text of a new case file ``case_id`` dated ``today``. Pure: no I/O, no clock."""
    defaults = Answers()
    names = Answers(
        discloser=_clean(answers.discloser, defaults.discloser),
        recipient=_clean(answers.recipient, defaults.recipient),
        data=_clean(answers.data, defaults.data),
        purpose=_clean(answers.purpose, defaults.purpose),
    )
    used = set(FIXED_IDS)
    ids = _Ids(
        discloser=_id_for(names.discloser, defaults.discloser, "discloser", used),
        recipient=_id_for(names.recipient, defaults.recipient, "recipient", used),
        data=_id_for(names.data, defaults.data, "main-data", used),
    )
    parts = [
        _header(case_id, today),
        _identity(case_id, _clean(title or "", default_title(case_id)), today),
        _sources(),
        _parties(names, ids),
        _systems(ids),
        _subjects(),
        _data(names, ids),
        _flows(ids),
        _purposes(names),
        _authorities(),
        _safeguards(),
        _oversight(ids),
        _retention(ids),
        _notice(),
        _redress(),
        _data_quality(),
        _litigation(),
        _disputes(),
        _timeline(),
        _risks(),
        _judgments(),
        _open_questions(),
        _actions(),
        _waivers(),
    ]
    return "\n".join(parts)


# --- sections --------------------------------------------------------------------------------
# Each returns its lines ending in a newline; sections are separated by one blank line.


def _header(case_id: str, today: date) -> str:
    return f"""{SCHEMA_LINE}
# Case {case_id}, started with `pia new` on {today.isoformat()}. Every section of the case format
# is below, each with a hint. Replace every TODO with what the sources say. Where they are silent,
# keep `unknown`: it is a value, not a gap. Write `[]` only when the sources show there is none
# (a section or list left `unknown` or left out is not established). Each fact cites sources
# declared under `sources` and says how sure it is (confirmed, reported, alleged, disputed or
# unknown).
# Check the file with: pia validate --strict <this file>
"""


def _identity(case_id: str, title: str, today: date) -> str:
    return f"""{_hint("id")}
id: {scalar(case_id)}
{_hint("title")}
title: {quote(title)}
{_hint("short_title")}
short_title: null
{_hint("summary")}
summary: "TODO: what the arrangement is, who shares which data with whom, why, and since when."
{_hint("as_of")}
as_of: {today.isoformat()}
{_hint("knowledge_cutoff")}
knowledge_cutoff: null
{_hint("limitations")}
limitations: []
#   - "TODO: a record the assessment could not see, and why"
{_hint("authors")}
authors:
  - name: "TODO: your name"
    role: analyst
{_hint("sign_off")}
sign_off:
  pia_id: null
  prepared_by: null
  system_owner: null
  privacy_officer: null
  reviewed_by: null
  decision: null
  conditions: null
  reasons: null
  date: null
  review_by: null
{_hint("report")}
report:
  profile: null  # dhs or edpb; null: from the jurisdiction
  jurisdiction: null  # us, eu or other
  paper: null  # letter or a4; null: the profile's
  scope: null
{_hint("dpia_triggers")}
dpia_triggers: {{}}
#   large_scale:  # one key per criterion that is known (the case-format reference lists nine)
#     applies: unknown  # true, false or unknown
#     basis: "TODO: why it applies or not, from the sources"
#     sources: []
#     confidence: unknown
"""


def _sources() -> str:
    return f"""{_hint("sources")}
sources:
  - id: S1
    title: "TODO: the title of the first source"
    publisher: "TODO: who published it"
    date: unknown
    url: null
    kind: other{choices(Source, "kind")}
    reliability: unknown{choices(Source, "reliability")}
    note: "A placeholder: describe a real source, then cite it as [S1] in the entries it supports."
"""


_UNSOURCED = """    sources: []
    confidence: unknown"""


def _parties(names: Answers, ids: _Ids) -> str:
    return f"""{_hint("parties")}
parties:
  - id: {ids.discloser}
    name: {quote(names.discloser)}
    kind: agency{choices(Party, "kind")}
    roles: [discloser]{choices(Party, "roles")}
    description: null
{_UNSOURCED}
  - id: {ids.recipient}
    name: {quote(names.recipient)}
    kind: agency
    roles: [recipient]
    description: null
{_UNSOURCED}
"""


def _systems(ids: _Ids) -> str:
    return f"""{_hint("systems")}
systems: unknown
#   - id: system-1
#     name: "TODO: the system that holds the data"
#     owners: [{ids.discloser}]
#     operators: unknown
#     hosting: unknown{choices(System, "hosting")}
#     hosted_by: unknown
#     status:
#       - status: unknown{choices(SystemState, "status")}
#         sources: []
#         confidence: unknown
#     sources: []
#     confidence: unknown
"""


def _subjects() -> str:
    return f"""{_hint("subjects")}
subjects:
  - id: people-concerned
    name: "TODO: the people whose data is shared"
    count:
      - value: unknown
        unit: people
        sources: []
        confidence: unknown
    vulnerability: unknown{choices(Subject, "vulnerability")}
    vulnerability_reasons: []
{_UNSOURCED}
"""


def _data(names: Answers, ids: _Ids) -> str:
    return f"""{_hint("data")}
data:
  - id: {ids.data}
    name: {quote(names.data)}
    category: unknown{choices(DataElement, "category")}
    sensitivity: unknown{choices(DataElement, "sensitivity")}
    description: null
    systems: unknown
{_UNSOURCED}
"""


def _flows(ids: _Ids) -> str:
    return f"""{_hint("flows")}
flows:
  - id: main-flow
    title: "TODO: what is sent, by whom, to whom"
    from: {ids.discloser}
    to: {ids.recipient}
    kind: unknown{choices(Flow, "kind")}
    direction: unknown{choices(Flow, "direction")}
    via: unknown  # parties or systems the data passes through, in order; [] if direct
    systems: unknown
    data: [{ids.data}]
    subjects: [people-concerned]
    purposes: [stated-purpose]
    authorities: [main-authority]
    trigger: unknown
    channel: unknown
    volume: []
    bulk: unknown
    automated_matching: unknown
    status:
      - status: unknown{choices(FlowState, "status")}
        sources: []
        confidence: unknown
{_UNSOURCED}
"""


def _purposes(names: Answers) -> str:
    return f"""{_hint("purposes")}
purposes:
  - id: stated-purpose
    statement: {quote(names.purpose)}
    kind: stated{choices(Purpose, "kind")}
    compatible_with_collection: unknown
{_UNSOURCED}
"""


def _authorities() -> str:
    return f"""{_hint("authorities")}
authorities:
  - id: main-authority
    citation: "TODO: e.g. 26 U.S.C. § 6103(d)"
    title: "TODO: the name of the law, agreement or policy"
    kind: unknown{choices(Authority, "kind")}
    relied_on: unknown
    signatories: unknown  # for an agreement: the parties that signed it
    requirements: unknown
    standing:
      - status: unknown{choices(Standing, "status")}
        sources: []
        confidence: unknown
{_UNSOURCED}
"""


def _safeguards() -> str:
    return f"""{_hint("safeguards")}
safeguards:
  - id: safeguard-1
    title: "TODO: a measure meant to protect the people concerned"
    kind: unknown{choices(Safeguard, "kind")}
    controls: unknown  # e.g. [use_restriction, audit_logging, retention_limit]
    applies_to: [main-flow]
    required_by: unknown
    systems: unknown
    status:
      - status: unknown{choices(SafeguardState, "status")}
        sources: []
        confidence: unknown
{_UNSOURCED}
"""


def _oversight(ids: _Ids) -> str:
    return f"""{_hint("oversight")}
oversight: unknown
#   - id: ov-1
#     body: {ids.recipient}  # the overseeing party, declared under parties
#     kind: audit{choices(Oversight, "kind")}
#     independent: true
#     activity: "TODO: what the body did"
#     date: unknown
#     outcome: unknown{choices(Oversight, "outcome")}
#     findings: []
#     sources: []
#     confidence: unknown
"""


def _retention(ids: _Ids) -> str:
    return f"""{_hint("retention")}
retention:
  - id: retention-1
    applies_to: [main-flow, {ids.data}]
    statement: "TODO: how long the recipient keeps the data, and what happens to it after"
    period: unknown
    disposal: unknown
{_UNSOURCED}
"""


def _notice() -> str:
    return f"""{_hint("notice")}
notice:
  - id: notice-1
    kind: individual{choices(Notice, "kind")}
    statement: "TODO: whether the people concerned are told their data is shared"
    provided: unknown
    covers: [main-flow]
{_UNSOURCED}
"""


def _redress() -> str:
    return f"""{_hint("redress")}
redress:
  - id: redress-1
    kind: unknown{choices(Redress, "kind")}
    mechanism: "TODO: the remedy, e.g. a complaint to the agency"
    statement: "TODO: whether it applies to this arrangement"
    available: unknown
    used: unknown
{_UNSOURCED}
"""


def _data_quality() -> str:
    return f"""{_hint("data_quality")}
data_quality:
  - id: data-quality-1
    statement: "TODO: how accurate and current the data is, and how matches are checked"
    issue: unknown
{_UNSOURCED}
"""


def _litigation() -> str:
    return f"""{_hint("litigation")}
litigation: unknown
#   - id: suit-1
#     name: "TODO: Doe v. Agency"
#     court: "TODO: the court"
#     docket: "TODO: 1:25-cv-00000"
#     filed: 2025-01
#     status: pending
#     rulings: []  # each: id, date, court, kind, outcome, holding, sources, confidence
#     sources: []
#     confidence: unknown
"""


def _disputes() -> str:
    return f"""{_hint("disputes")}
disputes: unknown
#   - id: dispute-1
#     question: "TODO: the question the sources disagree on"
#     about: [main-flow]
#     sides:
#       - claimant: "TODO: who says yes"
#         statement: "TODO: what they say"
#         sources: []
#         confidence: unknown
#       - claimant: "TODO: who says no"
#         statement: "TODO: what they say"
#         sources: []
#         confidence: unknown
#     status: open  # open, settled, unknown
#     sources: []
#     confidence: unknown
"""


def _timeline() -> str:
    return f"""{_hint("timeline")}
timeline: unknown
#   - date: 2025-04
#     event: "TODO: what happened"
#     refs: [main-flow]
#     sources: []
#     confidence: unknown
"""


def _risks() -> str:
    return f"""{_hint("risks")}
risks: unknown
#   - id: risk-1
#     title: "TODO: the feared event in a line"
#     description: "TODO: what could happen to the people concerned"
#     feared_event: misuse{choices(Risk, "feared_event")}
#     subjects: [people-concerned]
#     likelihood: 2{described(Risk, "likelihood")}
#     severity: 2{described(Risk, "severity")}
#     rationale: "TODO: why the inherent rating, before any safeguard: what makes it likely, grave"
#     mitigations: [safeguard-1]  # safeguards: pia subtracts them by their status on the date
#     basis: [main-flow]{described(Risk, "basis")}
#     sources: []
#     confidence: unknown
"""


def _judgments() -> str:
    return f"""{_hint("judgments")}
judgments: {{}}
#   core.legal-basis:
#     level: partially_met  # a level of the rubric's scale (pia rubrics lists them)
#     rationale: "TODO: why this level, and what it rests on"
#     sources: []
"""


def _open_questions() -> str:
    return f"""{_hint("open_questions")}
open_questions:
  - id: oq-1
    question: "TODO: a question the sources do not answer yet"
    why: "TODO: what the answer would change in the assessment"
    where_to_look: "TODO: records to request, people to ask"
    about: [main-flow]
    sources: []
"""


def _actions() -> str:
    return f"""{_hint("actions")}
actions: []
#   - id: act-1
#     what: "TODO: the measure a party has undertaken"
#     owner: "TODO: who carries it out, or unknown"
#     due: unknown
#     status: planned  # planned, in_progress, done, abandoned or unknown
#     risks: []
#     criteria: []  # such as fipps.security
#     sources: []
#     confidence: reported
"""


def _waivers() -> str:
    return f"""{_hint("waivers")}
waivers: []
#   - code: PIA-W104  # flow-without-authority; omit entry to accept the code in the whole file
#     entry: main-flow
#     reason: "TODO: why the warning is the honest state of the record"
"""
