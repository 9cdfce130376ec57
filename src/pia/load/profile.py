"""Report profiles: the shipped ``pia/data/profiles/*.yaml``, validated, and the choice of one
for a case (``--profile``, else the case's ``report.profile``, else its jurisdiction's)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pia.load.located import load_located
from pia.load.schema import validate_located
from pia.model.case import Case
from pia.model.diagnostics import UNREADABLE, Diagnostic, DiagnosticError
from pia.model.profile import Paper, Profile

#: The profile a case gets when neither it nor the command line names one.
DEFAULT_PROFILE = "dhs"


def profiles_dir() -> Path:
    return Path(str(resources.files("pia") / "data" / "profiles"))


def profile_ids() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def load_profile(profile_id: str) -> Profile:
    """The shipped profile ``profile_id``; an unknown id is a located diagnostic."""
    path = profiles_dir() / f"{profile_id}.yaml"
    if profile_id not in profile_ids():
        raise DiagnosticError(
            [
                Diagnostic(
                    profile_id,
                    1,
                    1,
                    UNREADABLE.code,
                    f"no report profile {profile_id!r}; shipped profiles: "
                    f"{', '.join(profile_ids())}",
                )
            ]
        )
    located = load_located(path.read_bytes(), str(path))
    return validate_located(located, Profile)


def choose_profile(case: Case, override: str | None = None) -> Profile:
    """``override`` (``--profile``), else the case's ``report.profile``, else the shipped profile
    for the case's jurisdiction, else :data:`DEFAULT_PROFILE`."""
    settings = case.report
    if override:
        return load_profile(override)
    if settings is not None and settings.profile:
        return load_profile(settings.profile)
    if settings is not None and settings.jurisdiction:
        for pid in profile_ids():
            profile = load_profile(pid)
            if settings.jurisdiction in profile.jurisdictions:
                return profile
    return load_profile(DEFAULT_PROFILE)


def choose_paper(case: Case, profile: Profile, override: str | None = None) -> Paper:
    """``override`` (``--paper``), else the case's ``report.paper``, else the profile's."""
    if override == "letter":
        return "letter"
    if override == "a4":
        return "a4"
    if case.report is not None and case.report.paper is not None:
        return case.report.paper
    return profile.paper
