"""``assess(case, rubrics)``: a pure function from facts and criteria to an Assessment.

No I/O, no clock, no randomness: the date to judge at is an argument (default: the case's
``as_of``), the rubric hashes come in with the rubrics, and every collection is walked in a
declared order (rubric order for criteria, case order for entries, sorted ids for sets).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pia import __version__
from pia.cel.evaluate import Outcome
from pia.cel.rubric import LoadedRubric
from pia.cel.values import Memo
from pia.engine import score
from pia.engine.criteria import key_findings, link_crosswalk, rubric_result
from pia.engine.findings import quality_warnings, recommendations
from pia.engine.risks import risk_result
from pia.engine.run import Carried, prepare
from pia.engine.sensitivity import sensitivity
from pia.engine.states import entry_states
from pia.model.assessment import Assessment, CaseInfo
from pia.model.case import Case


def assess(
    case: Case,
    rubrics: Sequence[LoadedRubric],
    *,
    as_of: date | None = None,
    case_sha256: str = "",
    with_sensitivity: bool = True,
    view: dict[str, Any] | None = None,
    reuse: dict[str, Outcome] | None = None,
    carried: Carried | None = None,
) -> Assessment:
    """Score ``case`` against ``rubrics`` as the arrangement stood on ``as_of``.

    ``with_sensitivity=False`` skips the "what would change the rating" analysis (its list is
    then empty), for callers that only compare results, like ``pia diff``. ``view`` is the
    as-of view (``build_view(case, day)``) when the caller has built it already; ``reuse``, outcomes
    by expression the caller knows still hold on ``as_of`` (see :class:`pia.engine.run.Run`);
    ``carried``, CEL values converted by the caller's earlier runs
    (:class:`pia.engine.run.Carried`)."""
    day = as_of or case.as_of
    run = prepare(case, rubrics, day, view, reuse, carried)
    if with_sensitivity:
        # scoring keeps each macro's element results, which the sensitivity analysis reuses
        run.recorder.memo = Memo()
    run.evaluate_all()
    rubric_results = [rubric_result(run, loaded) for loaded in rubrics]
    rubric_results = link_crosswalk(rubric_results, rubrics)
    risks = sorted(
        (risk_result(run, risk_index) for risk_index in range(len(case.risks))),
        key=lambda r: (
            -r.residual_likelihood * r.residual_severity,
            -r.inherent_likelihood * r.inherent_severity,
        ),
    )
    return Assessment(
        pia_version=__version__,
        assessed_as_of=day,
        case=CaseInfo(
            id=case.id,
            title=case.title,
            sha256=case_sha256,
            as_of=case.as_of,
            knowledge_cutoff=case.knowledge_cutoff.latest_fact if case.knowledge_cutoff else None,
        ),
        rubrics=tuple(rubric_results),
        key_findings=key_findings(rubric_results),
        risks=tuple(risks),
        risk_matrix=score.RISK_MATRIX,
        states=entry_states(run.view),
        recommendations=tuple(recommendations(rubric_results)),
        sensitivity=tuple(sensitivity(run)) if with_sensitivity else (),
        warnings=tuple(quality_warnings(rubric_results, risks, case, rubrics)),
        scoring_rules=score.SCORING_RULES,
    )
