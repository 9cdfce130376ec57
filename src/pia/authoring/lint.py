"""Checks beyond the schema: what makes an assessment weak (``pia validate --strict``).

A case can load cleanly and still be a poor basis for an assessment: a claim nobody sourced, a
source nobody cites, a rating with no reasons, a flow with no stated authority. Each check is a
small generator over the validated case; positions come from the YAML, so every warning is a
``file:line:col`` line like an error. Checks read the case and the date they are given, never the
clock, so the same inputs give the same warnings.

Each finding names its *subject* (the flow, risk, source, judgment or section it is about), which
is what a case's ``waivers`` match: a waiver accepts one code for one subject, or for the whole
file, with a reason. Waivers that match nothing, or give no reason, are warnings themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from pia.load.located import DataPath as Path
from pia.load.located import Located, Position
from pia.load.references import iter_refs
from pia.model.case import Case
from pia.model.common import UNKNOWN, Citation, Sourced
from pia.model.diagnostics import (
    CLAIM_WITHOUT_SOURCE,
    CONFIRMED_ON_WEAK_SOURCES,
    FLOW_WITHOUT_AUTHORITY,
    INHERENT_COUNTS_MITIGATION,
    MIRROR_CITED_ALONE,
    RISK_WITHOUT_MITIGATION,
    SAME_ADDRESS,
    STALE_AS_OF,
    UNCITED_SOURCE,
    UNKNOWN_FACTS,
    UNUSED_WAIVER,
    WAIVER_WITHOUT_REASON,
    WEAK_RATIONALE,
    Diagnostic,
    Rule,
)
from pia.model.entries import declared_entries
from pia.model.facts import is_unknown_list
from pia.model.validation import Waived
from pia.model.waivers import Waiver

#: A rationale shorter than this (after collapsing white space) cannot say why a rating was given.
MIN_RATIONALE = 20
#: Sections whose unknowns are not facts about the arrangement: a source's unknown publication
#: date is a weak citation, judgments are the assessor's, not the case's, and waivers are about
#: the file.
NOT_FACTS = frozenset({"sources", "judgments", "waivers"})


@dataclass(frozen=True)
class LintContext:
    """What every check reads: the case, where its parts stand in the file, and today's date."""

    case: Case
    located: Located
    today: date

    def warn(
        self,
        rule: Rule,
        subject: str | None,
        position: Position,
        message: str,
        hint: str | None = None,
    ) -> Finding:
        diagnostic = rule.at(self.located.path, position.line, position.col, message, hint)
        return Finding(subject, diagnostic)


@dataclass(frozen=True, slots=True)
class Finding:
    """A lint diagnostic and what it is about: the id, source, judgment key or section a waiver
    names to accept it (None for a finding about the whole file, such as a stale ``as_of``)."""

    subject: str | None
    diagnostic: Diagnostic


@dataclass(frozen=True)
class Lint:
    """The outcome of linting one case: what to report, and what its waivers accepted."""

    diagnostics: tuple[Diagnostic, ...]
    """Sorted by position: the findings no waiver accepted, and the waivers' own warnings."""
    waived: tuple[Waived, ...]
    """The findings a waiver accepted, with its reason, sorted by position."""


Check = Callable[[LintContext], Iterator[Finding]]


def lint(case: Case, located: Located, *, today: date) -> Lint:
    """Lint a case that loads (codes PIA-W1xx, warnings and information) and apply its waivers."""
    context = LintContext(case, located, today)
    findings = [f for _rule, check in CHECKS for f in check(context)]
    kept, waived, notes = apply_waivers(context, findings)
    return Lint(
        tuple(sorted([*kept, *notes], key=Diagnostic.sort_key)),
        tuple(sorted(waived, key=lambda w: w.diagnostic.sort_key())),
    )


def lint_case(case: Case, located: Located, *, today: date) -> list[Diagnostic]:
    """The diagnostics :func:`lint` reports, sorted by position."""
    return list(lint(case, located, today=today).diagnostics)


# --- waivers ---------------------------------------------------------------------------------


def waiver_matches(waiver: Waiver, finding: Finding) -> bool:
    """A waiver accepts a finding of its code about its entry, or anywhere without an entry."""
    if waiver.code != finding.diagnostic.code:
        return False
    return waiver.entry is None or waiver.entry == finding.subject


def apply_waivers(
    ctx: LintContext, findings: list[Finding]
) -> tuple[list[Diagnostic], list[Waived], list[Diagnostic]]:
    """(kept, waived, the waivers' own warnings). Every waiver is checked, even one that matches
    nothing: an unused waiver is a warning (PIA-W108), and so is one without a meaningful reason
    (PIA-W109), which still applies: the missing reason is then the one thing to fix."""
    waivers = ctx.case.waivers
    used = [False] * len(waivers)
    kept: list[Diagnostic] = []
    waived: list[Waived] = []
    for finding in findings:
        hits = [i for i, w in enumerate(waivers) if waiver_matches(w, finding)]
        for i in hits:
            used[i] = True
        if hits:
            waived.append(Waived(finding.diagnostic, waivers[hits[0]].reason))
        else:
            kept.append(finding.diagnostic)
    notes: list[Diagnostic] = []
    for i, waiver in enumerate(waivers):
        where = ctx.located.value_at(("waivers", i))
        if not used[i]:
            notes.append(_unused_waiver(ctx, waiver, where))
        elif not _meaningful(waiver.reason or ""):
            at = ctx.located.value_at(("waivers", i, "reason"))
            notes.append(
                ctx.warn(
                    WAIVER_WITHOUT_REASON,
                    None,
                    at,
                    f"the waiver of {_waived_what(waiver)} gives no meaningful reason "
                    f"(under {MIN_RATIONALE} characters)",
                    "say why the warning is accepted: the reason is the record",
                ).diagnostic
            )
    return kept, waived, notes


def _waived_what(waiver: Waiver) -> str:
    return f"{waiver.code} for {waiver.entry!r}" if waiver.entry else f"{waiver.code} (whole file)"


def _unused_waiver(ctx: LintContext, waiver: Waiver, where: Position) -> Diagnostic:
    lint_codes = {rule.code for rule, _check in CHECKS}
    if waiver.code not in lint_codes:
        message = f"the waiver of {waiver.code} matches nothing: it is not a lint code"
        hint = f"only these can be waived: {', '.join(sorted(lint_codes))}"
    else:
        message = f"the waiver of {_waived_what(waiver)} matches no warning"
        hint = "remove it, or check the code and the entry it names"
    return UNUSED_WAIVER.at(ctx.located.path, where.line, where.col, message, hint)


# --- walking the case ------------------------------------------------------------------------


def entries(
    model: BaseModel, path: Path = (), label: str = "", owner: str | None = None
) -> Iterator[tuple[Path, str, str | None, Any]]:
    """Every model in the tree with its data path, a readable label (``flows[F1].status[0]``)
    and its owner: the id of the nearest entry that has one (or the top-level section's name,
    or a judgment's key), which is what a waiver names.

    Entries with an id are labelled by it, as the assessment's evidence paths are.
    """
    yield path, label, owner, model
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        value = getattr(model, name)
        prefix = f"{label}.{key}" if label else key
        inner = owner if owner is not None else key
        if isinstance(value, BaseModel):
            yield from entries(value, (*path, key), prefix, inner)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    ident = getattr(item, "id", None)
                    item_owner = ident if isinstance(ident, str) else inner
                    yield from entries(item, (*path, key, i), f"{prefix}[{ident or i}]", item_owner)
        elif isinstance(value, dict):
            for k, item in value.items():
                if isinstance(item, BaseModel):
                    yield from entries(item, (*path, key, k), f"{prefix}[{k}]", str(k))


def count_unknowns(value: object) -> int:
    """How many values in plain data are ``unknown``."""
    if value == UNKNOWN:
        return 1
    if isinstance(value, dict):
        return sum(count_unknowns(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(count_unknowns(v) for v in value)
    return 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _meaningful(text: str) -> bool:
    return len(" ".join(text.split())) >= MIN_RATIONALE


# --- the checks ------------------------------------------------------------------------------


def claims_without_source(ctx: LintContext) -> Iterator[Finding]:
    """A claim that says how sure it is must say where it comes from.

    ``confidence: unknown`` with no source is honest (looked for, not found); ``confirmed`` or
    ``reported`` with no source is an assertion the reader cannot check.
    """
    for path, label, owner, entry in entries(ctx.case):
        if isinstance(entry, Sourced) and entry.confidence != UNKNOWN and not entry.sources:
            yield ctx.warn(
                CLAIM_WITHOUT_SOURCE,
                owner,
                ctx.located.value_at((*path, "confidence")),
                f"claim without a source: {label} is {entry.confidence!r} but cites no source",
                "add the sources that support it, or write confidence: unknown",
            )


def uncited_sources(ctx: LintContext) -> Iterator[Finding]:
    """A source nobody cites supports nothing: either an entry forgot to cite it, or it can go."""
    cited = {ident for _path, kind, ident in iter_refs(ctx.case) if kind == "source"}
    for i, source in enumerate(ctx.case.sources):
        if source.id not in cited:
            yield ctx.warn(
                UNCITED_SOURCE,
                source.id,
                ctx.located.value_at(("sources", i, "id")),
                f"source {source.id!r} is declared but never cited",
                "cite it in the entries it supports, or remove it",
            )


def weak_rationales(ctx: LintContext) -> Iterator[Finding]:
    """A rating is analyst judgment; without its reasons a reviewer cannot weigh it."""
    for key, judgment in sorted(ctx.case.judgments.items()):
        if not _meaningful(judgment.rationale):
            yield ctx.warn(
                WEAK_RATIONALE,
                key,
                ctx.located.value_at(("judgments", key, "rationale")),
                f"judgment {key!r} has no meaningful rationale (under {MIN_RATIONALE} characters)",
                "say why this level was given and what it rests on",
            )
    for i, risk in enumerate(ctx.case.risks):
        if not _meaningful(risk.rationale):
            yield ctx.warn(
                WEAK_RATIONALE,
                risk.id,
                ctx.located.value_at(("risks", i, "rationale")),
                f"risk {risk.id!r} has no meaningful rationale (under {MIN_RATIONALE} characters)",
                "say why this likelihood and severity were given",
            )


#: Flow kinds that rest on their owner's authority rather than one of their own: storage or
#: hosting for the owner, and processing a contractor does on the owner's behalf.
_ON_OWNERS_AUTHORITY = frozenset({"hosting", "processing"})


def flows_without_authority(ctx: LintContext) -> Iterator[Finding]:
    """A flow known to rest on no authority (``authorities: []``) cannot be judged lawful.

    Where the authority is not known, write ``authorities: unknown`` (or leave the list out):
    that is a gap the assessment reads as unknown and PIA-W107 counts, not a warning here; never
    a placeholder authority, which would read as a basis that exists. Hosting and processing
    for the owner rest on the owner's own authority, so they need none of their own.
    """
    for i, flow in enumerate(ctx.case.flows):
        if is_unknown_list(flow.authorities) or flow.kind in _ON_OWNERS_AUTHORITY:
            continue
        if not flow.authorities:
            yield ctx.warn(
                FLOW_WITHOUT_AUTHORITY,
                flow.id,
                ctx.located.value_at(("flows", i, "authorities")),
                f"flow {flow.id!r} names no authority",
                "list the authorities it relies on under authorities",
            )


def risks_without_mitigation(ctx: LintContext) -> Iterator[Finding]:
    """A risk with no mitigating safeguard keeps its inherent rating: say so deliberately.
    Mitigations nobody has established (``unknown``, or left out) are a gap PIA-W107 counts."""
    for i, risk in enumerate(ctx.case.risks):
        if not risk.mitigations and not is_unknown_list(risk.mitigations):
            yield ctx.warn(
                RISK_WITHOUT_MITIGATION,
                risk.id,
                ctx.located.value_at(("risks", i, "mitigations")),
                f"risk {risk.id!r} names no mitigating safeguard",
                "list the safeguards that lower it under mitigations",
            )


def inherent_counts_mitigation(ctx: LintContext) -> Iterator[Finding]:
    """The inherent rating is before any safeguard: a rationale or basis that cites one of the
    risk's own mitigations (by id, or through a source that, of the entries in its basis, none
    cites but that mitigation does) counts the safeguard twice, once in the rating and once when
    pia subtracts it."""
    cited_by = {
        d.id: {str(getattr(s, "source", s)) for s in getattr(d.entry, "sources", ())}
        for d in declared_entries(ctx.case)
    }
    for i, risk in enumerate(ctx.case.risks):
        own = {*risk.basis, *risk.subjects} - set(risk.mitigations)
        explained = {s for entry in own for s in cited_by.get(entry, ())}
        words = set(re.findall(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?", risk.rationale))
        for sg in risk.mitigations:
            at: tuple[str | int, ...]
            if sg in risk.basis:
                how, at = "its basis lists it", ("risks", i, "basis", risk.basis.index(sg))
            elif sg in words:
                how, at = "its rationale names it", ("risks", i, "rationale")
            else:
                # without a basis the case does not say what the rating rests on: a source the
                # risk shares with a safeguard (say, the agreement itself) proves nothing
                only = sorted(
                    s
                    for s in risk.sources
                    if risk.basis and s in cited_by.get(sg, ()) and s not in explained
                )
                if not only:
                    continue
                cited = ", ".join(only)
                how = f"it cites {cited}, which {sg!r} cites and no entry of its basis does"
                at = ("risks", i, "sources", risk.sources.index(only[0]))
            yield ctx.warn(
                INHERENT_COUNTS_MITIGATION,
                risk.id,
                ctx.located.value_at(at),
                f"the inherent rating of risk {risk.id!r} counts its mitigation {sg!r}: {how}",
                "rate the risk before any safeguard; pia subtracts the mitigations itself",
            )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def stale_as_of(ctx: LintContext) -> Iterator[Finding]:
    """Arrangements change: courts rule, safeguards fail. A case a year old describes the past."""
    if ctx.case.as_of < _year_before(ctx.today):
        yield ctx.warn(
            STALE_AS_OF,
            None,
            ctx.located.value_at(("as_of",)),
            f"the case is as of {ctx.case.as_of.isoformat()}, more than a year before "
            f"today ({ctx.today.isoformat()})",
            "check what has changed since, then update as_of",
        )


def unknowns_per_section(ctx: LintContext) -> Iterator[Finding]:
    """Unknown is an honest value, but many of them make a weak assessment: one summary per
    section, so the research agenda is visible without a warning per fact.

    Fields left out that default to ``unknown`` (such as a flow's ``automated_matching``) count
    too: the engine reads them as unknown just the same.
    """
    dumped = ctx.case.model_dump(mode="json", by_alias=True)
    for name, info in Case.model_fields.items():
        key = info.alias or name
        if key in NOT_FACTS:
            continue
        total = count_unknowns(dumped[key])
        if not total:
            continue
        data = ctx.located.data
        written = count_unknowns(data.get(key)) if isinstance(data, dict) else 0
        left_out = total - written
        extra = f" ({left_out} of them left out, unknown by default)" if left_out > 0 else ""
        verb = "is" if total == 1 else "are"
        yield ctx.warn(
            UNKNOWN_FACTS,
            key,
            ctx.located.key_at((key,)),
            f"{key}: {_plural(total, 'fact', 'facts')} {verb} unknown{extra}; "
            "see pia assess's information gaps",
        )


# --- the source audit ------------------------------------------------------------------------


def _confirming(entry: Sourced) -> list[str]:
    """The citations an entry's ``confirmed`` rests on: those that confirm it (a plain id takes
    the entry's confidence; the long form says its own)."""
    return [
        str(c)
        for c in entry.sources
        if (c.confidence_in(entry.confidence) if isinstance(c, Citation) else entry.confidence)
        == "confirmed"
    ]


def confirmed_on_weak_sources(ctx: LintContext) -> Iterator[Finding]:
    """``confirmed`` needs an official or primary source, or two major outlets: an entry whose
    confirming citations are all low-reliability sources (or that no citation confirms) claims
    more than its sources bear."""
    reliability = {s.id: s.reliability for s in ctx.case.sources}
    for path, label, owner, entry in entries(ctx.case):
        if not isinstance(entry, Sourced) or entry.confidence != "confirmed" or not entry.sources:
            continue
        confirming = _confirming(entry)
        where = ctx.located.value_at((*path, "confidence"))
        if not confirming:
            yield ctx.warn(
                CONFIRMED_ON_WEAK_SOURCES,
                owner,
                where,
                f"{label} is confirmed, but none of its citations confirms it "
                f"({', '.join(entry.sources)})",
                "cite a source that confirms it, or lower its confidence",
            )
        elif all(reliability.get(s) == "low" for s in confirming):
            yield ctx.warn(
                CONFIRMED_ON_WEAK_SOURCES,
                owner,
                where,
                f"{label} is confirmed on low-reliability sources only ({', '.join(confirming)})",
                "cite a stronger source that carries the same statement, or lower its "
                "confidence (reported, alleged)",
            )


def _originals(case_sources: dict[str, str | None], source: str) -> list[str]:
    """The sources ``source`` copies, nearest first, along its chain of ``mirror_of``."""
    chain: list[str] = []
    current = case_sources.get(source)
    while current is not None and current not in chain and current != source:
        chain.append(current)
        current = case_sources.get(current)
    return chain


def mirrors_cited_alone(ctx: LintContext) -> Iterator[Finding]:
    """A copy adds no support of its own and the reader should be sent to the original: an
    entry that cites a source declared ``mirror_of`` another must cite that original too."""
    mirror_of = {s.id: s.mirror_of for s in ctx.case.sources}
    for i, source in enumerate(ctx.case.sources):
        if source.mirror_of == source.id:
            yield ctx.warn(
                MIRROR_CITED_ALONE,
                source.id,
                ctx.located.value_at(("sources", i, "mirror_of")),
                f"source {source.id!r} names itself as the source it copies",
                "name the original it copies, or remove mirror_of",
            )
    for path, label, owner, entry in entries(ctx.case):
        if not isinstance(entry, Sourced):
            continue
        cited = set(entry.sources)
        for j, citation in enumerate(entry.sources):
            originals = _originals(mirror_of, citation)
            if originals and not cited.intersection(originals):
                yield ctx.warn(
                    MIRROR_CITED_ALONE,
                    owner,
                    ctx.located.value_at((*path, "sources", j)),
                    f"{label} cites {citation}, a copy of {originals[0]}, without citing "
                    f"{originals[0]}",
                    f"cite {originals[0]} beside it or instead",
                )


def document_address(url: str) -> str | None:
    """The part of a URL that names a document: host (lower case, without ``www.``), path
    (without a trailing slash) and query; scheme and fragment are ignored."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    address = f"{host}{parts.path.rstrip('/')}"
    return f"{address}?{parts.query}" if parts.query else address


def same_addresses(ctx: LintContext) -> Iterator[Finding]:
    """Two sources at one address are one document: merge them, or declare the copy. Two
    versions of a page (both dated, on different dates) are two documents."""
    mirror_of = {s.id: s.mirror_of for s in ctx.case.sources}
    dates = {s.id: s.date for s in ctx.case.sources}
    seen: dict[str, list[str]] = {}
    for i, source in enumerate(ctx.case.sources):
        address = document_address(source.url) if source.url else None
        if address is None:
            continue
        same = [
            other
            for other in seen.get(address, [])
            if UNKNOWN in (dates[other], source.date) or dates[other] == source.date
        ]
        seen.setdefault(address, []).append(source.id)
        if not same:
            continue
        earlier = same[0]
        related = earlier in _originals(mirror_of, source.id) or source.id in _originals(
            mirror_of, earlier
        )
        if not related:
            yield ctx.warn(
                SAME_ADDRESS,
                source.id,
                ctx.located.value_at(("sources", i, "url")),
                f"source {source.id!r} has the same address as {earlier!r} ({address})",
                f"merge them, or declare mirror_of: {earlier} if one copies the other",
            )


#: The checks in the order they are documented; their warnings are sorted by position.
CHECKS: tuple[tuple[Rule, Check], ...] = (
    (CLAIM_WITHOUT_SOURCE, claims_without_source),
    (UNCITED_SOURCE, uncited_sources),
    (WEAK_RATIONALE, weak_rationales),
    (FLOW_WITHOUT_AUTHORITY, flows_without_authority),
    (RISK_WITHOUT_MITIGATION, risks_without_mitigation),
    (INHERENT_COUNTS_MITIGATION, inherent_counts_mitigation),
    (STALE_AS_OF, stale_as_of),
    (UNKNOWN_FACTS, unknowns_per_section),
    (CONFIRMED_ON_WEAK_SOURCES, confirmed_on_weak_sources),
    (MIRROR_CITED_ALONE, mirrors_cited_alone),
    (SAME_ADDRESS, same_addresses),
)

#: The rules about the waivers themselves (applied after the checks, by :func:`apply_waivers`).
WAIVER_RULES: tuple[Rule, ...] = (UNUSED_WAIVER, WAIVER_WITHOUT_REASON)

#: Every code lint can report: what ``[tool.pia]`` settings may select and ignore.
LINT_RULES: tuple[Rule, ...] = (*(rule for rule, _check in CHECKS), *WAIVER_RULES)
