"""``pia validate``: load case and rubric files fully, and lint cases under ``--strict``.

Every file is checked, whatever happened to the one before, and comes back as a
:class:`~pia.model.validation.CheckedFile`: its errors, or its lint findings after the case's
waivers and the project's ``[tool.pia]`` settings. This module imports only what checking a case
needs; the rubric compiler (celpy, lark) loads only when a rubric file is named, and the lint only
under ``--strict``, so ``pia validate CASE`` stays close to the cost of parsing the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pia.load.case import load_case_located
from pia.load.files import read_text
from pia.load.located import load_located
from pia.load.workspace import file_kind
from pia.model.diagnostics import RULES_BY_CODE, Diagnostic, DiagnosticError, Rule
from pia.model.validation import CheckedFile

if TYPE_CHECKING:
    from pia.load.located import Located
    from pia.load.settings import Settings
    from pia.model.case import Case


def validate_files(
    paths: Sequence[Path],
    *,
    strict: bool = False,
    today: date | None = None,
    rubrics: Sequence[str] = (),
) -> list[CheckedFile]:
    """Check each file in turn. Under ``strict`` a bad ``[tool.pia]`` table is reported once, as
    a file of its own (the pyproject.toml), and the files it governs are linted without it.
    ``rubrics`` (ids or files, default every shipped rubric) are those a case's actions may
    name criteria of, as for ``pia assess --rubric``."""
    out: list[CheckedFile] = []
    found: dict[Path, Settings | None] = {}
    for path in paths:
        settings = None
        if strict:
            from pia.load.settings import load_settings, settings_file  # tomllib: lint only

            where = settings_file(path)
            if where is not None and where not in found:
                try:
                    found[where] = checked_settings(load_settings(where))
                except DiagnosticError as exc:
                    found[where] = None
                    out.append(CheckedFile(str(where), None, None, tuple(exc.diagnostics)))
            settings = found.get(where) if where is not None else None
        out.append(
            validate_file(path, strict=strict, today=today, settings=settings, rubrics=rubrics)
        )
    return out


def validate_file(
    path: Path,
    *,
    strict: bool = False,
    today: date | None = None,
    settings: Settings | None = None,
    rubrics: Sequence[str] = (),
) -> CheckedFile:
    """Load a case or rubric file fully; with ``strict``, lint a case (as of ``today``, default
    the clock's date) and keep the findings its waivers and ``settings`` leave. The criteria a
    case's actions name must be criteria of ``rubrics`` (default: the shipped ones), as
    ``pia assess`` requires; the rubrics are read only for a case whose actions name any."""
    text = ""
    try:
        text = read_text(path)
        located = load_located(text, str(path))
        if file_kind(path, located.data) == "rubric":
            from pia.cel.rubric import load_rubric_located  # celpy and lark: rubrics only

            rubric = load_rubric_located(located, text).rubric
            n = sum(len(c.indicators) for c in rubric.criteria)
            summary = (
                f"rubric {rubric.id} {rubric.version}: "
                f"{len(rubric.criteria)} criteria, {n} indicators"
            )
            return CheckedFile(str(path), "rubric", summary, (), (), text)
        case = load_case_located(located)
        if any(action.criteria for action in case.actions):
            check_action_criteria(case, located, rubrics)
    except DiagnosticError as exc:
        return CheckedFile(str(path), None, None, tuple(exc.diagnostics), (), text)
    summary = f"case {case.id}: {len(case.sources)} sources, {len(case.flows)} flows"
    if not strict:
        return CheckedFile(str(path), "case", summary, (), (), text)
    from pia.authoring.lint import lint

    result = lint(case, located, today=today or date.today())
    kept = tuple(d for d in result.diagnostics if enabled(d.code, path, settings))
    waived = tuple(w for w in result.waived if enabled(w.diagnostic.code, path, settings))
    return CheckedFile(str(path), "case", summary, kept, waived, text)


def check_action_criteria(case: Case, located: Located, rubrics: Sequence[str]) -> None:
    """Raise the located problems of criteria that the case's actions name and ``rubrics``
    (ids or files; default every shipped rubric) do not declare."""
    from pia.load.references import criterion_reference_diagnostics
    from pia.load.rubric import rubric_criteria
    from pia.load.workspace import resolve_rubric_specs

    criteria = rubric_criteria(resolve_rubric_specs(rubrics))
    problems = criterion_reference_diagnostics(case, located, criteria)
    if problems:
        raise DiagnosticError(problems)


# --- settings --------------------------------------------------------------------------------


def lint_rules() -> tuple[Rule, ...]:
    from pia.authoring.lint import LINT_RULES

    return LINT_RULES


def selects(selector: str, rule: Rule) -> bool:
    """A selector names a rule by its code, a prefix of its code (``PIA-W1``) or its name."""
    return rule.code.startswith(selector) or selector == rule.name


def checked_settings(settings: Settings) -> Settings:
    """``settings``, once every selector in it names at least one lint rule. Errors cannot be
    selected or ignored: a file with errors cannot be assessed at all."""
    rules = lint_rules()
    problems: list[Diagnostic] = []
    groups: list[tuple[str, tuple[str, ...]]] = [
        ("select", settings.select or ()),
        ("ignore", settings.ignore),
        *(("per-file-ignores", selectors) for _pattern, selectors in settings.per_file_ignores),
    ]
    for key, selectors in groups:
        for selector in selectors:
            if any(selects(selector, rule) for rule in rules):
                continue
            other = RULES_BY_CODE.get(selector)
            why = (
                f"{selector} is not a lint code ({other.severity.value}s cannot be ignored)"
                if other is not None
                else f"{selector!r} names no lint code"
            )
            problems.append(
                settings.error(
                    key, f"{key}: {why}", f"lint codes: {', '.join(r.code for r in rules)}"
                )
            )
    if problems:
        raise DiagnosticError(problems)
    return settings


def enabled(code: str, path: Path, settings: Settings | None) -> bool:
    """Whether the settings let a lint code be reported for ``path`` (everything, without any)."""
    if settings is None:
        return True
    rule = RULES_BY_CODE[code]
    if settings.select is not None and not any(selects(s, rule) for s in settings.select):
        return False
    return not any(selects(s, rule) for s in settings.ignored_for(path))
