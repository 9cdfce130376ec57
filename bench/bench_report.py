"""Benchmark: `pia assess CASE` (PDF, end to end, fresh process) against the floor.

The floor is a fresh process that only imports WeasyPrint and renders the same final HTML with
the same options (pia's asset fetcher for the bundled fonts, PDF/A-3b, tags). The ratio of the
medians says what pia adds on top of the rendering it cannot avoid. Peak memory is each child
process's own maximum resident set (from wait4).
Run: `.venv/bin/python bench/bench_report.py [CASE] [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from timing import ROOT

FLOOR = """
import sys, weasyprint
from pia.render.pdf import PiaFetcher
html = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=html, base_url=None, url_fetcher=PiaFetcher()).write_pdf(
    sys.argv[2], pdf_variant="pdf/a-3b", pdf_tags=True)
"""


def run(command: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {child.returncode}:\n{errors}")
    return wall, usage.ru_maxrss / 1024


def final_html(case: Path, out: Path) -> Path:
    """The exact HTML pia hands to WeasyPrint for this case."""
    code = (
        "import sys; from pathlib import Path; "
        "from pia.load.case import load_case_file; from pia.cel.rubric import load_rubrics; "
        "from pia.engine import assess; "
        "from pia.render.html import render_html; "
        "cf = load_case_file(Path(sys.argv[1])); rs = load_rubrics(); "
        "a = assess(cf.case, rs, case_sha256=cf.sha256); "
        "Path(sys.argv[2]).write_text(render_html(a, cf.case, for_pdf=True), encoding='utf-8')"
    )
    target = out / "final.html"
    subprocess.run([sys.executable, "-c", code, str(case), str(target)], cwd=ROOT, check=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", nargs="?", default="cases/ice-irs.yaml")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    pia = str(ROOT / ".venv" / "bin" / "pia")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        html = final_html(Path(args.case), out)
        # Alternate the two so that machine load affects both alike.
        full: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        for _ in range(args.runs):
            full.append(run([pia, "assess", args.case, "--out", str(out / "pia")]))
            floor.append(run([sys.executable, "-c", FLOOR, str(html), str(out / "floor.pdf")]))
    f_wall = statistics.median(w for w, _ in full)
    b_wall = statistics.median(w for w, _ in floor)
    print(f"{args.runs} runs each, fresh processes, median wall time")
    f_rss = max(m for _, m in full)
    b_rss = max(m for _, m in floor)
    print(f"pia assess {args.case}: {f_wall:6.2f} s  (peak RSS {f_rss:.0f} MiB)")
    print(f"floor (WeasyPrint only):   {b_wall:6.2f} s  (peak RSS {b_rss:.0f} MiB)")
    print(f"ratio: {f_wall / b_wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
