"""``pia verify REPORT.pdf``: does the PDF still prove what it says?

A pia report carries its inputs (the case YAML, the rubric files) and its result (the JSON
assessment) as PDF attachments. Verification re-runs the assessment from the attached inputs, as
of the attached result's date, and checks that (1) every attached rubric that bears the id of a
rubric pia ships is that rubric, word for word (a changed rubric must carry its own id: otherwise
thresholds of -1 under the id ``core`` would verify as "Adequate"), (2) the re-run reproduces the
attached result exactly and (3) the scores and ratings printed on the pages are those of the
result.

The PDF is hostile input. It is read within limits (:data:`MAX_PDF_BYTES`, and each attachment
inflated to at most :data:`MAX_ATTACHMENT_BYTES`, so a small stream cannot inflate to gigabytes);
anything that keeps it from being read, a missing, damaged, non-UTF-8 or malformed attachment, is
a located "damaged report" diagnostic (exit 2); and every message that quotes the file is made
printable before it reaches a terminal.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pia.load.files import read_bounded
from pia.model.diagnostics import DAMAGED_REPORT, Diagnostic, DiagnosticError, printable

#: The largest PDF ``pia verify`` reads (pia's own reports are a few megabytes).
MAX_PDF_BYTES = 200 * 1024 * 1024
#: The largest an attachment may be once inflated (a case or rubric is at most 5 MB; the JSON
#: result of a large case is bigger).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
#: At most this many attachments, and name-tree levels, are looked at.
MAX_ATTACHMENTS = 256
MAX_NAME_TREE_DEPTH = 16


@dataclass
class VerifyReport:
    checks: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, message: str) -> None:
        """Record a check; the message may quote the file, so it is made printable here."""
        self.checks.append((ok, printable(message)))

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.checks)


def damaged(path: Path | str, message: str, hint: str | None = None) -> DiagnosticError:
    """The located error for a file that is not a readable pia report."""
    return DiagnosticError(
        [Diagnostic(str(path), 1, 1, DAMAGED_REPORT.code, printable(message), hint)]
    )


def _attachments(path: Path) -> dict[str, bytes]:
    """The attached files by name, each inflated within :data:`MAX_ATTACHMENT_BYTES`."""
    from pypdf import PdfReader

    data = read_bounded(path, MAX_PDF_BYTES)
    try:
        reader = PdfReader(io.BytesIO(data))
        specs = list(_embedded_files(reader.trailer["/Root"]))
    except DiagnosticError:
        raise
    except Exception as exc:  # pypdf on a hostile file: any failure means "damaged"
        raise damaged(path, f"not a pia report: the PDF cannot be read ({_reason(exc)})") from None
    out: dict[str, bytes] = {}
    for name, spec in specs:
        if name in out:
            raise damaged(
                path,
                f"damaged report: attachment {name!r} appears twice, so it is not clear which "
                "one the report stands on",
            )
        try:
            out[name] = _file_data(spec)
        except _TooLarge:
            raise damaged(
                path,
                f"damaged report: attachment {name!r} inflates to more than "
                f"{MAX_ATTACHMENT_BYTES:,} bytes",
            ) from None
        except Exception as exc:
            raise damaged(
                path, f"damaged report: attachment {name!r} cannot be read ({_reason(exc)})"
            ) from None
    return out


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _TooLarge(Exception):
    pass


def _embedded_files(root: Any) -> Iterator[tuple[str, Any]]:
    """(name, file specification) of each embedded file, from the document's name tree."""
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return
    pending: list[tuple[Any, int]] = [(tree.get_object(), 0)]
    count = 0
    while pending:
        node, depth = pending.pop(0)
        if depth > MAX_NAME_TREE_DEPTH:
            raise ValueError("the attachment list nests too deeply")
        pairs = node.get("/Names")
        if pairs is not None:
            pairs = pairs.get_object()
            for i in range(0, len(pairs) - 1, 2):
                count += 1
                if count > MAX_ATTACHMENTS:
                    raise ValueError(f"more than {MAX_ATTACHMENTS} attachments")
                yield str(pairs[i]), pairs[i + 1].get_object()
        for kid in node.get("/Kids") or ():
            pending.append((kid.get_object(), depth + 1))


def _file_data(spec: Any) -> bytes:
    """An embedded file's bytes, inflated by pia itself within the limit (only the encodings a
    pia report uses: none, or Flate)."""
    stream = spec["/EF"]["/F"].get_object()
    raw = getattr(stream, "_data", None)
    if not isinstance(raw, bytes):
        raise ValueError("the attachment holds no data")
    filters = stream.get("/Filter")
    if filters is not None:
        filters = filters.get_object()
        names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
    else:
        names = []
    if stream.get("/DecodeParms") is not None:
        raise ValueError("the attachment uses a predictor pia reports never use")
    if names == []:
        if len(raw) > MAX_ATTACHMENT_BYTES:
            raise _TooLarge
        return raw
    if names != ["/FlateDecode"]:
        raise ValueError(f"the attachment is encoded with {', '.join(names)}")
    inflate = zlib.decompressobj()
    out = inflate.decompress(raw, MAX_ATTACHMENT_BYTES + 1)
    if len(out) > MAX_ATTACHMENT_BYTES or inflate.unconsumed_tail:
        raise _TooLarge
    return out


def page_text(path: Path, pages: int = 3) -> str:
    """Text of the first pages: the cover carries every rubric's score and rating."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(read_bounded(path, MAX_PDF_BYTES)))
        return "\n".join(page.extract_text() or "" for page in reader.pages[:pages])
    except DiagnosticError:
        raise
    except Exception as exc:  # pypdf on a hostile file
        raise damaged(path, f"damaged report: its pages cannot be read ({_reason(exc)})") from None


def _text(path: Path, files: dict[str, bytes], name: str) -> str:
    try:
        return files[name].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise damaged(
            path, f"damaged report: attachment {name!r} is not UTF-8 text (byte {exc.start})"
        ) from None


def verify_pdf(path: Path) -> VerifyReport:
    from pydantic import ValidationError

    from pia.cel.rubric import load_rubric_text
    from pia.engine import assess
    from pia.load.case import load_case_text
    from pia.render.json import parse_json, render_json

    files = _attachments(path)
    report = VerifyReport()
    case_names = sorted(n for n in files if n.startswith("case-") and n.endswith(".yaml"))
    rubric_names = sorted(n for n in files if n.startswith("rubric-") and n.endswith(".yaml"))
    if "assessment.json" not in files or len(case_names) != 1 or not rubric_names:
        raise damaged(
            path,
            "not a pia report: it lacks the attached case, rubrics or assessment.json",
            "pia verify checks the PDF reports pia assess writes",
        )
    embedded_text = _text(path, files, "assessment.json")
    try:
        embedded = parse_json(embedded_text)
    except (ValidationError, ValueError) as exc:
        raise damaged(
            path, f"damaged report: assessment.json is not a pia result ({_reason(exc)})"
        ) from None
    case_text = _text(path, files, case_names[0])
    report.add(True, f"attachments: {case_names[0]}, {', '.join(rubric_names)}, assessment.json")
    digest = hashlib.sha256(case_text.encode("utf-8")).hexdigest()
    report.add(digest == embedded.case.sha256, f"case file hash matches the result ({digest[:16]})")
    case = load_case_text(case_text, f"{path}#{case_names[0]}")
    by_id = {}
    for name in rubric_names:
        loaded = load_rubric_text(_text(path, files, name), f"{path}#{name}")
        by_id[loaded.rubric.id] = loaded
    for loaded in by_id.values():
        ok, message = compare_with_shipped(loaded.rubric.id, loaded.rubric.version, loaded.text)
        report.add(ok, message)
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


def compare_with_shipped(rubric_id: str, version: str, text: str) -> tuple[bool, str]:
    """Whether an attached rubric that bears a shipped rubric's id is that rubric, word for word.

    A rubric with the id of a shipped one is read by everyone as the shipped criteria, so it must
    be the shipped file of that version; a changed or custom rubric must carry its own id."""
    from pia.cel.rubric import load_rubric
    from pia.load.workspace import shipped_rubric_paths

    shipped_paths = {p.stem: p for p in shipped_rubric_paths()}
    path = shipped_paths.get(rubric_id)
    shipped = None
    if path is not None:
        shipped = load_rubric(path)
    if shipped is None or shipped.rubric.id != rubric_id:
        return True, f"rubric {rubric_id} {version} is not a shipped rubric: checked by re-running"
    if shipped.rubric.version != version:
        return False, (
            f"rubric {rubric_id} {version} bears the id of a shipped rubric, but pia ships "
            f"{rubric_id} {shipped.rubric.version}: it cannot be checked against the rubric it "
            "claims to be (a changed rubric must carry its own id)"
        )
    if hashlib.sha256(text.encode("utf-8")).hexdigest() == shipped.sha256:
        return True, f"rubric {rubric_id} {version} is the shipped rubric"
    from pia.load.located import load_located
    from pia.load.rubric import parse_rubric

    where = ""
    try:
        attached, _ = parse_rubric(load_located(text, f"rubric-{rubric_id}.yaml"))
        where = _model_difference(
            attached.model_dump(mode="json"), shipped.rubric.model_dump(mode="json")
        )
    except DiagnosticError:  # pragma: no cover - the attached rubric loaded before
        pass
    return False, (
        f"rubric {rubric_id} {version} differs from the shipped rubric {rubric_id} {version}"
        + (f" ({where})" if where else " (in its text)")
        + ": a changed rubric must carry its own id"
    )


def _model_difference(a: object, b: object, at: str = "") -> str:
    """The first path where two dumped models differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _model_difference(a.get(key), b.get(key), f"{at}.{key}" if at else key)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _model_difference(x, y, f"{at}[{i}]")
    return f"{at or 'the rubric'}: {_short(a)} here, {_short(b)} shipped"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_difference(a: str, b: str) -> str:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            return f" (first difference at line {number}: {x.strip()[:60]!r} vs {y.strip()[:60]!r})"
    return " (the results differ in length)"
