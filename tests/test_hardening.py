"""Hostile files and large cases (issue 13): each defect found by attacking pia, with its exact
input and the behaviour that replaced it. Each test failed before its fix.

Malformed case and rubric files that are refused with a located error live in the fixture
tables (``tests/data/invalid/e013-*``, ``tests/data/rubrics/e012-threshold-*``, ``e013-*``,
``e033-thresholds-*``, ``e034-*``, ``e036-*``, ``e030-blank-*``); this file holds the defects
that need more than one file to show.
"""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import re
import stat
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pia.cli import main
from pia.model.diagnostics import DiagnosticError

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yaml"
CORE = ROOT / "src" / "pia" / "data" / "rubrics" / "core.yaml"
#: The shipped core rubric's version, as its file states it.
CORE_VERSION = next(
    line.split(":", 1)[1].strip()
    for line in CORE.read_text(encoding="utf-8").splitlines()
    if line.startswith("version:")
)
TEST_RUBRIC = ROOT / "tests" / "data" / "rubrics" / "test.yaml"
ESC = "\x1b"


def codes(exc: pytest.ExceptionInfo[DiagnosticError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


# --- 1. private temp and cache files -----------------------------------------------------------


def fontconfig_in_fresh_process(env: dict[str, str]) -> str:
    """Where ``pinned_fontconfig`` writes fonts.conf, in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", "from pia.render.fonts import pinned_fontconfig as p; print(p())"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_symlink_planted_in_the_old_predictable_temp_folder_is_never_written_through(
    tmp_path: Path,
) -> None:
    """Before: fonts.conf went to $TMPDIR/pia-fontconfig-<hash of the fonts path>, created with
    exist_ok and written through whatever was there, so another user's symlink made pia
    overwrite any file its user could write."""
    from pia.load.files import is_private_dir
    from pia.render.fonts import fonts_dir

    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    key = hashlib.sha256(str(fonts_dir()).encode("utf-8")).hexdigest()[:12]
    planted = shared_tmp / f"pia-fontconfig-{key}"
    planted.mkdir()
    (planted / "fonts.conf").symlink_to(victim)
    conf = fontconfig_in_fresh_process(
        {"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    )
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not Path(conf).is_relative_to(planted)
    assert is_private_dir(Path(conf).parent)


def test_without_a_private_cache_folder_fonts_go_to_a_fresh_private_temp_folder(
    tmp_path: Path,
) -> None:
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    open_cache = tmp_path / "cache"
    (open_cache / "pia").mkdir(parents=True)
    (open_cache / "pia").chmod(0o777)  # anyone may write there: not trusted
    first = Path(
        fontconfig_in_fresh_process({"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(open_cache)})
    )
    second = Path(
        fontconfig_in_fresh_process({"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(open_cache)})
    )
    assert first.parent != second.parent  # not a predictable name
    assert not first.is_relative_to(open_cache)
    assert not first.parent.exists()  # removed when the process ended


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_cache_folder_others_may_write_is_not_trusted(tmp_path: Path, mode: int) -> None:
    from pia.load.files import is_private_dir

    folder = tmp_path / "pia"
    folder.mkdir()
    folder.chmod(mode)
    assert not is_private_dir(folder)


def test_a_cache_folder_that_is_a_symlink_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.load.files import private_cache_dir

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "pia").symlink_to(elsewhere)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert private_cache_dir("cel") is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_cache_folder_owned_by_another_user_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.load.files import private_cache_dir

    cache = tmp_path / "cache"
    (cache / "pia").mkdir(parents=True, mode=0o700)
    os.chown(cache / "pia", 65534, 65534)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    assert private_cache_dir("cel") is None


def test_private_cache_folders_are_created_0700(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.load.files import private_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = private_cache_dir("cel")
    assert folder is not None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700


class _Planted:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


def test_a_grammar_cache_pickle_in_a_folder_others_may_write_is_never_loaded(
    tmp_path: Path,
) -> None:
    """Before: the Lark grammar cache (a pickle) was loaded from $XDG_CACHE_HOME/pia whatever
    its owner and mode, and Lark unpickles before it checks the hash: code execution for
    whoever could write there."""
    cache = tmp_path / "cache"
    for folder in (cache / "pia", cache / "pia" / "cel"):
        folder.mkdir(parents=True)
        folder.chmod(0o777)
    marker = tmp_path / "pwned"
    payload = b"0" * 64 + b"\n" + pickle.dumps(_Planted(str(marker)))
    script = (
        "import hashlib, celpy, lark\n"
        "from pathlib import Path\n"
        "v = getattr(celpy, '__version__', '0')\n"
        "g = (Path(celpy.__file__).parent / 'cel.lark').read_text(encoding='utf-8')\n"
        "d = hashlib.sha256(f'{v}\\n{lark.__version__}\\n{g}'.encode()).hexdigest()[:16]\n"
        "print(d)\n"
    )
    digest = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    for folder in (cache / "pia", cache / "pia" / "cel"):
        (folder / f"cel-grammar-{digest}.lark").write_bytes(payload)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run(
        [sys.executable, "-c", "from pia.cel.compile import new_environment; new_environment()"],
        env=env,
        check=True,
        capture_output=True,
    )
    assert not marker.exists()


# --- 2. pia verify: forged rubrics, damaged attachments ----------------------------------------


@pytest.fixture(scope="module")
def forged_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report made with a rubric that keeps the id `core` and its shipped version but whose
    thresholds are all 0: every criterion is 'met', the report says 100 'Adequate'."""
    folder = tmp_path_factory.mktemp("forged")
    rubric = folder / "core.yaml"
    text = CORE.read_text(encoding="utf-8")
    assert "thresholds: {met: 0.75, partially_met: 0.4, not_met: 0.0}" in text
    rubric.write_text(
        text.replace(
            "thresholds: {met: 0.75, partially_met: 0.4, not_met: 0.0}",
            "thresholds: {met: 0.0, partially_met: 0.0, not_met: 0.0}",
        ),
        encoding="utf-8",
    )
    command = ["assess", str(MINIMAL), "--rubric", str(rubric), "--format", "pdf,json"]
    assert main([*command, "--out", str(folder)]) == 0
    return folder / "minimal.pdf"


def test_a_report_made_with_a_forged_shipped_rubric_does_not_verify(
    forged_report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: 'verified', exit 0."""
    assert main(["verify", str(forged_report)]) == 1
    v = re.escape(CORE_VERSION)
    out = capsys.readouterr().out
    assert re.search(
        rf"FAIL rubric core {v} differs from the shipped rubric core {v} "
        r"\(thresholds\.met: 0\.0 here, 0\.75 shipped\)",
        out,
    ), out
    assert out.rstrip().endswith("NOT verified")


def pdf_literal(text: str) -> bytes:
    """A PDF text string in UTF-16 (so control characters are themselves, not PDFDocEncoding)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().encode() + b">"


def make_pdf(attachments: dict[str, bytes], flate: frozenset[str] = frozenset()) -> bytes:
    """A one-page PDF whose name tree carries ``attachments`` (Flate-encoded for the names in
    ``flate``), written by hand so a test controls every byte pypdf would tidy up."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
    ]
    names = []
    streams = []
    for i, (name, data) in enumerate(attachments.items()):
        spec_number = 5 + 2 * i
        names.append(pdf_literal(name) + b" %d 0 R" % spec_number)
        body = zlib.compress(data, 9) if name in flate else data
        flt = b" /Filter /FlateDecode" if name in flate else b""
        streams.append(
            b"<< /Type /Filespec /F "
            + pdf_literal(name)
            + b" /EF << /F %d 0 R >> >>" % (spec_number + 1)
        )
        streams.append(
            b"<< /Type /EmbeddedFile%s /Length %d >>\nstream\n" % (flt, len(body))
            + body
            + b"\nendstream"
        )
    objects.append(b"<< /Names [" + b" ".join(names) + b"] >>")
    objects += streams
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def report_parts(forged_report: Path) -> dict[str, bytes]:
    """The attachments of a valid report of the minimal case against the core rubric."""
    return {
        "case-minimal.yaml": MINIMAL.read_bytes(),
        "rubric-core.yaml": CORE.read_bytes(),
        "assessment.json": (forged_report.parent / "minimal.json").read_bytes(),
    }


def verify_exit(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_shipped_id_with_another_version_does_not_verify(
    forged_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CORE.read_text(encoding="utf-8").replace(f"version: {CORE_VERSION}", "version: 9.9.9", 1)
    assert "version: 9.9.9" in text
    pdf = tmp_path / "v.pdf"
    pdf.write_bytes(make_pdf(report_parts(forged_report) | {"rubric-core.yaml": text.encode()}))
    code, out = verify_exit(pdf, capsys)
    assert code == 1
    assert (
        f"rubric core 9.9.9 bears the id of a shipped rubric, but pia ships core {CORE_VERSION}"
        in out
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("assessment.json", b"{not json", "assessment.json is not a pia result"),
        ("assessment.json", b'{"schema_version": "1.0"}', "assessment.json is not a pia result"),
        ("assessment.json", b"\xff\xfe{}", "attachment 'assessment.json' is not UTF-8 text"),
        ("case-minimal.yaml", b"\xc3\x28 not utf-8", "attachment 'case-minimal.yaml' is not UTF-8"),
    ],
    ids=["malformed json", "not a result", "json not utf-8", "case not utf-8"],
)
def test_a_damaged_attachment_is_a_located_error_not_an_internal_one(
    forged_report: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    message: str,
) -> None:
    """Before: exit 3 (UnicodeDecodeError, ValidationError)."""
    pdf = tmp_path / "damaged.pdf"
    pdf.write_bytes(make_pdf(report_parts(forged_report) | {name: data}))
    code, out = verify_exit(pdf, capsys)
    assert code == 2, out
    assert message in out
    assert re.search(r"damaged\.pdf:1:1: error: .*\[PIA-E050\]", out)


def test_an_attachment_that_inflates_beyond_the_limit_is_refused_without_inflating_it(
    forged_report: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: a 2 GB inflating stream was inflated whole. The limit is lowered for the test;
    the stream is 10 MB of zeros that Flate packs into 10 kB."""
    import pia.verify.report as report

    monkeypatch.setattr(report, "MAX_ATTACHMENT_BYTES", 1024 * 1024)
    inflated: list[int] = []
    real = zlib.decompressobj

    def spy() -> object:
        inflate = real()

        class Spy:
            unconsumed_tail = b""

            def decompress(self, data: bytes, max_length: int = 0) -> bytes:
                out = inflate.decompress(data, max_length)
                self.unconsumed_tail = inflate.unconsumed_tail
                inflated.append(len(out))
                return out

        return Spy()

    monkeypatch.setattr(report.zlib, "decompressobj", spy)
    pdf = tmp_path / "bomb.pdf"
    parts = report_parts(forged_report) | {"assessment.json": bytes(10 << 20)}
    pdf.write_bytes(make_pdf(parts, flate=frozenset({"assessment.json"})))
    assert pdf.stat().st_size < 1 << 20
    code, out = verify_exit(pdf, capsys)
    assert code == 2
    assert "attachment 'assessment.json' inflates to more than 1,048,576 bytes" in out
    assert max(inflated) <= 1024 * 1024 + 1


def test_an_attachment_named_twice_is_a_damaged_report(
    forged_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(forged_report))
    writer.add_attachment("assessment.json", b"{}")
    pdf = tmp_path / "twice.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    code, out = verify_exit(pdf, capsys)
    assert code == 2
    assert "attachment 'assessment.json' appears twice" in out


@pytest.mark.parametrize(
    "content",
    [b"", b"%PDF-1.7\n", b"not a pdf at all", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"],
    ids=["empty", "header only", "text", "no trailer"],
)
def test_a_file_that_is_not_a_pdf_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    code, out = verify_exit(path, capsys)
    assert code == 2, out
    assert "[PIA-E050]" in out or "[PIA-E009]" in out


def test_attachment_names_with_escape_codes_are_printed_escaped(
    forged_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: verify printed an attachment's text raw."""
    name = f"case-{ESC}]0;pwned{ESC}\\.yaml"
    pdf = tmp_path / "esc.pdf"
    parts = report_parts(forged_report)
    del parts["case-minimal.yaml"]
    pdf.write_bytes(make_pdf(parts | {name: b"id: [x\n"}))
    code, out = verify_exit(pdf, capsys)
    assert code == 2
    assert ESC not in out
    assert "\\x1b]0;pwned" in out


def test_a_report_carrying_a_slow_rubric_stops_within_the_budget(
    forged_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the slow rubric (eight nested comprehensions) attached to a PDF made verify hang
    for minutes."""
    parts = report_parts(forged_report)
    del parts["rubric-core.yaml"]
    result = parts["assessment.json"].decode("utf-8")
    assert '"id": "core"' in result
    parts["rubric-slow.yaml"] = slow_rubric_text().encode("utf-8")
    parts["assessment.json"] = result.replace('"id": "core"', '"id": "slow"', 1).encode("utf-8")
    pdf = tmp_path / "slow.pdf"
    pdf.write_bytes(make_pdf(parts))
    started = time.monotonic()
    code, out = verify_exit(pdf, capsys)
    assert time.monotonic() - started < 30
    assert code == 2, out
    assert "[PIA-E035]" in out


# --- 3. bounded evaluation ---------------------------------------------------------------------

NESTED = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"


def slow_rubric_text() -> str:
    """The core rubric with its first indicator replaced by eight nested comprehensions over
    ten elements (10^8 evaluations), under its own id."""
    slow = "size(" + "".join(f"{NESTED}.map(x{i}, " for i in range(8)) + "1" + ")" * 8 + ") > 0"
    text = CORE.read_text(encoding="utf-8")
    text = re.sub(
        r"(\n        when: )([^\n]*)", lambda m: m.group(1) + "'" + slow + "'", text, count=1
    )
    return text.replace("id: core\n", "id: slow\n", 1)


def test_eight_nested_comprehensions_stop_at_the_expression_budget_naming_the_indicator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: minutes of evaluation."""
    rubric = tmp_path / "slow.yaml"
    rubric.write_text(slow_rubric_text(), encoding="utf-8")
    started = time.monotonic()
    code = main(["assess", str(MINIMAL), "--rubric", str(rubric), "--format", "json", "--out", "-"])
    assert time.monotonic() - started < 20
    err = capsys.readouterr().err
    assert code == 2
    assert re.fullmatch(
        r".*slow\.yaml:\d+:\d+: error: indicator legal-basis/\S+ took more than 200,000 "
        r"evaluation steps on this case; .* \[PIA-E035\]\n",
        err,
    ), err


def test_the_run_budget_stops_many_costly_indicators_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.cel import values

    monkeypatch.setattr(values, "RUN_STEPS", 50)
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import load_case_file

    with pytest.raises(DiagnosticError) as caught:
        assess(load_case_file(ROOT / "cases" / "ice-irs.yaml").case, load_rubrics(["core"]))
    assert codes(caught) == ["PIA-E035"]
    assert "more than 50 evaluation steps in all; it stopped in indicator" in str(caught.value)


def test_a_list_doubled_by_nested_maps_is_charged_for_its_size() -> None:
    from pia.cel.compile import compile_expression, new_environment
    from pia.cel.evaluate import evaluate
    from pia.cel.values import CostExceeded, Recorder, to_cel

    source = "size([[1]]" + "".join(f".map(a{i}, a{i} + a{i})" for i in range(40)) + ") > 0"
    compiled = compile_expression(source, new_environment())
    recorder = Recorder()
    with pytest.raises(CostExceeded):
        evaluate(compiled, {"case": to_cel({}, recorder)}, recorder)


@pytest.mark.parametrize(
    "source",
    [
        "(" * 99 + "true" + ")" * 99,
        " && ".join(["true"] * 99),
        "!" * 99 + "true",
        "size(" + "[1].map(x, " * 30 + "1" + ")" * 30 + ") == 1",
    ],
    ids=["parentheses", "and-chain", "negations", "nested maps"],
)
def test_an_expression_just_under_the_depth_limit_evaluates_deep_in_the_stack(
    source: str,
) -> None:
    """The limit keeps every walk (checks, closures, celpy) far from the recursion limit, even
    when the caller is itself deep in the stack."""
    from pia.cel.compile import compile_expression, new_environment
    from pia.cel.evaluate import evaluate, evaluate_with_celpy
    from pia.cel.values import Recorder, Truth, to_cel

    def deep(n: int) -> list[Truth]:
        if n:
            return deep(n - 1)
        compiled = compile_expression(source, new_environment())
        out = []
        for run in (evaluate, evaluate_with_celpy):
            recorder = Recorder()
            out.append(run(compiled, {"case": to_cel({}, recorder)}, recorder).truth)
        return out

    assert deep(300) in ([Truth.TRUE, Truth.TRUE], [Truth.FALSE, Truth.FALSE])


def test_a_runtime_error_message_is_kept_short() -> None:
    from celpy.evaluation import CELEvalError

    from pia.cel.evaluate import MAX_ERROR_CHARS, Outcome, _outcome
    from pia.cel.values import Recorder

    outcome: Outcome = _outcome(CELEvalError("x" * 3_000_000, TypeError, None), Recorder())
    assert outcome.error is not None
    assert len(outcome.error) <= MAX_ERROR_CHARS + 1


# --- 4. exit 3 only for real bugs: numbers, JSON, --out ------------------------------------------


def test_a_figure_of_2_63_is_refused_by_validate_and_assess(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: validate passed, then assess, preview and verify failed with exit 3."""
    case = ROOT / "tests" / "data" / "invalid" / "e013-figure-beyond-64-bits.yaml"
    assert main(["validate", str(case)]) == 2
    assert main(["assess", str(case), "--format", "json", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is beyond 64-bit integers" in err
    assert "internal error" not in err


def test_2_63_minus_1_is_still_a_number(minimal_text: str) -> None:
    from pia.load.located import load_located

    located = load_located("n: 9223372036854775807\nm: -9223372036854775808\n", "x.yaml")
    assert located.data == {"n": 2**63 - 1, "m": -(2**63)}


def test_json_is_never_written_with_nan() -> None:
    """Before: a weight of 1.0e+999 gave NaN scores, written as a bare NaN (invalid JSON)."""
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import load_case_file
    from pia.render.json import render_json

    result = assess(load_case_file(MINIMAL).case, load_rubrics(["core"]))
    broken = result.model_copy(
        update={"rubrics": (result.rubrics[0].model_copy(update={"score": float("nan")}),)}
    )
    with pytest.raises(ValueError, match="NaN"):
        render_json(broken)


def test_out_naming_a_file_is_a_diagnostic_and_keeps_nothing_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: exit 3 (FileExistsError)."""
    out = tmp_path / "a-file"
    out.write_text("not a folder\n", encoding="utf-8")
    code = main(["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert re.search(
        r"a-file/minimal\.json:1:1: error: cannot write the report: .*\[PIA-E014\]", err
    )
    assert out.read_text(encoding="utf-8") == "not a folder\n"


def test_a_full_disk_keeps_every_earlier_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: exit 3 (OSError), and with several formats the first was already replaced."""
    for name in ("minimal.json", "minimal.md"):
        (tmp_path / name).write_text("earlier\n", encoding="utf-8")
    real_write = os.write
    calls = {"n": 0}

    def full_on_second_file(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_on_second_file)
    code = main(
        ["assess", str(MINIMAL), "--rubric", "core", "--format", "json,md", "--out", str(tmp_path)]
    )
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2
    assert "No space left on device" in err
    assert "[PIA-E014]" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.json", "minimal.md"]
    assert (tmp_path / "minimal.json").read_text(encoding="utf-8") == "earlier\n"
    assert (tmp_path / "minimal.md").read_text(encoding="utf-8") == "earlier\n"


def test_a_failed_rename_puts_back_the_formats_already_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partial multi-format write: the second rename fails after the first succeeded."""
    from pia.load.files import write_all_atomic

    first, second = tmp_path / "r.json", tmp_path / "r.md"
    first.write_bytes(b"old json\n")
    second.write_bytes(b"old md\n")
    real_replace = os.replace
    renames = {"n": 0}

    def fail_second_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(src).endswith(".tmp"):
            renames["n"] += 1
            if renames["n"] == 2:
                raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_second_rename)
    with pytest.raises(DiagnosticError) as caught:
        write_all_atomic([(first, b"new json\n"), (second, b"new md\n")])
    assert codes(caught) == ["PIA-E014"]
    assert first.read_bytes() == b"old json\n"
    assert second.read_bytes() == b"old md\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.md"]


def test_every_format_is_renamed_only_after_all_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.load.files import write_all_atomic

    seen: list[list[str]] = []
    real_replace = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_all_atomic([(tmp_path / "a.json", b"1"), (tmp_path / "a.md", b"2")])
    assert len(seen) == 2
    assert len([n for n in seen[0] if n.endswith(".tmp")]) == 2  # both written before any rename


# --- 5. terminal output, file modes, bounded reads, Markdown, HTML, preview ---------------------


def test_printable_escapes_control_characters() -> None:
    from pia.model.diagnostics import printable

    assert printable(f"a{ESC}[31mb\x07\x9bc\td\ne") == "a\\x1b[31mb\\x07\\x9bc\\x09d\\x0ae"
    assert printable(f"a{ESC}b\tc\nd", lines=True) == "a\\x1bb\tc\nd"


def test_a_diagnostic_never_carries_a_raw_escape_code() -> None:
    from pia.model.diagnostics import Diagnostic

    d = Diagnostic(f"x{ESC}.yaml", 1, 2, "PIA-E001", f"found {ESC}]0;title\x07", f"hint{ESC}")
    assert ESC not in d.format()
    assert "\x07" not in d.format()


def escape_case(tmp_path: Path) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "title: Minimal case", 'title: "Minimal \\e[31mcase\\e]0;pwned\\a"'
    )
    text = text.replace(
        "summary: One flow of one data element between two parties.",
        'summary: "Plain \\e[2J <b>bold</b> ![x](https://evil.example/x.png) text"',
    )
    path = tmp_path / "escape.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_assess_to_stdout_never_prints_escape_codes_from_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """Before: `assess --out -` printed case text with its escape sequences."""
    case = escape_case(tmp_path)
    assert main(["assess", str(case), "--rubric", "core", "--format", fmt, "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert ESC not in out
    assert "\x07" not in out


def test_diff_never_prints_escape_codes_from_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `pia diff` printed a changed flow's title with its escape sequences."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert "    title: Names sent on request\n" in text
    changed = text.replace(
        "    title: Names sent on request\n", '    title: "Names \\e[31m sent\\e]0;x\\a"\n'
    ).replace("bulk: false", "bulk: true")
    case = tmp_path / "changed.yaml"
    case.write_text(changed, encoding="utf-8")
    for fmt in ("text", "md", "json"):
        assert main(["diff", str(MINIMAL), str(case), "--rubric", "core", "--format", fmt]) in (
            0,
            1,
        )
        out = capsys.readouterr().out
        assert "Names" in out, fmt
        assert ESC not in out, fmt
        assert "\x07" not in out, fmt


def test_markdown_escapes_case_text_and_drops_remote_images(tmp_path: Path) -> None:
    """Before: `--format md` copied raw HTML and remote images from case text."""
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import load_case_file
    from pia.render.markdown import render_markdown

    case_file = load_case_file(escape_case(tmp_path))
    md = render_markdown(assess(case_file.case, load_rubrics(["core"])), case_file.case)
    assert "<b>" not in md
    assert "&lt;b&gt;" in md
    assert "![" not in md
    assert "https://evil.example/x.png" not in md.replace("\\", "")
    assert ESC not in md


def test_the_standalone_html_carries_a_content_security_policy(tmp_path: Path) -> None:
    from pia.cel.rubric import load_rubrics
    from pia.engine import assess
    from pia.load.case import load_case_file
    from pia.render.html import render_html

    case_file = load_case_file(MINIMAL)
    html = render_html(assess(case_file.case, load_rubrics(["core"])), case_file.case)
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta is not None
    assert "default-src 'none'" in meta.group(1)
    assert "script-src" not in meta.group(1) or "'none'" in meta.group(1)
    assert html.index("Content-Security-Policy") < html.index("<style")


def test_reports_are_written_under_the_umask(tmp_path: Path) -> None:
    """Before: reports were written 0644 whatever the umask."""
    old = os.umask(0o077)
    try:
        assert (
            main(
                [
                    "assess",
                    str(MINIMAL),
                    "--rubric",
                    "core",
                    "--format",
                    "json",
                    "--out",
                    str(tmp_path),
                ]
            )
            == 0
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "minimal.json").stat().st_mode) == 0o600


def test_a_replaced_report_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "minimal.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert (
        main(
            ["assess", str(MINIMAL), "--rubric", "core", "--format", "json", "--out", str(tmp_path)]
        )
        == 0
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_reading_dev_zero_stops_at_the_limit() -> None:
    """Before: the 5 MB limit was applied after reading the whole file: /dev/zero grew
    without bound."""
    from pia.load.files import read_text

    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(DiagnosticError) as caught:
        read_text("/dev/zero")
    assert codes(caught) == ["PIA-E006"]


def test_a_large_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pia.load.files import read_text

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(DiagnosticError) as caught:
        read_text(big)
    assert codes(caught) == ["PIA-E006"]
    assert reads == []


def test_a_huge_git_blob_is_refused_by_its_size_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `git:REV:path` read a 60 MB blob whole."""
    from pia.load import workspace

    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo)]
    subprocess.run([*git[:5], "init", "-q", str(repo)], check=True)
    (repo / "big.yaml").write_bytes(b"x: 1\n" + b"#" * (6 * 1024 * 1024))
    subprocess.run([*git, "add", "big.yaml"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "big"], check=True)
    commands: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: object) -> object:
        commands.append(list(args))
        return real_run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", spy)  # workspace imports it when it runs git
    with pytest.raises(DiagnosticError) as caught:
        workspace.read_git_text("git:HEAD:big.yaml", cwd=repo)
    assert codes(caught) == ["PIA-E006"]
    assert [c[1] for c in commands] == ["cat-file"]


def test_temp_files_are_created_exclusively_without_following_symlinks(tmp_path: Path) -> None:
    from pia.load import files
    from pia.load.files import write_all_atomic

    assert files._CREATE & os.O_EXCL
    assert files._CREATE & getattr(os, "O_NOFOLLOW", 0) == getattr(os, "O_NOFOLLOW", 0)
    link = tmp_path / "report.json"
    victim = tmp_path / "victim"
    victim.write_text("keep\n", encoding="utf-8")
    link.symlink_to(victim)
    write_all_atomic([(link, b"{}\n")])
    assert victim.read_text(encoding="utf-8") == "keep\n"  # the link is replaced, not followed
    assert not link.is_symlink()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (" ", "the expression is empty; expected a CEL expression"),
        ("case.flows.exists(f, f.bulk == )", "found ')'; expected a value"),
        ("case.flows.exists(f f.bulk)", "found 'f'; expected an operator"),
        ("1 + (2", "found the end of the expression; expected ')'"),
        ("[1, 2", "found the end of the expression; expected ']' or ','"),
        ("a ? b", "found the end of the expression; expected ':'"),
        ("a.b = true", "found '=', which CEL does not have; expected '==' to compare"),
        ('"abc', 'found a string that is not closed; expected a closing "'),
    ],
    ids=[
        "blank",
        "missing operand",
        "missing comma",
        "unclosed paren",
        "unclosed list",
        "half conditional",
        "single equals",
        "unclosed string",
    ],
)
def test_a_syntax_error_says_what_was_found_and_what_was_expected(
    source: str, message: str
) -> None:
    """Before: the message only repeated the expression, and `when: " "` gave an empty one."""
    from pia.cel.compile import ExprSyntaxError, compile_expression, new_environment

    with pytest.raises(ExprSyntaxError) as caught:
        compile_expression(source, new_environment())
    assert caught.value.message.startswith(message), caught.value.message
