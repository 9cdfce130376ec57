"""``pia verify REPORT.pdf``: does the PDF still prove what it says?

A pia report carries its inputs (the case YAML, the rubric files) and its result (the JSON
assessment) as PDF attachments. Verification re-runs the assessment from the attached inputs, as
of the attached result's date, and checks that (1) it reproduces the attached result exactly and
(2) the scores and ratings printed on the pages are those of the result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pia.model.diagnostics import UNREADABLE, Diagnostic, DiagnosticError


@dataclass
class VerifyReport:
    checks: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, message: str) -> None:
        self.checks.append((ok, message))

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.checks)


def _attachments(path: Path) -> dict[str, bytes]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        found = reader.attachments
    except (OSError, PyPdfError, ValueError) as exc:
        raise DiagnosticError(
            [Diagnostic(str(path), 1, 1, UNREADABLE.code, f"cannot read the PDF: {exc}")]
        ) from None
    return {name: contents[0] for name, contents in found.items() if contents}


def page_text(path: Path, pages: int = 3) -> str:
    """Text of the first pages: the cover carries every rubric's score and rating."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages[:pages])


def verify_pdf(path: Path) -> VerifyReport:
    from pia.cel.rubric import load_rubric_text
    from pia.engine import assess
    from pia.load.case import load_case_text
    from pia.render.json import parse_json, render_json

    files = _attachments(path)
    report = VerifyReport()
    case_names = sorted(n for n in files if n.startswith("case-") and n.endswith(".yaml"))
    rubric_names = sorted(n for n in files if n.startswith("rubric-") and n.endswith(".yaml"))
    if "assessment.json" not in files or len(case_names) != 1 or not rubric_names:
        raise DiagnosticError(
            [
                Diagnostic(
                    str(path),
                    1,
                    1,
                    UNREADABLE.code,
                    "not a pia report: it lacks the attached case, rubrics or assessment.json",
                )
            ]
        )
    embedded_text = files["assessment.json"].decode("utf-8")
    embedded = parse_json(embedded_text)
    case_text = files[case_names[0]].decode("utf-8")
    report.add(True, f"attachments: {case_names[0]}, {', '.join(rubric_names)}, assessment.json")
    digest = hashlib.sha256(case_text.encode("utf-8")).hexdigest()
    report.add(digest == embedded.case.sha256, f"case file hash matches the result ({digest[:16]})")
    case = load_case_text(case_text, f"{path}#{case_names[0]}")
    by_id = {}
    for name in rubric_names:
        loaded = load_rubric_text(files[name].decode("utf-8"), f"{path}#{name}")
        by_id[loaded.rubric.id] = loaded
    order = [r.id for r in embedded.rubrics]
    missing = [rid for rid in order if rid not in by_id]
    report.add(
        not missing,
        "every rubric the result names is attached"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
    )
    if missing:
        return report
    rubrics = [by_id[rid] for rid in order]
    for loaded, result in zip(rubrics, embedded.rubrics, strict=True):
        report.add(loaded.sha256 == result.sha256, f"rubric {result.id} hash matches the result")
    again = assess(case, rubrics, as_of=embedded.assessed_as_of, case_sha256=digest)
    same = render_json(again) == embedded_text
    detail = "" if same else _first_difference(embedded_text, render_json(again))
    report.add(same, "re-running the assessment reproduces the attached result" + detail)
    text = " ".join(page_text(path).split())
    for result in embedded.rubrics:
        shown = f"{result.score:.1f}"
        report.add(
            shown in text and result.rating_label in text,
            f"the cover shows {result.id}: {shown}, {result.rating_label}",
        )
    return report


def _first_difference(a: str, b: str) -> str:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            return f" (first difference at line {number}: {x.strip()[:60]!r} vs {y.strip()[:60]!r})"
    return " (the results differ in length)"
