"""One assessment run: the as-of view as CEL values, and every indicator evaluated once.

Scoring and the sensitivity analysis share a :class:`Run`: the sensitivity analysis substitutes
one fact at a time into the same CEL maps and re-evaluates the indicators that read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pia.cel.evaluate import Compiled, Outcome, evaluate
from pia.cel.rubric import LoadedRubric, too_costly
from pia.cel.values import CostExceeded, Recorder, TracedMap, Truth, to_cel
from pia.engine.view import build_view, derived_reads
from pia.model.assessment import TruthValue
from pia.model.case import ID_SECTIONS, Case
from pia.model.diagnostics import CEL_RUNTIME, Diagnostic, DiagnosticError
from pia.model.entries import declared_entries
from pia.model.rubric import Criterion, Rubric

#: The entry key under which reads of the case's own sections are recorded (``case.litigation``
#: is the fact ``("", "litigation")``). No entry id is empty, so it names no entry: such a read
#: is never evidence, but a section the case leaves unknown is a fact the sensitivity analysis
#: settles, and what read it must be evaluated again.
ROOT = ""

TRUTH_VALUES: dict[Truth, TruthValue] = {
    Truth.TRUE: "true",
    Truth.FALSE: "false",
    Truth.UNKNOWN: "unknown",
}


@dataclass
class Run:
    """Everything one assessment run evaluates, shared by scoring and the sensitivity analysis."""

    case: Case
    rubrics: Sequence[LoadedRubric]
    day: date
    view: dict[str, Any]
    recorder: Recorder
    activation: dict[str, Any]
    #: entry id -> the CEL map standing for it (for substituting one fact at a time)
    maps: dict[str, TracedMap]
    #: entry id -> (section, confidence, sources)
    entries: dict[str, tuple[str, str, tuple[str, ...]]]
    outcomes: dict[tuple[str, str, str], Outcome] = field(default_factory=dict)
    #: entry id -> sources of the status in force on the date (flows, safeguards, authorities)
    status_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: indicators whose ``applies_when`` is false on this case: they do not count
    not_applicable: set[tuple[str, str, str]] = field(default_factory=set)
    #: expression source -> outcome, kept by a caller that judges one case on several dates and
    #: drops what a changed section could change (see pia.engine.history); None: no reuse
    reuse: dict[str, Outcome] | None = None

    def truths(self, rubric: Rubric, criterion: Criterion) -> dict[str, Truth]:
        """Indicator id -> truth, for one criterion of one rubric; an indicator that does not
        apply to the case is left out."""
        return {
            ind.id: self.outcomes[(rubric.id, criterion.id, ind.id)].truth
            for ind in criterion.indicators
            if (rubric.id, criterion.id, ind.id) not in self.not_applicable
        }

    def evaluate_all(self) -> None:
        """Evaluate every indicator once. Rubrics often ask the same question (the same CEL
        text); within one run the answer is the same, so it is computed once."""
        problems: list[Diagnostic] = []
        by_source: dict[str, Outcome] = {}
        for loaded in self.rubrics:
            for criterion in loaded.rubric.criteria:
                for ind in criterion.indicators:
                    compiled = loaded.compiled[(criterion.id, ind.id)]
                    outcome = self._evaluate_once(loaded, criterion, ind.id, compiled, by_source)
                    applies = loaded.applies.get((criterion.id, ind.id))
                    if applies is not None and outcome.error is None:
                        condition = self._evaluate_once(
                            loaded, criterion, ind.id, applies, by_source
                        )
                        if condition.error is not None:
                            outcome = condition
                        else:
                            outcome, applicable = with_applicability(outcome, condition)
                            if not applicable:
                                self.not_applicable.add((loaded.rubric.id, criterion.id, ind.id))
                    if outcome.error is not None:
                        line, col = loaded.positions[(criterion.id, ind.id)]
                        problems.append(
                            Diagnostic(
                                loaded.path,
                                line,
                                col,
                                CEL_RUNTIME.code,
                                f"indicator {criterion.id}/{ind.id} failed on case "
                                f"{self.case.id!r}: {outcome.error}",
                                "an error is never read as false; fix the expression",
                            )
                        )
                    self.outcomes[(loaded.rubric.id, criterion.id, ind.id)] = outcome
        if problems:
            raise DiagnosticError(problems)

    def _evaluate_once(
        self,
        loaded: LoadedRubric,
        criterion: Criterion,
        indicator: str,
        compiled: Compiled,
        by_source: dict[str, Outcome],
    ) -> Outcome:
        outcome = by_source.get(compiled.source)
        if outcome is None and self.reuse is not None:
            outcome = self.reuse.get(compiled.source)
        if outcome is None:
            try:
                outcome = evaluate(compiled, self.activation, self.recorder)
            except CostExceeded as exc:
                raise too_costly(loaded, criterion.id, indicator, exc) from None
            if self.reuse is not None:
                self.reuse[compiled.source] = outcome
        by_source[compiled.source] = outcome
        return outcome


def with_applicability(outcome: Outcome, condition: Outcome) -> tuple[Outcome, bool]:
    """An indicator's outcome given its ``applies_when``, and whether it applies. False: it does
    not apply (its own outcome is kept for the trace). Unknown: it may not apply, so a false
    indicator is unknown (a true one stands: what it found exists either way). The condition's
    reads join the indicator's, so settling them in the sensitivity analysis reaches it."""
    if condition.truth is Truth.FALSE:
        return outcome, False
    reads = outcome.reads | condition.reads
    if condition.truth is Truth.UNKNOWN and outcome.truth is Truth.FALSE:
        return Outcome(Truth.UNKNOWN, reads, evidence=condition.evidence), True
    return Outcome(outcome.truth, reads, outcome.error, outcome.evidence), True


@dataclass
class Carried:
    """CEL values carried from one run to the next by a caller that judges one case on
    successive dates, where most entries of the view stay the same (see pia.engine.history).

    ``memo`` maps the identity of a dict of the view to its CEL map: the caller seeds it with
    the maps of entries whose content has not changed since a run that converted them, and the
    conversion adds every dict it converts. A map stands for the content it was converted from
    (CEL values are never changed while indicators are evaluated), so a seeded map evaluates
    as a fresh one would. Every map reports its reads to ``recorder``, which is therefore
    shared by the runs; each run starts its step count afresh."""

    recorder: Recorder = field(default_factory=Recorder)
    memo: dict[int, Any] = field(default_factory=dict)


def prepare(
    case: Case,
    rubrics: Sequence[LoadedRubric],
    day: date,
    view: dict[str, Any] | None = None,
    reuse: dict[str, Outcome] | None = None,
    carried: Carried | None = None,
) -> Run:
    """The as-of view of the case as CEL values, ready to evaluate every indicator. ``view``, if
    given, is ``build_view(case, day)`` already built by the caller; ``reuse`` holds outcomes by
    expression that the caller knows still hold (the run adds the ones it evaluates);
    ``carried``, CEL values converted by earlier runs (see :class:`Carried`)."""
    view = build_view(case, day) if view is None else view
    if carried is None:
        recorder = Recorder()
        root = to_cel(view, recorder)
    else:
        recorder = carried.recorder
        recorder.reset()
        recorder.run_steps = 0
        root = to_cel(view, recorder, carried.memo)
    root.entry = ROOT
    recorder.derived = derived_reads(view, ROOT)
    maps: dict[str, TracedMap] = {ROOT: root}
    for section in [*ID_SECTIONS, "litigation"]:
        for item in _cel_entries(root, section):
            if isinstance(item, TracedMap) and item.entry is not None:
                maps[item.entry] = item
    for suit in _cel_entries(root, "litigation"):
        for ruling in suit.get("rulings", []):
            if isinstance(ruling, TracedMap) and ruling.entry is not None:
                maps[ruling.entry] = ruling
    recorder.reset()
    status_sources = {
        e["id"]: tuple(e.get("status_sources") or ())
        for section in ("flows", "safeguards", "authorities")
        for e in view.get(section, [])
    }
    return Run(
        case,
        rubrics,
        day,
        view,
        recorder,
        {"case": root},
        maps,
        entry_index(case),
        status_sources=status_sources,
        reuse=reuse,
    )


def _cel_entries(root: TracedMap, section: str) -> list[Any]:
    """A section's entries as CEL values; an unknown section (an error value) has none."""
    value = root.get(section, [])
    return list(value) if isinstance(value, list) else []


def entry_index(case: Case) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Entry id -> (section, confidence, sources), for evidence. A ruling's evidence is filed
    under the litigation it belongs to."""
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for d in declared_entries(case):
        section = d.section if d.parent is None else "litigation"
        out[d.id] = (
            section,
            getattr(d.entry, "confidence", "confirmed"),
            tuple(getattr(d.entry, "sources", ())),
        )
    return out
