"""Markdown in, safe HTML out (case prose), and the assessment as Markdown (for diffs).

Case text is data: raw HTML in Markdown is not passed through, images are disabled (an image is
a fetch), and markdown-it's link validation drops ``javascript:``, ``file:`` and ``data:`` links.

The same holds for the Markdown *output* (``--format md``), which a reviewer's viewer renders:
text from the case or a rubric is escaped there (``<b>`` shows as written, not as bold), an image
in it is dropped for its alt text (a remote image is a fetch, and a tracking pixel), and control
characters are shown as escapes, since the file may well be printed on a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from pia.model.assessment import Assessment
from pia.model.case import Case
from pia.model.diagnostics import printable
from pia.render.wording import figure_text, long_date, tri_text, words


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def markdown_to_html(text: str | None) -> Markup:
    """Render one prose field; the result is safe to insert into the autoescaped report."""
    if not text:
        return Markup("")
    return Markup(_parser().render(text))


#: ``![alt](url)``: an image (the alt text is kept, the fetch is dropped).
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
#: Characters that start HTML, a link or an image in Markdown (and the escape character).
_MARKUP = re.compile(r"[\\\[\]<>&]")
_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def escape_text(text: str) -> str:
    """Case or rubric text as literal Markdown: images dropped for their alt text, and the
    characters that start HTML, links and images escaped, so the text reads as written and
    nothing is fetched or run."""
    text = _IMAGE.sub(lambda m: m.group(1), text)
    return _MARKUP.sub(lambda m: _ESCAPED.get(m.group(), "\\" + m.group()), text)


def _cell(text: str) -> str:
    return " ".join(escape_text(text).replace("|", "\\|").split())


def _cites(ids: Sequence[str], limit: int = 8) -> str:
    """Citation markers as the report prints them: ``[S3, S12 +2]``."""
    if not ids:
        return ""
    shown = ", ".join(escape_text(str(i)) for i in ids[:limit])
    more = f" +{len(ids) - limit}" if len(ids) > limit else ""
    return f" [{shown}{more}]"


def _conf(value: str) -> str:
    return "" if value == "confirmed" else f" ({value})"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) if c else " " for c in row) + " |" for row in rows]
    return out


def _para(text: str) -> str:
    return " ".join(escape_text(text).split())


class _Report:
    """The Markdown body, section by section, read from the render context (the same the HTML
    template lays out): it selects and ranks nothing itself."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.ctx = ctx
        self.a: Assessment = ctx["a"]
        self.case: Case = ctx["case"]
        self.words = words
        self.tri = tri_text
        self.figure = figure_text
        self.longdate = long_date
        self.out: list[str] = []

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    # --- the decision page -----------------------------------------------------------------

    def decision_page(self) -> None:
        a, case, ctx = self.a, self.case, self.ctx
        so = case.sign_off
        digest = ctx["digest"]
        primary = ctx["primary"]
        kicker = ctx["profile"].title + (f" · {so.pia_id}" if so and so.pia_id else "")
        authors = "; ".join(au.name + (f" ({au.role})" if au.role else "") for au in case.authors)
        self.add(f"# {escape_text(a.case.title)}", "", f"*{_para(kicker)}*", "")
        self.add(_para(ctx["scope"]), "")
        latest = (
            f" (latest fact known: {case.knowledge_cutoff.latest_fact})"
            if case.knowledge_cutoff
            else ""
        )
        self.add(
            *_table(
                ("", ""),
                [
                    ("As of", f"{self.longdate(a.assessed_as_of)}{latest}"),
                    ("Identifier", _blank(so.pia_id if so else None)),
                    ("Prepared by", so.prepared_by if so and so.prepared_by else authors),
                    ("System owner", _blank(so.system_owner if so else None)),
                ],
            ),
            "",
        )
        self.add(f"**Conclusion.** {_para(ctx['conclusion'])}", "")
        self.add(f"Rating under the {_para(primary.title)}: **{_para(digest.rating)}**", "")
        line = ctx["residual_line"]
        named = line.named.title if line.named is not None else ""
        self.add(_para(line.before + named + line.after), "")
        self.add("### Findings that matter most", "")
        for n, f in enumerate(digest.top_findings, start=1):
            critical = " (critical)" if f.critical else ""
            judged = " *(the assessor's judgment)*" if f.governed_by_judgment else ""
            if not f.governed_by_judgment and f.criterion in ctx["could_rise_to"]:
                judged = (
                    f" *(could rise to {ctx['could_rise_to'][f.criterion]} if facts the case "
                    "does not know turned out well)*"
                )
            self.add(
                f"{n}. **{_para(f.title)}: {_para(f.label.lower())}**{critical}. "
                f"{_para(f.text)}{_cites(f.sources, 6)}{judged}"
            )
        if ctx["others"]:
            others = "; ".join(
                f"{_para(r.title)} {r.score:.1f}, {_para(r.rating_label)}" for r in ctx["others"]
            )
            self.add("", f"Other frameworks assessed (see the crosswalk): {others}.")
        self.add("", "### Decision sought", "")
        self.add(*self._decision_options(), "")
        self.add(
            f"{len(a.sensitivity)} unknown or disputed facts could move a result (see what "
            "would change the rating).",
            "",
        )

    def _decision_options(self) -> list[str]:
        so = self.case.sign_off
        return [
            f"- [{'x' if so and so.decision == d else ' '}] {self.ctx['decision_words'][d]}"
            for d in self.ctx["decision_options"]
        ]

    # --- the body, in the profile's order --------------------------------------------------

    def body(self) -> None:
        for s in self.ctx["profile"].sections:
            number = f"{s.number}. " if s.number else ""
            self.add(f"## {number}{_para(s.title)}", "")
            if s.guidance:
                self.add(f"*{_para(s.guidance)}*", "")
            getattr(self, f"kind_{s.kind}")(s)

    def kind_abstract(self, section: Any) -> None:
        case = self.case
        self.add(escape_text(case.summary.strip()), "")
        if case.limitations:
            self.add("### Scope and limitations", "")
            self.add(*(f"- {_para(item)}" for item in case.limitations), "")
        if case.knowledge_cutoff:
            self.add(_para(case.knowledge_cutoff.statement), "")
        if section.triggers:
            self.triggers()

    def triggers(self) -> None:
        ctx = self.ctx
        count, known = ctx["dpia_trigger_count"], ctx["dpia_trigger_known"]
        if not known:
            answered = "The case does not say which apply."
        else:
            answered = f"{count} of the nine apply on the case's sources" + (
                "; a criterion the case does not answer is unknown." if known < 9 else "."
            )
        self.add("### Why a DPIA: the EDPB criteria", "")
        self.add(
            "The EDPB's guidelines on data protection impact assessment (WP248 rev.01) list "
            "nine criteria of processing likely to result in a high risk; in most cases a DPIA "
            f"is expected where two or more apply. {answered}",
            "",
        )
        rows = [
            (
                (label, self.tri(t.applies), t.basis + _cites(t.sources, 6) + _conf(t.confidence))
                if t is not None
                else (label, "unknown", "The case does not say.")
            )
            for _key, label, t in ctx["dpia_triggers"]
        ]
        self.add(*_table(("Criterion", "Applies", "Why, and sources"), rows), "")

    def kind_overview(self, section: Any) -> None:
        for name in section.facts:
            self.facts(name)

    def kind_topic(self, section: Any) -> None:
        ctx = self.ctx
        plan = ctx["plans"][section.id]
        for name in section.facts:
            self.facts(name)
        if plan.risks:
            self.add("### Privacy impact analysis", "")
            for rid in plan.risks:
                self.risk_pair(ctx["risks"][rid])
        elif section.risks:
            self.add("### Privacy impact analysis", "")
            self.add(
                "No privacy risk is mapped to this section; every risk is in the register "
                f"under {_para(ctx['risk_register_title'])}.",
                "",
            )
        primary = _para(ctx["primary"].title)
        if plan.criteria:
            self.add(f"### Findings under the {primary}", "")
            for cid in plan.criteria:
                self.finding(ctx["criteria"][cid])
        elif section.topics:
            self.add(f"### Findings under the {primary}", "")
            self.add(
                f"No criterion of the {primary} is mapped to this section; the findings on "
                "each are in the section of its topic, and every criterion is traced in "
                "Appendix A.",
                "",
            )

    def risk_pair(self, r: Any) -> None:
        ctx = self.ctx
        number = ctx["risk_numbers"][r.id]
        mitigations = "; ".join(f"{_para(m.title)} ({self.words(m.status)})" for m in r.mitigations)
        unchanged = ", unchanged" if r.residual_likelihood == r.inherent_likelihood else ""
        self.add(
            f"**{_para(ctx['profile'].risk_label)} R{number}:** {_para(r.title)}. "
            f"{_para(r.description)} *Inherent {r.inherent_level}.*",
            "",
            f"**Mitigation:** {mitigations or 'none recorded'}. "
            f"*Residual {r.residual_level}{unchanged}.*{_cites(r.sources, 6)}",
            "",
        )

    def finding(self, c: Any) -> None:
        critical = " (critical)" if c.critical else ""
        self.add(f"#### {_para(c.title)}: {_para(c.label)}{critical}", "")
        if c.governed_by == "judgment" and c.judgment is not None:
            derived = (
                f" The facts alone would give {c.derived_label.lower()}."
                if c.derived_level != c.level
                else ""
            )
            self.add(
                f"*The assessor set this level:* {_para(c.judgment.rationale)}"
                f"{_cites(c.judgment.sources)}{derived}",
                "",
            )
        elif c.id in self.ctx["could_rise_to"]:
            self.add(
                "*This level rests in part on facts the case does not know: if they turned out "
                f"well, it could rise to {self.ctx['could_rise_to'][c.id]}. See what would "
                "change the rating.*",
                "",
            )
        self.add(
            *(f"- {_para(f.text)}{_cites(f.sources, 6)}" for f in self.ctx["body_findings"][c.id])
        )
        if c.recommendation:
            self.add("", f"Recommendation: {_para(c.recommendation)}")
        self.add("")

    def kind_risks(self, section: Any) -> None:
        ctx = self.ctx
        self.add(
            "Each risk is rated before any safeguard, on the CNIL four-level scales of "
            "likelihood and severity.",
            "",
        )
        self.add(
            *_table(
                ("No.", "Risk", "Inherent", "Why"),
                [
                    (
                        f"R{ctx['risk_numbers'][r.id]}",
                        f"**{r.title}**: {r.description}",
                        f"{r.inherent_level} (likelihood {r.inherent_likelihood}, "
                        f"severity {r.inherent_severity})",
                        r.rationale + _cites(r.sources, 6),
                    )
                    for r in self.a.risks
                ],
            ),
            "",
        )

    def kind_action_plan(self, section: Any) -> None:
        ctx, case = self.ctx, self.case
        self.add("### Actions undertaken", "")
        rows: list[tuple[str, ...]] = []
        if case.actions:
            for act in case.actions:
                answers = [
                    f"R{ctx['risk_numbers'].get(rid, '?')} {ctx['risk_titles'].get(rid, '')}"
                    for rid in act.risks
                ] + list(ctx["action_criteria"][act.id])
                rows.append(
                    (
                        act.what + _cites(act.sources, 6) + _conf(act.confidence),
                        act.owner,
                        str(act.due),
                        self.words(act.status),
                        "; ".join(answers),
                    )
                )
            self.add(*_table(("What", "Owner", "Due", "Status", "Answers"), rows), "")
        else:
            self.add("The case records no action undertaken by any party.", "")
        self.add("### Recommendations", "")
        digest = ctx["digest"]
        if digest.recommendations:
            rows = [
                (
                    str(n),
                    rec.priority,
                    f"{rec.text} (answers: {'; '.join(rec.titles)})",
                    "; ".join(ctx["action_names"][aid] for aid in rec.actions)
                    or "No action recorded.",
                )
                for n, rec in enumerate(digest.recommendations, start=1)
            ]
            self.add(*_table(("No.", "Priority", "Recommendation", "Action"), rows), "")
        else:
            self.add("No criterion falls short.", "")
        self.add("### Risks before and after treatment", "")
        rows = []
        for r in self.a.risks:
            treatment = " ".join(
                t
                for t in (
                    ctx["risk_safeguards"][r.id],
                    ctx["risk_plan"][r.id],
                    ctx["risk_still"][r.id],
                )
                if t
            )
            rows.append(
                (
                    f"R{ctx['risk_numbers'][r.id]}",
                    r.title,
                    f"{r.inherent_level} → {r.residual_level}",
                    treatment,
                )
            )
        self.add(*_table(("No.", "Risk", "Before → after", "Treatment"), rows), "")
        for rid in ctx["digest"].unplaced_risks:
            self.risk_pair(ctx["risks"][rid])
        self.add(
            "How residual risk is computed: for each safeguard as it stood on the date, "
            "likelihood falls by 1 if it is verified, 0.5 if implemented and 0.25 if only "
            "stated, rounded up to whole steps; severity does not change.",
            "",
        )

    def kind_views(self, section: Any) -> None:
        so = self.case.sign_off
        self.add("### Advice of the data protection officer", "")
        self.add(
            *_table(
                ("", ""),
                [
                    ("Officer", _blank(so.privacy_officer if so else None)),
                    ("Advice", _blank(None)),
                ],
            ),
            "",
        )
        self.add("### Views of the people concerned", "")
        reps = self.ctx["representatives"]
        if reps:
            self.add("The case records these parties speaking for the people concerned:", "")
            self.add(
                *(
                    f"- {_para(p.name)}"
                    + (f": {_para(p.description)}" if p.description else "")
                    + _cites(p.sources, 4)
                    for p in reps
                ),
                "",
            )
        else:
            self.add(
                "The case records no views of the people concerned or their representatives.", ""
            )

    def kind_crosswalk(self, section: Any) -> None:
        ctx = self.ctx
        primary, others = ctx["primary"], ctx["others"]
        self.add(
            f"The body of this report follows the {_para(primary.title)}. The same principles "
            "under the other frameworks assessed, with each framework's overall rating:",
            "",
        )
        header = [primary.title] + [f"{r.title} ({r.rating_label}, {r.score:.1f})" for r in others]
        rows = []
        for c in primary.criteria:
            row = [f"{c.title}: {c.label}"]
            for r in others:
                same = [
                    f"{x.title}: {x.label.lower()}"
                    for x in c.crosswalk
                    if x.criterion.startswith(r.id + ".")
                ]
                row.append("; ".join(same) or "none")
            rows.append(row)
        self.add(*_table([_cell(h) for h in header], rows), "")

    def kind_gaps(self, section: Any) -> None:
        self.add(
            "Facts the case marks unknown or disputed, ranked by how much settling them could "
            "move; every one is listed in Appendix C.",
            "",
        )
        self.gaps_table(self.ctx["top_gaps"], full=False)

    def gaps_table(self, gaps: Sequence[Any], *, full: bool) -> None:
        moves = self.ctx["moves"]
        rows = []
        for g in gaps:
            for i, m in enumerate(g.outcomes):
                fact = ""
                if i == 0:
                    fact = g.statement + _cites(g.sources, 8 if full else 4)
                    if full and g.where_to_look:
                        fact += f" Where to look: {g.where_to_look}"
                setting = self.ctx["settled_as"][(g.fact, m.value)]
                rows.append(
                    (fact, f"{setting} ({m.direction})", "; ".join(moves[(g.fact, m.value)]))
                )
        if rows:
            self.add(*_table(("Fact", "If settled as", "What would move"), rows), "")
        else:
            self.add("No unknown or disputed fact would move a level, rating or risk.", "")

    def kind_officials(self, section: Any) -> None:
        self.add(
            *_table(
                ("", ""), self._officials("System or program owner", "Component privacy officer")
            ),
            "",
        )
        authors = "; ".join(
            au.name
            + (f" ({au.role})" if au.role else "")
            + (f", {au.affiliation}" if au.affiliation else "")
            for au in self.case.authors
        )
        self.add(f"Compiled by: {_para(authors)}. A blank is a field the case does not give.", "")

    def _officials(self, owner: str, officer: str) -> list[tuple[str, str]]:
        so = self.case.sign_off
        return [
            ("Identifier", _blank(so.pia_id if so else None)),
            ("Preparer", _blank(so.prepared_by if so else None)),
            (owner, _blank(so.system_owner if so else None)),
            (officer, _blank(so.privacy_officer if so else None)),
            ("Reviewing official", _blank(so.reviewed_by if so else None)),
        ]

    def kind_sign_off(self, section: Any) -> None:
        so = self.case.sign_off
        rows: list[tuple[str, str]] = []
        if not self.ctx["has_officials"]:
            rows += self._officials("Controller or system owner", "Data protection officer")
        rows += [
            ("Conditions", _blank(so.conditions if so else None)),
            ("Reasons", _blank(so.reasons if so else None)),
            ("Date", _blank(str(so.date) if so and so.date else None)),
            ("Review by", _blank(str(so.review_by) if so and so.review_by else None)),
            ("Signature", _blank(None)),
        ]
        self.add("Decision:", "", *self._decision_options(), "")
        self.add(*_table(("", ""), rows), "")

    # --- facts -----------------------------------------------------------------------------

    def facts(self, name: str) -> None:
        """One case section's facts, as the body of the HTML report gives them."""
        method = getattr(self, f"facts_{name}", None)
        if method is not None:
            method()

    def facts_parties(self) -> None:
        ctx = self.ctx
        self.add("### Parties", "")
        rows = [
            (
                p.name,
                ", ".join(self.words(r) for r in p.roles),
                ctx["party_names"].get(p.parent, "") if p.parent else "",
            )
            for p in ctx["body_parties"]
        ]
        self.add(*_table(("Party", "Role", "Part of"), rows), "")
        if ctx["hidden_parties"]:
            self.add(f"Also recorded, outside the flows above: {ctx['hidden_parties']}.", "")

    def facts_subjects(self) -> None:
        if not self.case.subjects:
            return
        self.add("### Whose information", "")
        rows = []
        for s in self.case.subjects:
            count = "unknown"
            if s.count:
                f = s.count[0]
                count = (
                    ("about " if f.approximate else "")
                    + f"{self.figure(f.value)} {f.unit}"
                    + (f" ({f.as_of})" if f.as_of else "")
                    + _cites(f.sources, 3)
                )
            rows.append((s.name, count, s.vulnerability))
        self.add(*_table(("Group", "How many", "Vulnerability"), rows), "")

    def facts_flows(self) -> None:
        ctx = self.ctx
        if not self.case.flows:
            return
        self.add("### How information moves", "")
        if ctx["flow_alt"]:
            self.add(f"Figure {ctx['figure_numbers']['flows']}. {_para(ctx['flow_alt'])}", "")
        rows = []
        for f in self.case.flows:
            status = self.words(ctx["flow_status"].get(f.id, "not yet begun"))
            if f.id in ctx["last_known"]:
                status += f" (last known: {ctx['last_known'][f.id]})"
            rows.append(
                (
                    ctx["flow_labels"][f.id],
                    f.title + _conf(f.confidence),
                    ctx["flow_route"][f.id],
                    ", ".join(ctx["flow_kind"][f.id]),
                    status,
                )
            )
        self.add(
            *_table(
                ("No.", "Flow", "From → to", "Kind", f"Status on {self.a.assessed_as_of}"), rows
            ),
            "",
        )

    def facts_systems(self) -> None:
        ctx = self.ctx
        if not self.case.systems:
            return
        self.add("### Systems", "")
        rows = [
            (s.name + _cites(s.sources, 3) + _conf(s.confidence), *ctx["system_rows"][s.id])
            for s in self.case.systems
        ]
        self.add(
            *_table(
                ("System", "Owner", "Operator", "Hosting", "Status", "Replaces / replaced by"), rows
            ),
            "",
        )

    def facts_data(self) -> None:
        if not self.case.data:
            return
        self.add("### Information involved", "")
        rows = [
            (
                d.name,
                self.words(d.category),
                d.sensitivity,
                _cites(d.sources, 3).strip() + _conf(d.confidence),
            )
            for d in self.case.data
        ]
        self.add(*_table(("Element", "Category", "Sensitivity", "Sources"), rows), "")

    def facts_data_quality(self) -> None:
        if not self.case.data_quality:
            return
        self.add("### Accuracy of the information", "")
        rows = [
            (d.statement, self.tri(d.issue), _cites(d.sources, 3).strip() + _conf(d.confidence))
            for d in self.case.data_quality
        ]
        self.add(*_table(("What the case records", "Problem", "Sources"), rows), "")

    def facts_purposes(self) -> None:
        if not self.case.purposes:
            return
        self.add("### Purposes", "")
        rows = [
            (
                p.statement,
                self.words(p.kind),
                self.tri(p.compatible_with_collection),
                _cites(p.sources, 3).strip() + _conf(p.confidence),
            )
            for p in self.case.purposes
        ]
        self.add(*_table(("Purpose", "Kind", "Fits collection", "Sources"), rows), "")

    def facts_authorities(self) -> None:
        ctx = self.ctx
        if not self.case.authorities:
            return
        self.add("### Legal authorities", "")
        rows = []
        for au in self.case.authorities:
            standing = self.words(ctx["standing"].get(au.id, "not yet in force"))
            if au.id in ctx["last_known"]:
                standing += f" (last known: {ctx['last_known'][au.id]})"
            relied = " (relied on)" if au.relied_on is True else ""
            rows.append((au.citation, au.title + relied, standing))
        self.add(
            *_table(("Citation", "What it is", f"Standing on {self.a.assessed_as_of}"), rows), ""
        )

    def facts_litigation(self) -> None:
        if not self.case.litigation:
            return
        self.add("### Litigation", "")
        rows = []
        for suit in self.case.litigation:
            rulings = "; ".join(
                f"{r.date}: {self.words(r.kind)}, {self.words(r.outcome)}"
                + (f". {r.effect}" if r.effect else "")
                + _cites(r.sources, 3)
                for r in suit.rulings
            )
            rows.append((f"{suit.name} ({suit.court}, {suit.docket})", rulings or suit.status))
        self.add(*_table(("Suit", "Rulings"), rows), "")

    def facts_notice(self) -> None:
        if not self.case.notice:
            return
        self.add("### Notice given", "")
        rows = [
            (
                n.statement,
                self.words(n.kind),
                self.tri(n.provided),
                _cites(n.sources, 3).strip() + _conf(n.confidence),
            )
            for n in self.case.notice
        ]
        self.add(*_table(("What the case records", "Kind", "Provided", "Sources"), rows), "")

    def facts_retention(self) -> None:
        if not self.case.retention:
            return
        self.add("### Retention", "")
        rows = [
            (
                r.statement,
                str(r.period),
                self.tri(r.disposal),
                _cites(r.sources, 3).strip() + _conf(r.confidence),
            )
            for r in self.case.retention
        ]
        self.add(*_table(("What the case records", "Period", "Disposal", "Sources"), rows), "")

    def facts_redress(self) -> None:
        if not self.case.redress:
            return
        self.add("### Remedies", "")
        rows = [
            (
                r.mechanism,
                self.tri(r.available),
                self.tri(r.used),
                _cites(r.sources, 3).strip() + _conf(r.confidence),
            )
            for r in self.case.redress
        ]
        self.add(*_table(("Remedy", "Available here", "Used", "Sources"), rows), "")

    def facts_disputes(self) -> None:
        if not self.case.disputes:
            return
        self.add("### What the sources dispute", "")
        self.add(
            *_table(("Question", "Status"), [(d.question, d.status) for d in self.case.disputes]),
            "",
        )

    def facts_safeguards(self) -> None:
        ctx = self.ctx
        if not self.case.safeguards:
            return
        self.add("### Safeguards", "")
        rows = []
        for sg in self.case.safeguards:
            status = self.words(ctx["safeguard_status"].get(sg.id, "not yet stated"))
            if sg.id in ctx["last_known"]:
                status += f" (last known: {ctx['last_known'][sg.id]})"
            rows.append((sg.title, status))
        self.add(*_table(("Safeguard", f"Status on {self.a.assessed_as_of}"), rows), "")

    def facts_oversight(self) -> None:
        ctx = self.ctx
        if not self.case.oversight:
            return
        self.add("### Oversight", "")
        rows = [
            (
                str(o.date),
                ctx["party_names"].get(o.body, o.body),
                o.activity + _cites(o.sources, 3),
                o.outcome,
            )
            for o in ctx["oversight"]
        ]
        self.add(*_table(("Date", "Body", "Activity", "Outcome"), rows), "")

    # --- appendices ------------------------------------------------------------------------

    def appendices(self) -> None:
        self.trace()
        self.add("## Appendix B. The case in full", "")
        self.add(
            "Every entry of the case, with its sources, is printed in the PDF and HTML report; "
            "here the case file itself is the record (its sha256 is given at the end).",
            "",
        )
        self.unknowns()
        self.sources()
        self.add("## Quality warnings", "")
        self.add(*([f"- {_para(w)}" for w in self.ctx["warning_text"]] or ["- none"]))

    def trace(self) -> None:
        a = self.a
        self.add("## Appendix A. Indicator trace", "")
        self.add(
            *_table(
                ("Framework", "Version", "Score", "Rating"),
                [
                    (
                        r.title,
                        r.version,
                        f"{r.score:.1f}",
                        r.rating_label + (f" (capped: {r.cap_reason})" if r.cap_reason else ""),
                    )
                    for r in a.rubrics
                ],
            ),
            "",
        )
        for r in a.rubrics:
            self.add(f"### {escape_text(r.title)}", "")
            self.add(
                *_table(
                    ("Criterion", "Level", "Governed by", "Confidence"),
                    [
                        (f"{c.title} ({c.id})", c.label, c.governed_by, c.confidence)
                        for c in r.criteria
                    ],
                ),
                "",
            )
            for c in r.criteria:
                labels: dict[str, str] = self.ctx["flow_labels"]
                self.add(f"#### {escape_text(c.id)}: {escape_text(c.label)}", "")
                for i in c.indicators:
                    entries = ", ".join(
                        f"{labels.get(e.entry, e.entry)} [{', '.join(e.sources)}]"
                        if e.sources
                        else labels.get(e.entry, e.entry)
                        for e in i.evidence
                    )
                    self.add(
                        f"- `{i.state}` ({i.bearing}) {escape_text(i.description)}"
                        + (f" — {escape_text(entries)}" if entries else "")
                    )
                self.add("")

    def unknowns(self) -> None:
        self.add("## Appendix C. Every fact that could change the rating", "")
        self.add(
            "Each fact below is unknown or disputed in the case and read by at least one "
            "indicator; it was settled each way the case format allows, and every value that "
            "would move something is listed, for the better or the worse.",
            "",
        )
        self.gaps_table(self.a.sensitivity, full=True)
        questions = self.ctx["open_questions"]
        if questions:
            self.add("### Open questions recorded in the case", "")
            rows = [(q.question, q.why, q.where_to_look + _cites(q.sources)) for q in questions]
            self.add(*_table(("Question", "Why it matters", "Where to look"), rows), "")

    def sources(self) -> None:
        self.add("## Appendix D. Sources", "")
        for s in self.ctx["sources"]:
            date = s.date if s.date != "unknown" else "date unknown"
            url = (
                f" <{escape_text(s.url)}>"
                if s.url and s.url.startswith(("http://", "https://"))
                else ""
            )
            self.add(
                f"- **{escape_text(s.id)}** {_para(s.title)}. {_para(s.publisher)}, {date}. "
                f"*{s.kind}; reliability {s.reliability}.*{url}"
            )
        self.add("")


def _blank(value: str | None) -> str:
    return value if value else "____________"


def render_markdown(
    assessment: Assessment,
    case: Case,
    *,
    profile: str | None = None,
    paper: str | None = None,
) -> str:
    """The report as Markdown, in the same order and with the same content as the HTML and PDF
    body for the chosen profile (``profile`` overrides the case's choice), then the indicator
    trace, every fact that could change the rating, and the sources."""
    from pia.load.profile import choose_paper, choose_profile
    from pia.render.context import build_context

    chosen = choose_profile(case, profile)
    sheet = choose_paper(case, chosen, paper)
    report = _Report(build_context(assessment, case, profile=chosen, paper=sheet))
    report.decision_page()
    report.body()
    report.appendices()
    a = assessment
    report.add(
        "",
        f"*Case `{a.case.id}` as of {a.assessed_as_of} (case sha256 `{a.case.sha256[:16]}`), "
        f"pia {a.pia_version}.*",
    )
    return printable("\n".join(report.out) + "\n", lines=True)
