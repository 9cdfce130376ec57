"""Risk results: the inherent rating, and the residual one its safeguards give on the date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pia.cel.values import Unknown
from pia.engine import score
from pia.engine.run import Run
from pia.model.assessment import MitigationResult, RiskResult


def safeguard_statuses(view: Mapping[str, Any]) -> dict[str, str]:
    """Safeguard id -> status on the assessment date (``unknown`` when not known)."""
    out = {}
    for sg in view.get("safeguards", []):
        status = sg.get("status")
        out[sg["id"]] = "unknown" if isinstance(status, Unknown) else str(status)
    return out


def risk_result(run: Run, index: int, statuses: Mapping[str, str] | None = None) -> RiskResult:
    """A risk's inherent and residual ratings; ``statuses`` overrides the safeguards' statuses
    on the date (the sensitivity analysis settles one at a time)."""
    risk = run.case.risks[index]
    statuses = statuses if statuses is not None else safeguard_statuses(run.view)
    titles = {sg.id: sg.title for sg in run.case.safeguards}
    sources = {sg.id: tuple(sg.sources) for sg in run.case.safeguards}
    mitigations = []
    for sg in risk.mitigations:
        status = statuses.get(sg, "absent")  # not yet in existence on the date: no effect
        mitigations.append(
            MitigationResult(
                safeguard=sg,
                title=titles.get(sg, sg),
                status=status,
                reduction=score.MITIGATION_STRENGTH.get(status, 0.0),
                sources=sources.get(sg, ()),
            )
        )
    residual = score.residual_likelihood(risk.likelihood, [m.status for m in mitigations])
    return RiskResult(
        id=risk.id,
        title=risk.title,
        description=risk.description,
        feared_event=risk.feared_event,
        rationale=risk.rationale,
        inherent_likelihood=risk.likelihood,
        inherent_severity=risk.severity,
        inherent_level=score.risk_level(risk.likelihood, risk.severity),
        residual_likelihood=residual,
        residual_severity=risk.severity,
        residual_level=score.risk_level(residual, risk.severity),
        mitigations=tuple(mitigations),
        basis=tuple(risk.basis),
        sources=tuple(risk.sources),
    )
