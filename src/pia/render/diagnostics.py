"""``pia validate`` output for people and for CI: text lines, JSON, and GitHub annotations.

Each format lays out the same :class:`~pia.model.validation.CheckedFile` list and computes
nothing. SARIF, for code scanning, is in :mod:`pia.render.sarif`. Imports stay light (no rich, no
Jinja): this is the path of ``pia validate``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pia import __version__
from pia.model.diagnostics import RULES_BY_CODE, Diagnostic, Severity
from pia.model.validation import CheckedFile, Totals

JSON_SCHEMA_VERSION = "1.0"

#: ANSI styles per severity, used only on a terminal that allows colour.
_STYLES: dict[Severity, str] = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_DIM, _RESET = "\x1b[2m", "\x1b[0m"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def text_line(d: Diagnostic, *, color: bool = False) -> str:
    """``file:line:col: severity: message; hint [CODE]``, the severity coloured on request."""
    if not color:
        return d.format()
    hint = f"; {d.hint}" if d.hint else ""
    severity = f"{_STYLES[d.severity]}{d.severity.value}{_RESET}"
    return f"{d.path}:{d.line}:{d.col}: {severity}: {d.message}{hint} {_DIM}[{d.code}]{_RESET}"


def ok_line(checked: CheckedFile, *, strict: bool) -> str:
    """``file: ok (summary)``; under ``--strict`` with the counts of what lint found."""
    assert checked.summary is not None
    extra = ""
    if strict:
        extra = f", {plural(checked.count(Severity.WARNING), 'warning')}"
        if checked.count(Severity.INFO):
            extra += f", {checked.count(Severity.INFO)} info"
        if checked.waived:
            extra += f", {len(checked.waived)} waived"
    return f"{checked.path}: ok ({checked.summary}{extra})"


def summary_line(totals: Totals) -> str:
    """The closing line: ``N errors, M warnings in K files`` (information and waivers when any)."""
    text = f"{plural(totals.errors, 'error')}, {plural(totals.warnings, 'warning')}"
    if totals.waived:
        text += f" ({totals.waived} waived)"
    if totals.info:
        text += f", {totals.info} info"
    return f"{text} in {plural(totals.files, 'file')}"


# --- JSON ------------------------------------------------------------------------------------


def diagnostic_dict(d: Diagnostic) -> dict[str, object]:
    rule = RULES_BY_CODE.get(d.code)
    return {**d.to_dict(), "rule": rule.name if rule else None}


def render_json(checked: Sequence[CheckedFile]) -> str:
    """One document for the whole run, keys sorted, with a schema version and a newline."""
    import json  # only for --format json: not on the text path

    totals = Totals.of(checked)
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "pia", "version": __version__},
        "files": [
            {
                "path": c.path,
                "kind": c.kind,
                "ok": c.count(Severity.ERROR) == 0,
                "summary": c.summary,
                "diagnostics": [diagnostic_dict(d) for d in c.diagnostics],
                "waived": [{**diagnostic_dict(w.diagnostic), "reason": w.reason} for w in c.waived],
            }
            for c in checked
        ],
        "counts": {
            "files": totals.files,
            "errors": totals.errors,
            "warnings": totals.warnings,
            "info": totals.info,
            "waived": totals.waived,
        },
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- GitHub workflow commands ----------------------------------------------------------------

_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic) -> str:
    """A workflow command that GitHub Actions shows as an annotation on the file's line:
    ``::error file=cases/x.yaml,line=3,col=5,title=PIA-E010::message``."""
    rule = RULES_BY_CODE.get(d.code)
    title = f"{d.code} {rule.name}" if rule else d.code
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (("file", d.path), ("line", d.line), ("col", d.col), ("title", title))
    )
    message = d.message + (f"; {d.hint}" if d.hint else "")
    return f"::{_GITHUB_COMMAND[d.severity]} {properties}::{_escape_data(message)}"


def render_github(checked: Sequence[CheckedFile]) -> str:
    lines = [github_line(d) for c in checked for d in c.diagnostics]
    return "".join(f"{line}\n" for line in lines)
