"""``pia diff`` output: terminal text, Markdown for code review, and JSON, from a :class:`CaseDiff`.

Everything printed comes from the :class:`CaseDiff`; these functions only lay it out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import JsonValue
from rich.console import Console
from rich.text import Text

from pia.engine.diff import (
    CaseDiff,
    EntryChange,
    FactLink,
    FieldChange,
    RiskMove,
    RubricMove,
    VersionInfo,
    item_text,
)
from pia.model.diagnostics import printable

ARROW = "→"
MARKS: dict[str, tuple[str, str]] = {
    "removed": ("-", "red"),
    "added": ("+", "green"),
    "changed": ("~", "yellow"),
}


def shorten(text: str, limit: int = 60) -> str:
    """One line, at most ``limit`` characters (an ellipsis marks a cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def show_value(value: JsonValue, limit: int = 60) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return json.dumps(shorten(value, limit - 2), ensure_ascii=False)
    return shorten(item_text(value), limit)


def show_field(change: FieldChange) -> str:
    """``path: old → new``; a list shows the items added and removed instead."""
    if change.added or change.removed:
        items = [f"+{shorten(i, 40)}" for i in change.added]
        items += [f"-{shorten(i, 40)}" for i in change.removed]
        return f"{change.path}: {' '.join(items)}"
    return f"{change.path}: {show_value(change.old)} {ARROW} {show_value(change.new)}"


def show_sources(sources: Sequence[str]) -> str:
    return f"[{', '.join(sources)}]" if sources else "[no sources]"


def show_judged(diff: CaseDiff) -> str:
    if diff.as_of is not None:
        return f"Both versions judged as of {diff.as_of} (--as-of)."
    return (
        f"Each version judged at its own as_of (old {diff.old.assessed_as_of}, "
        f"new {diff.new.assessed_as_of}); pass --as-of DATE to judge both on one date."
    )


def show_version(name: str, v: VersionInfo) -> str:
    cutoff = f", knowledge cutoff {v.knowledge_cutoff}" if v.knowledge_cutoff else ""
    return f"{name}: {v.label} (case {v.case_id}, as_of {v.as_of}{cutoff})"


def show_score(m: RubricMove) -> str:
    score = (
        f"score {m.old_score:.1f} {ARROW} {m.new_score:.1f}"
        if m.old_score != m.new_score
        else f"score {m.new_score:.1f} (unchanged)"
    )
    rating = (
        f"rating {m.old_rating_label} {ARROW} {m.new_rating_label}"
        if m.old_rating != m.new_rating
        else f"rating {m.new_rating_label} (unchanged)"
    )
    return f"{score}; {rating}"


def show_risk(m: RiskMove) -> str:
    def side(likelihood: int | None, severity: int | None, level: str | None) -> str:
        if level is None:
            return "(no such risk)"
        return f"L{likelihood} x S{severity} {level}"

    return (
        f"{side(m.old_likelihood, m.old_severity, m.old_level)} {ARROW} "
        f"{side(m.new_likelihood, m.new_severity, m.new_level)}"
    )


def show_fact(f: FactLink) -> str:
    read = f"; read {', '.join(f.fields_read)}" if f.fields_read else ""
    return f"{f.change} {f.entry} ({f.section}{read}) {show_sources(f.sources)}"


def show_entry(e: EntryChange) -> str:
    parent = f" (in {e.parent})" if e.parent else ""
    label = f": {shorten(e.label)}" if e.label else ""
    sources = f" {show_sources(e.sources)}" if e.change != "changed" else ""
    return f"{e.change} {e.id}{parent}{label}{sources}"


def entry_details(e: EntryChange) -> list[str]:
    out = [show_field(f) for f in e.fields]
    if e.sources_added or e.sources_removed:
        items = [f"+{s}" for s in e.sources_added] + [f"-{s}" for s in e.sources_removed]
        out.append(f"sources: {' '.join(items)}")
    return out


def show_summary(diff: CaseDiff) -> str:
    c = diff.counts
    facts = (
        f"facts: {c.facts_added} added, {c.facts_removed} removed, {c.facts_changed} changed"
        + (f", {c.case_fields_changed} case fields changed" if c.case_fields_changed else "")
    )
    if not diff.moved:
        return f"Summary: no result moved; {facts}."
    moved = ", ".join(
        (
            plural(c.rubrics_moved, "rubric score or rating", "rubric scores or ratings"),
            plural(c.criteria_moved, "criterion level", "criterion levels"),
            plural(c.risks_moved, "residual risk", "residual risks"),
        )
    )
    return f"Summary: results moved: {moved}; {facts}."


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def sections(diff: CaseDiff) -> list[tuple[str, list[EntryChange]]]:
    """Entry changes grouped by section, in the CaseDiff's (section) order."""
    out: list[tuple[str, list[EntryChange]]] = []
    for e in diff.entries:
        if not out or out[-1][0] != e.section:
            out.append((e.section, []))
        out[-1][1].append(e)
    return out


def text_lines(diff: CaseDiff) -> list[Text]:
    """The terminal view: header, results that moved (and why), facts changed, summary."""
    lines = [
        Text("pia diff", style="bold"),
        Text(f"  {show_version('old', diff.old)}"),
        Text(f"  {show_version('new', diff.new)}"),
        Text(f"  {show_judged(diff)}"),
        Text(f"  Rubrics: {', '.join(f'{r.id} {r.version}' for r in diff.rubrics)}"),
        Text(""),
        Text("Results that moved", style="bold"),
    ]
    if not diff.moved:
        lines.append(Text("  no result moved"))
    for m in diff.rubric_moves:
        lines.append(Text(f"  {m.id} ({m.title}): {show_score(m)}", style="bold"))
        for cr in m.criteria:
            lines.append(Text(f"    {cr.id} ({cr.title}): {cr.text}"))
            for ind in cr.indicators:
                lines.append(Text(f"      {ind.id}: {ind.old_state} {ARROW} {ind.new_state}"))
                lines.append(Text(f"        {ind.description}", style="dim"))
                lines += _fact_lines(ind.facts, diff, "        ")
    if diff.risk_moves:
        lines.append(Text("  Residual risks", style="bold"))
    for r in diff.risk_moves:
        lines.append(Text(f"    {r.id} ({shorten(r.title)}): {show_risk(r)}"))
        for mit in r.mitigations:
            lines.append(
                Text(
                    f"      mitigation {mit.safeguard}: {mit.old_status or '(none)'} {ARROW} "
                    f"{mit.new_status or '(none)'}"
                )
            )
        lines += _fact_lines(r.facts, diff, "      ")
    lines += [Text(""), Text("Facts changed", style="bold")]
    if not diff.entries and not diff.case_fields:
        lines.append(Text("  none"))
    if diff.case_fields:
        lines.append(Text("  case", style="bold"))
        lines += [Text(f"    ~ {show_field(f)}") for f in diff.case_fields]
    for section, changes in sections(diff):
        lines.append(Text(f"  {section}", style="bold"))
        for e in changes:
            mark, style = MARKS[e.change]
            line = Text(f"    {mark} ", style=style)
            line.append(show_entry(e))
            lines.append(line)
            lines += [Text(f"        {d}") for d in entry_details(e)]
    lines += [Text(""), Text(show_summary(diff), style="bold")]
    return lines


def _fact_lines(facts: Sequence[FactLink], diff: CaseDiff, indent: str) -> list[Text]:
    if not facts:
        why = (
            "the versions were judged at different dates"
            if diff.old.assessed_as_of != diff.new.assessed_as_of
            else "no edited fact among the entries it read"
        )
        return [Text(f"{indent}({why})", style="dim")]
    out = []
    for f in facts:
        mark, style = MARKS[f.change]
        line = Text(f"{indent}{mark} ", style=style)
        line.append(show_fact(f))
        out.append(line)
    return out


def print_diff(diff: CaseDiff, console: Console | None = None) -> None:
    console = console or Console()
    for line in text_lines(diff):
        console.print(_printable_line(line), soft_wrap=True)


def _printable_line(line: str | Text) -> str | Text:
    """Case text reaches the terminal without raw control characters (escape sequences)."""
    if isinstance(line, str):
        return printable(line, lines=True)
    plain = line.plain
    safe = "".join(c if printable(c, lines=True) == c else "\ufffd" for c in plain)
    if safe == plain:
        return line
    line = line.copy()
    line.plain = safe  # same length: the styled spans stay where they were
    return line


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.replace("|", "\\|").split())


def _line(text: str) -> str:
    return " ".join(text.split())


def _code(text: str) -> str:
    """A Markdown code span that survives backticks inside ``text``."""
    flat = _line(text)
    fence = "`"
    while fence in flat:
        fence += "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def render_markdown(diff: CaseDiff) -> str:
    """The same report as Markdown, for a pull request or a code review."""
    out = [
        f"# pia diff: `{diff.old.label}` {ARROW} `{diff.new.label}`",
        "",
        "| version | file | case | as_of | judged as of | knowledge cutoff |",
        "|---|---|---|---|---|---|",
    ]
    for name, v in (("old", diff.old), ("new", diff.new)):
        out.append(
            f"| {name} | `{_cell(v.label)}` | {v.case_id} | {v.as_of} | {v.assessed_as_of} "
            f"| {v.knowledge_cutoff or ''} |"
        )
    out += [
        "",
        show_judged(diff),
        "",
        f"Rubrics: {', '.join(f'{r.id} {r.version}' for r in diff.rubrics)}.",
        "",
        "## Results that moved",
        "",
    ]
    if not diff.moved:
        out.append("No result moved.")
    if diff.rubric_moves:
        out += ["| rubric | score | rating |", "|---|---|---|"]
        for m in diff.rubric_moves:
            score, rating = show_score(m).split("; ")
            out.append(
                f"| {m.id} | {score.removeprefix('score ')} | {rating.removeprefix('rating ')} |"
            )
        out += ["", "| criterion | level | indicators that changed |", "|---|---|---|"]
        for m in diff.rubric_moves:
            for cr in m.criteria:
                inds = ", ".join(
                    f"`{i.id}` {i.old_state} {ARROW} {i.new_state}" for i in cr.indicators
                )
                out.append(f"| {cr.id} | {cr.text} | {inds} |")
        for m in diff.rubric_moves:
            for cr in m.criteria:
                out += ["", f"### {cr.id}: {cr.text}", ""]
                for i in cr.indicators:
                    out.append(
                        f"- `{i.id}` {i.old_state} {ARROW} {i.new_state}: {_line(i.description)}"
                    )
                    out += _fact_bullets(i.facts, diff)
    if diff.risk_moves:
        out += ["", "### Residual risks", "", "| risk | residual | mitigations |", "|---|---|---|"]
        for r in diff.risk_moves:
            mits = ", ".join(
                f"{m.safeguard} {m.old_status or '(none)'} {ARROW} {m.new_status or '(none)'}"
                for m in r.mitigations
            )
            out.append(f"| {r.id}: {_cell(shorten(r.title))} | {show_risk(r)} | {mits} |")
    out += ["", "## Facts changed", ""]
    if not diff.entries and not diff.case_fields:
        out.append("None.")
    if diff.case_fields:
        out += ["### case", ""]
        out += [f"- changed {_code(show_field(f))}" for f in diff.case_fields]
        out.append("")
    for section, changes in sections(diff):
        out += [f"### {section}", ""]
        for e in changes:
            out.append(f"- {_line(show_entry(e))}")
            out += [f"  - {_code(d)}" for d in entry_details(e)]
        out.append("")
    if out[-1] != "":
        out.append("")
    out.append(show_summary(diff))
    return printable("\n".join(out) + "\n", lines=True)  # case text: no raw escapes


def _fact_bullets(facts: Sequence[FactLink], diff: CaseDiff) -> list[str]:
    if not facts:
        return [f"  - {_line(_fact_lines(facts, diff, '')[0].plain)}"]
    return [f"  - {_line(show_fact(f))}" for f in facts]


def render_json(diff: CaseDiff) -> str:
    data = diff.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_json(text: str) -> CaseDiff:
    return CaseDiff.model_validate_json(text)
