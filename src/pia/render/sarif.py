"""``pia validate --format sarif``: SARIF 2.1.0, as GitHub code scanning reads it.

One run, with every rule of the registry under ``tool.driver.rules`` (so ``ruleIndex`` is stable
from run to run) and its summary and explanation as the help text. Each result points into the
YAML with a 1-based ``region`` (SARIF's default column unit, ``unicodeCodePoints``, is how pia
counts columns) and carries a ``partialFingerprints`` entry that does not depend on the line
number, so an alert follows its line when lines above it are added or removed. Findings that a
case waived are results with an ``inSource`` suppression whose justification is the waiver's
reason: code scanning lists them as dismissed, on the record.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath, PurePosixPath
from urllib.parse import quote

from pia import __version__
from pia.model.diagnostics import RULES, Diagnostic, Rule, Severity
from pia.model.validation import CheckedFile

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: The key of pia's own fingerprint in ``partialFingerprints`` (versioned, as SARIF advises).
FINGERPRINT_KEY = "piaLineHash/v1"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_descriptor(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {
            "text": f"{rule.summary} {rule.explanation}",
            "markdown": f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.explanation}",
        },
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["pia", rule.severity.value]},
    }


def artifact_uri(path: str) -> str:
    """A URI reference for the file: relative paths stay relative (to the repository root, where
    CI runs ``pia validate``), absolute ones become ``file:`` URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return "file://" + quote(pure.as_posix())
    return quote(PurePosixPath(*pure.parts).as_posix())


def line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def fingerprint(d: Diagnostic, text: str, occurrence: int) -> str:
    """A hash of the code, the file, the text of the line (trimmed) and which occurrence of that
    (code, line text) pair in the file this is: stable when other lines move."""
    key = "\0".join((d.code, d.path, line_text(text, d.line), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(
    d: Diagnostic,
    index: dict[str, int],
    text: str,
    seen: Counter[tuple[str, str]],
    suppression: str | None = None,
    waived: bool = False,
) -> dict[str, object]:
    seen_key = (d.code, line_text(text, d.line))
    seen[seen_key] += 1
    message = d.message + (f"; {d.hint}" if d.hint else "")
    result: dict[str, object] = {
        "ruleId": d.code,
        "level": _LEVELS[d.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(d.path)},
                    "region": {"startLine": d.line, "startColumn": d.col},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(d, text, seen[seen_key])},
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if waived:
        suppressed: dict[str, object] = {"kind": "inSource", "status": "accepted"}
        if suppression:
            suppressed["justification"] = suppression
        result["suppressions"] = [suppressed]
    return result


def render_sarif(checked: Sequence[CheckedFile]) -> str:
    """The SARIF log for one ``pia validate`` run, keys sorted, newline-terminated."""
    index = {rule.code: i for i, rule in enumerate(RULES)}
    results: list[dict[str, object]] = []
    for c in checked:
        seen: Counter[tuple[str, str]] = Counter()
        everything = [(d, None, False) for d in c.diagnostics] + [
            (w.diagnostic, w.reason, True) for w in c.waived
        ]
        everything.sort(key=lambda item: item[0].sort_key())
        for d, reason, waived in everything:
            results.append(_result(d, index, c.text, seen, reason, waived))
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pia",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule_descriptor(rule) for rule in RULES],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
