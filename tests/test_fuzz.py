"""A bounded, seeded fuzz of cases and rubrics: no input may make pia fail with a traceback.

Each input is a mutated copy of a small valid file (lines dropped, doubled, swapped or cut;
values replaced by hostile ones: numbers beyond 64 bits, infinities, escape codes, YAML tags,
anchors, unclosed brackets; CEL expressions nested, misspelt, made costly). Whatever the input,
pia must either use it or refuse it with located diagnostics; any other exception, the kind the
CLI reports as an internal error (exit 3), fails the test and names the seed and the mutation so
the input can be rebuilt. The seeds are fixed, so a run is reproducible; the whole file takes well
under a minute.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pia.cel.rubric import LoadedRubric, load_rubric, load_rubric_text
from pia.cli import main
from pia.engine import assess
from pia.load.case import load_case_text
from pia.model.case import Case
from pia.model.diagnostics import DiagnosticError
from pia.render.json import render_json
from pia.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parent
MINIMAL = ROOT / "data" / "valid" / "minimal.yaml"
DATED = ROOT / "data" / "engine" / "dated.yaml"
JUDGED = ROOT / "data" / "engine" / "judged.yaml"
TEST_RUBRIC = ROOT / "data" / "rubrics" / "test.yaml"
CASE_INPUTS = 1600
#: The minimal case with a subject group and its figures (numbers are where 2^63 and 1e999 hurt).
FIGURES = """subjects:
  - id: taxpayers
    name: Taxpayers
    vulnerability: medium
    sources: [S1]
    confidence: confirmed
    count:
      - value: 700000
        unit: people
        low: 1
        high: 2000000.5
        sources: [S1]
        confidence: reported
data:
"""
RUBRIC_INPUTS = 600

HOSTILE_VALUES = (
    "9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807",
    "1" * 400,
    "1.0e+999",
    "-1.0e+999",
    "1e308",
    ".nan",
    ".inf",
    "-1",
    "0",
    "0.0000001",
    "unknown",
    "[]",
    "{}",
    "null",
    "~",
    "''",
    '"\\e[31mred\\e]0;title\\a"',
    '"\\0\\x7f\\x9b"',
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "&anchor x",
    "*anchor",
    "<<: {a: 1}",
    "[[[[[[[[",
    "{a: [b, {c: d}",
    '"unclosed',
    "'it''s'",
    "true",
    "NO",
    "2025-13-45",
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "x" * 2000,
    "‮right-to-left‬",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "[unknown, unknown]",
    "[S1, S1, nosuch]",
)
CEL_FRAGMENTS = (
    "(",
    ")",
    "&&",
    "||",
    "!",
    "==",
    "= =",
    ".",
    ",",
    "[",
    "]",
    "?",
    ":",
    "size(",
    "matches(",
    "frobnicate(",
    "case.flows",
    "case.nosuch",
    "f.bulk",
    " in ",
    "9223372036854775807 + 1",
    "1 / 0",
    '"\\x1b"',
    "known(",
    "at_least(",
    "has(",
    "exists_one(",
    "filter(",
)


def mutate_lines(text: str, rng: random.Random) -> tuple[str, str]:
    lines = text.splitlines()
    kind = rng.choice(("drop", "double", "swap", "cut", "value", "char", "indent"))
    i = rng.randrange(len(lines))
    if kind == "drop":
        del lines[i]
    elif kind == "double":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "cut":
        return text[: rng.randrange(len(text))], f"cut at {i}"
    elif kind == "indent":
        lines[i] = " " * rng.choice((1, 2, 3, 5)) + lines[i]
    elif kind == "value":
        keyed = [n for n, line in enumerate(lines) if re.match(r"^\s*-?\s*[\w]+: ", line)]
        numeric = [n for n in keyed if re.search(r": -?[0-9][0-9.]*$", lines[n])]
        if numeric and rng.random() < 0.5:  # numbers are where range errors hide
            keyed = numeric
        if keyed:
            i = rng.choice(keyed)
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}"
    else:
        at = rng.randrange(len(lines[i]) + 1)
        char = rng.choice(("\t", "\x1b", "\x00", "\x85", "\u2028", ":", "-", "#", '"', "'", "é"))
        lines[i] = lines[i][:at] + char + lines[i][at:]
    return "\n".join(lines) + "\n", f"{kind} at line {i + 1}"


def mutate_expression(text: str, rng: random.Random) -> tuple[str, str]:
    whens = list(re.finditer(r"(when: )(.*)", text))
    match = rng.choice(whens)
    expr = match.group(2)
    kind = rng.choice(("insert", "nest", "chain", "costly", "replace"))
    if kind == "insert":
        at = rng.randrange(len(expr) + 1)
        expr = expr[:at] + rng.choice(CEL_FRAGMENTS) + expr[at:]
    elif kind == "nest":
        depth = rng.choice((10, 60, 150, 400))
        expr = "(" * depth + expr + ")" * depth
    elif kind == "chain":
        expr = " && ".join([expr] * rng.choice((2, 50, 120)))
    elif kind == "costly":
        lst = "[" + ", ".join(str(n) for n in range(rng.choice((5, 10, 30)))) + "]"
        levels = rng.choice((2, 4, 7))
        expr = "size(" + "".join(f"{lst}.map(x{n}, " for n in range(levels)) + "1"
        expr += ")" * levels + ") > 0"
    else:
        expr = rng.choice(("true", "1", '"x"', "null", "case", "case.flows", " ", "[]"))
    quoted = "'" + expr.replace("'", "''") + "'"
    return text[: match.start(2)] + quoted + text[match.end(2) :], f"{kind} in a when"


def check(description: str, run: Callable[[], object]) -> None:
    """Run ``run``; a DiagnosticError is a refusal (fine), anything else is a bug."""
    refused: list[str] = []
    try:
        run()
    except DiagnosticError as exc:
        refused = [d.format() for d in exc.diagnostics] or ["(no diagnostic)"]
    except Exception as exc:
        pytest.fail(f"{description}: {type(exc).__name__}: {str(exc)[:300]}")
    for line in refused:
        assert "\n" not in line, description
        assert "\x1b" not in line, description
        assert line != "(no diagnostic)", description


@pytest.fixture(scope="module")
def test_rubric() -> list[LoadedRubric]:
    return [load_rubric(TEST_RUBRIC)]


def assess_and_render(case: Case, rubrics: list[LoadedRubric]) -> None:
    result = assess(case, rubrics)
    render_json(result)
    render_markdown(result, case)


@pytest.mark.parametrize("source", [MINIMAL, DATED, JUDGED, None], ids=lambda p: p and p.stem)
def test_mutated_cases_never_crash(source: Path | None, test_rubric: list[LoadedRubric]) -> None:
    if source is None:  # the minimal case with figures
        text = MINIMAL.read_text(encoding="utf-8").replace("data:\n", FIGURES, 1)
    else:
        text = source.read_text(encoding="utf-8")
    rng = random.Random(f"cases:{source.name if source else 'figures'}")
    for n in range(CASE_INPUTS // 4):
        mutated, how = mutate_lines(text, rng)
        if rng.random() < 0.3:
            mutated, more = mutate_lines(mutated, rng)
            how += f", {more}"

        def run(mutated: str = mutated) -> None:
            case = load_case_text(mutated, "fuzz.yaml")
            assess_and_render(case, test_rubric)

        check(f"{source.name if source else 'figures'} mutation {n} ({how})", run)


def test_mutated_rubrics_never_crash() -> None:
    text = TEST_RUBRIC.read_text(encoding="utf-8")
    case = load_case_text(JUDGED.read_text(encoding="utf-8"), "judged.yaml")
    rng = random.Random("rubrics")
    for n in range(RUBRIC_INPUTS):
        if rng.random() < 0.5:
            mutated, how = mutate_expression(text, rng)
        else:
            mutated, how = mutate_lines(text, rng)

        def run(mutated: str = mutated) -> None:
            loaded = load_rubric_text(mutated, "fuzz-rubric.yaml")
            assess_and_render(case, [loaded])

        check(f"rubric mutation {n} ({how})", run)


def test_a_sample_of_mutations_never_exits_3_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random("cli")
    case_text = MINIMAL.read_text(encoding="utf-8")
    rubric_text = TEST_RUBRIC.read_text(encoding="utf-8")
    for n in range(40):
        case, how = mutate_lines(case_text, rng)
        rubric, more = mutate_expression(rubric_text, rng)
        (tmp_path / "case.yaml").write_text(case, encoding="utf-8")
        (tmp_path / "rubric.yaml").write_text(rubric, encoding="utf-8")
        args = ["assess", str(tmp_path / "case.yaml"), "--rubric", str(tmp_path / "rubric.yaml")]
        code = main([*args, "--format", "json,md", "--out", str(tmp_path / "out")])
        err = capsys.readouterr().err
        assert code in (0, 2), f"cli mutation {n} ({how}; {more}): exit {code}\n{err}"
