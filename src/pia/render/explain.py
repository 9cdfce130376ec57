"""``pia explain``: one criterion's reasons in the terminal, from the Assessment only."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pia.model.assessment import Assessment, CriterionResult
from pia.model.case import Case

_STATE_STYLE = {"good": "green", "bad": "red", "unknown": "yellow"}


def find_criterion(assessment: Assessment, name: str) -> CriterionResult | None:
    matches = [
        c
        for r in assessment.rubrics
        for c in r.criteria
        if c.id == name or c.id.split(".", 1)[1] == name
    ]
    return matches[0] if len(matches) == 1 else None


def print_explanation(
    case: Case, assessment: Assessment, result: CriterionResult, console: Console | None = None
) -> None:
    console = console or Console()
    sources = {s.id: s for s in case.sources}
    say = console.print
    say(Text(f"{result.id}: {result.title}", style="bold"))
    say(Text(f"Question: {result.question}"))
    say(
        Text(
            f"Level: {result.label} ({result.level}) as of {assessment.assessed_as_of}; "
            f"share of indicator weight in good state {result.share:.0%}; "
            f"best case if unknowns went well: {result.best_case_level}"
        )
    )
    say(Text(f"Confidence: {result.confidence} ({result.confidence_detail})"))
    if result.capped_by:
        say(Text(f"Capped by: {', '.join(result.capped_by)}"))
    if result.judgment is not None:
        j = result.judgment
        agree = "agrees with" if j.agrees else "differs from"
        say(Text(f"Assessor judgment: {j.label} ({agree} the derived level). {j.rationale}"))
    table = Table(show_lines=True)
    table.add_column("indicator")
    table.add_column("state")
    table.add_column("effect")
    table.add_column(Text("evidence (entry: fields [sources])"))
    for ind in result.indicators:
        evidence = (
            "\n".join(
                f"{e.entry} ({e.section}, {e.confidence}): {', '.join(e.fields)} "
                f"[{', '.join(e.sources)}]"
                for e in ind.evidence
            )
            or "(no case entry read)"
        )
        if ind.unknown_facts:
            evidence += "\nunknown: " + ", ".join(ind.unknown_facts)
        table.add_row(
            Text(f"{ind.id}\n{ind.description}"),
            Text(ind.state, style=_STATE_STYLE[ind.bearing]),
            Text(f"{ind.effect} (w {ind.weight:g})" + (f", caps {ind.caps}" if ind.caps else "")),
            Text(evidence),
        )
    say(table)
    cited = sorted({s for ind in result.indicators for e in ind.evidence for s in e.sources})
    if cited:
        say(Text("Sources", style="bold"))
        for sid in cited:
            src = sources.get(sid)
            if src is not None:
                say(Text(f"  {sid}: {src.title}. {src.publisher}, {src.date}. {src.url or ''}"))
    if result.recommendation:
        say(Text(f"Recommendation: {result.recommendation}"))
