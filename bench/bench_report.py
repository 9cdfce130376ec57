"""Benchmark: `pia assess CASE` (PDF, end to end, fresh process) against the floor, side by side.

    .venv/bin/python bench/bench_report.py [CASE] [--runs N] [--baseline COMMIT]

The floor is a fresh process that only imports WeasyPrint and renders the same final HTML with
the same options (pia's asset fetcher for the bundled fonts, its user-agent stylesheet and its
pydyf settings, PDF/A-3b, tags; not the attachments, which are pia's own work, nor the garbage
collector kept off pia's own objects, which the floor does not hold). The HTML is the exact
text pia hands to WeasyPrint for this case (with the rubrics, so the score-over-time chart is in
it), written once through the library before timing. The ratio of the medians says what pia adds
on top of the rendering it cannot avoid (target: at most 1.15).

With ``--baseline COMMIT`` the same command is also timed on that commit: its tree (its ``src/``,
its rubrics wherever they lived, and its copy of the case, since the case format changes between
commits), extracted with ``git archive`` into a temporary folder and run there with the same
interpreter. The ratio of this tree's median to it is
printed too (target against b7f4b5f: at most 0.35).

The runs alternate (pia, floor, baseline, pia, floor, ...) so that machine load affects each
alike; each row is one run. One untimed round runs first, so that every command has its
bytecode written (``PYTHONDONTWRITEBYTECODE`` is dropped for the children) and pia its template
cache, as after an install and a first run. Peak memory is each child's own maximum resident set
(``ru_maxrss`` from ``wait4``), in MiB. At least 3 runs; the default is 3. The machine's load
average before and after is printed with the figures: other work on the machine slows all three.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from timing import ROOT

FLOOR = """
import sys
from pia.render.pdf import PiaFetcher, PiaHTML
html = open(sys.argv[1], encoding="utf-8").read()
PiaHTML(string=html, base_url=None, url_fetcher=PiaFetcher()).write_pdf(
    sys.argv[2], pdf_variant="pdf/a-3b", pdf_tags=True)
"""

FINAL_HTML = """
import sys
from pathlib import Path
from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.render.html import render_html
cf = load_case_file(Path(sys.argv[1]))
rubrics = load_rubrics()
a = assess(cf.case, rubrics, case_sha256=cf.sha256)
html = render_html(a, cf.case, rubrics=rubrics, for_pdf=True)
Path(sys.argv[2]).write_text(html, encoding="utf-8")
"""

MIN_RUNS = 3


def run(command: Sequence[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read() if child.stderr else ""
    if code != 0:
        sys.exit(f"{' '.join(command)} exited {code}:\n{errors}")
    return wall, usage.ru_maxrss / 1024


def final_html(case: Path, out: Path) -> Path:
    """The exact HTML pia hands to WeasyPrint for this case."""
    target = out / "final.html"
    subprocess.run([sys.executable, "-c", FINAL_HTML, str(case), str(target)], cwd=ROOT, check=True)
    return target


def extract(commit: str, into: Path) -> Path:
    """The tree of ``commit``, extracted (not checked out) under ``into``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def child_env(src: Path | None = None) -> dict[str, str]:
    """The environment of a timed process: bytecode is written and read (as after an install),
    and ``src`` first on the path when given."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("case", nargs="?", default="cases/ice-irs.yaml")
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help="runs of each (at least 3)")
    parser.add_argument("--baseline", metavar="COMMIT", help="also time this commit's pia")
    args = parser.parse_args(argv)
    if args.runs < MIN_RUNS:
        parser.error(f"--runs must be at least {MIN_RUNS}")
    case = str(Path(args.case).resolve())
    pia = [sys.executable, "-m", "pia.cli", "assess", case, "--quiet"]
    rows: list[tuple[str, list[tuple[float, float]]]] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        html = final_html(Path(case), out)
        commands: list[tuple[str, list[str], dict[str, str], Path]] = [
            ("pia assess (pdf)", [*pia, "--out", str(out / "pia")], child_env(), ROOT),
            (
                "floor (WeasyPrint only)",
                [sys.executable, "-c", FLOOR, str(html), str(out / "f.pdf")],
                child_env(),
                ROOT,
            ),
        ]
        if args.baseline:
            then = extract(args.baseline, out / "baseline")
            then_case = str(then / Path(case).relative_to(ROOT))
            base = [sys.executable, "-m", "pia.cli", "assess", then_case, "--out", str(out / "b")]
            label = f"pia assess at {args.baseline}"
            commands.append((label, base, child_env(then / "src"), then))
        rows = [(label, []) for label, _, _, _ in commands]
        for _, command, env, cwd in commands:  # untimed: writes bytecode and pia's caches
            run(command, env, cwd)
        for _ in range(args.runs):
            for (_, command, env, cwd), (_, results) in zip(commands, rows, strict=True):
                results.append(run(command, env, cwd))
    width = max(len(label) for label, _ in rows)
    load_after = os.getloadavg()
    print(f"{Path(args.case).name}: {args.runs} runs each, alternating, fresh processes")
    print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(
        f"{'':<{width}}  "
        + "  ".join(f"{f'run {i + 1}':>7}" for i in range(args.runs))
        + "   median  peak RSS"
    )
    medians: dict[str, float] = {}
    for label, results in rows:
        walls = [w for w, _ in results]
        medians[label] = statistics.median(walls)
        cells = "  ".join(f"{w:5.1f} s" for w in walls)
        peak = max(m for _, m in results)
        print(f"{label:<{width}}  {cells}  {medians[label]:5.1f} s  {peak:5.0f} MiB")
    full, floor = medians[rows[0][0]], medians[rows[1][0]]
    print(f"pia / floor: {full / floor:.2f} (target at most 1.15)")
    if args.baseline:
        print(f"pia / {args.baseline}: {full / medians[rows[2][0]]:.2f} (target at most 0.35)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
