"""Risk results: the inherent rating (the case's, before any safeguard), the residual one its
mitigations give on the date, and, for a risk that does not move, which mitigation verified would
move it and how far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pia.cel.values import Unknown
from pia.engine import score
from pia.engine.run import Run
from pia.model.assessment import MitigationResult, RiskResult, SafeguardEffect, TargetResult


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
    inherent_level = score.risk_level(risk.likelihood, risk.severity)
    residual_level = score.risk_level(residual, risk.severity)
    target = None
    if risk.target is not None:
        t = risk.target
        target = TargetResult(
            likelihood=t.likelihood,
            severity=t.severity,
            level=(
                score.risk_level(t.likelihood, t.severity)
                if t.likelihood is not None and t.severity is not None
                else None
            ),
            by=None if t.by is None else str(t.by),
        )
    return RiskResult(
        id=risk.id,
        title=risk.title,
        description=risk.description,
        feared_event=risk.feared_event,
        rationale=risk.rationale,
        inherent_likelihood=risk.likelihood,
        inherent_severity=risk.severity,
        inherent_level=inherent_level,
        residual_likelihood=residual,
        residual_severity=risk.severity,
        residual_level=residual_level,
        mitigations=tuple(mitigations),
        basis=tuple(risk.basis),
        sources=tuple(risk.sources),
        treatment=risk.treatment,
        owner=risk.owner,
        target=target,
        if_verified=(
            if_verified(risk.likelihood, risk.severity, mitigations)
            if residual_level == inherent_level
            else ()
        ),
    )


def if_verified(
    likelihood: int, severity: int, mitigations: list[MitigationResult]
) -> tuple[SafeguardEffect, ...]:
    """Each mitigation not yet verified that, verified with the others as they are, would lower
    the residual likelihood: the furthest move first, then the case's order."""
    statuses = [m.status for m in mitigations]
    now = score.residual_likelihood(likelihood, statuses)
    effects = []
    for i, m in enumerate(mitigations):
        if m.status == "verified":
            continue
        after = score.residual_likelihood(
            likelihood, [*statuses[:i], "verified", *statuses[i + 1 :]]
        )
        if after < now:
            effects.append(
                (
                    after,
                    i,
                    SafeguardEffect(
                        safeguard=m.safeguard,
                        title=m.title,
                        status=m.status,
                        residual_likelihood=after,
                        residual_level=score.risk_level(after, severity),
                    ),
                )
            )
    return tuple(effect for _after, _i, effect in sorted(effects, key=lambda e: (e[0], e[1])))
