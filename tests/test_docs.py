"""The documentation: generated references are current, generation is deterministic, the
tutorial and the rubric guide run as written, and every relative link points at a file.

The tutorial (``docs/tutorial.md``) and the rubric guide (``docs/writing-a-rubric.md``) are
executed, as pydantic runs its docs examples. HTML comment lines mark what the test does with the
fenced block that follows:

- ``<!-- tutorial:run -->``: run the ``sh`` block with ``bash -euo pipefail``; it must exit 0
  (``<!-- tutorial:run expect=N -->``: it must exit N);
- ``<!-- tutorial:file PATH -->`` / ``<!-- tutorial:append PATH -->``: write / append the block to
  PATH, as the reader does in an editor;
- ``<!-- tutorial:output -->``: the output the reader should see from the last run block. Each
  line must appear in what the command printed (white space and line wrapping aside); a line
  with ``…`` marks an elision and is not checked.

Blocks run in order in a temporary folder that stands for ``$PIA_TUTORIAL`` (and is the working
folder), with ``.venv/bin`` first on ``PATH``. The setup blocks (``export PIA_TUTORIAL=...; cd``)
are not marked: the test does the same with its own folder.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import ROOT
from pia.authoring.docs import (
    PAGES,
    case_format_reference,
    cel_reference,
    diagnostics_reference,
    models_in_order,
    own_fields,
    reference_pages,
    rubric_format_reference,
    view_field,
)
from pia.cel.rubric import allowed_paths
from pia.cli import main
from pia.model.case import Case
from pia.model.common import CONFIDENCE_MEANINGS, Confidence
from pia.model.diagnostics import RULES
from pia.model.rubric import Rubric
from pia.model.view import VIEW_FIELDS

DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
RUBRIC_GUIDE = DOCS / "writing-a-rubric.md"
#: The folder the tutorial tells the reader to use; replaced by the test's own in outputs.
TUTORIAL_DIR = "/tmp/pia-tutorial"


# --- generated references --------------------------------------------------------------------


def test_committed_references_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    """If this fails, run `pia docs` and commit docs/reference/."""
    code = main(["docs", "--check", "--out", str(DOCS)])
    assert code == 0, capsys.readouterr().err


def test_check_lists_stale_pages_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["docs", "--check", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in err.splitlines()] == [
        str(tmp_path / page) for page in PAGES
    ]
    assert list(tmp_path.iterdir()) == []


def test_docs_writes_every_page_and_then_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["docs", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {tmp_path / page}" for page in PAGES]
    assert main(["docs", "--check", "--out", str(tmp_path)]) == 0
    assert main(["docs", "--out", str(tmp_path)]) == 0  # nothing changed: nothing rewritten
    assert "wrote" not in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "reference").iterdir()) == sorted(
        Path(page).name for page in PAGES
    )


def test_a_page_edited_by_hand_is_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--out", str(tmp_path)]) == 0
    edited = tmp_path / "reference" / "cel.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nhand-written note\n", "utf-8")
    capsys.readouterr()
    assert main(["docs", "--check", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"{edited}: stale")


def test_generation_is_deterministic() -> None:
    assert reference_pages() == reference_pages()


@pytest.mark.parametrize("page", PAGES)
def test_page_ends_with_one_newline_and_has_no_trailing_space(page: str) -> None:
    text = reference_pages()[page]
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert [line for line in text.splitlines() if line != line.rstrip()] == []


def test_confidence_meanings_cover_exactly_the_allowed_values() -> None:
    assert set(CONFIDENCE_MEANINGS) == set(typing.get_args(Confidence))


def test_case_reference_documents_every_field_of_every_section() -> None:
    text = case_format_reference()
    for model in models_in_order(Case):
        assert f"\n### {model.__name__}\n" in text
        for name, info in own_fields(model):
            assert f"| `{info.alias or name}` |" in text, (model.__name__, name)


def test_rubric_reference_documents_every_field() -> None:
    text = rubric_format_reference()
    for model in models_in_order(Rubric):
        for name, info in own_fields(model):
            assert f"| `{info.alias or name}` |" in text, (model.__name__, name)


def test_diagnostics_reference_lists_every_code_in_order() -> None:
    text = diagnostics_reference()
    positions = [text.index(f"| `{rule.code}` |") for rule in RULES]
    assert positions == sorted(positions)


def test_cel_reference_lists_every_allowed_path() -> None:
    text = cel_reference()
    assert [p for p in sorted(allowed_paths()) if f"| `{p}` |" not in text] == []


def test_every_field_the_view_adds_is_described() -> None:
    undescribed = [
        f"case.{section}[].{name}"
        for section, names in sorted(VIEW_FIELDS.items())
        for name in sorted(names)
        if view_field(f"case.{section}[].{name}").type == "(added by the view)"
    ]
    assert undescribed == []


def test_cel_truth_table_is_kleene() -> None:
    """The table is computed by evaluating CEL; this pins what it must say."""
    text = cel_reference()
    assert "| `false` | `unknown` | `false` | `unknown` |" in text
    assert "| `true` | `unknown` | `unknown` | `true` |" in text
    assert '| `t == "true"` (bool compared with a string) | `error` |' in text


# --- the tutorial ----------------------------------------------------------------------------

MARKER = re.compile(r"^<!-- tutorial:(?P<kind>run|file|append|output)(?: (?P<arg>[^>]*?))? -->$")


@dataclass(frozen=True)
class Step:
    kind: str
    arg: str
    body: str
    line: int

    @property
    def expect(self) -> int:
        found = re.fullmatch(r"expect=(\d+)", self.arg)
        return int(found[1]) if found else 0


def tutorial_steps(text: str) -> list[Step]:
    """Each marker with the fenced block right after it, in document order."""
    lines = text.splitlines()
    steps = []
    for i, line in enumerate(lines):
        found = MARKER.match(line)
        if not found:
            continue
        fence = lines[i + 1] if i + 1 < len(lines) else ""
        assert fence.startswith("```"), f"tutorial line {i + 1}: marker not followed by a block"
        end = lines.index("```", i + 2)
        body = "\n".join(lines[i + 2 : end]) + "\n"
        steps.append(Step(found["kind"], (found["arg"] or "").strip(), body, i + 1))
    return steps


def test_tutorial_markers_are_well_formed() -> None:
    steps = tutorial_steps(TUTORIAL.read_text(encoding="utf-8"))
    kinds = [s.kind for s in steps]
    assert kinds.count("run") >= 8
    assert all(s.arg == "" or re.fullmatch(r"expect=\d+", s.arg) for s in steps if s.kind == "run")
    assert all(s.arg for s in steps if s.kind in {"file", "append"})
    assert kinds[0] == "run"  # pia new comes first
    assert kinds.index("file") > 0
    assert all(prev == "run" for prev, k in itertools.pairwise(kinds) if k == "output")
    assert not any("pia preview" in s.body for s in steps)  # a server: shown, not run


def test_rubric_guide_markers_are_well_formed() -> None:
    steps = tutorial_steps(RUBRIC_GUIDE.read_text(encoding="utf-8"))
    assert [s.kind for s in steps].count("run") >= 4
    assert {s.expect for s in steps if s.kind == "run"} == {0, 2}


def _normal(text: str) -> str:
    return " ".join(text.split())


def missing_output(expected: str, printed: str, folder: Path) -> list[str]:
    """Expected lines (``…`` lines skipped) not found in what was printed."""
    have = _normal(printed)
    return [
        line
        for line in expected.splitlines()
        if line.strip() and "…" not in line
        if _normal(line.replace(TUTORIAL_DIR, str(folder))) not in have
    ]


def tutorial_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "CLICOLOR_FORCE"}}
    path = [str(ROOT / ".venv" / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")]
    env.update(PATH=os.pathsep.join(path), PIA_TUTORIAL=str(folder), NO_COLOR="1", COLUMNS="200")
    return env


def run_doc(doc: Path, folder: Path) -> None:
    """Carry out a document's marked steps in ``folder``, in order (see the module docstring)."""
    env = tutorial_env(folder)
    printed = ""
    for step in tutorial_steps(doc.read_text(encoding="utf-8")):
        where = f"{doc.relative_to(ROOT)}:{step.line}"
        if step.kind == "run":
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", step.body],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            printed = done.stdout + done.stderr
            assert done.returncode == step.expect, f"{where}: exit {done.returncode}\n{printed}"
        elif step.kind == "output":
            missing = missing_output(step.body, printed, folder)
            assert missing == [], f"{where}: not in the output:\n{missing}\n--- printed:\n{printed}"
        else:
            target = folder / step.arg
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = "a" if step.kind == "append" else "w"
            with target.open(mode, encoding="utf-8") as handle:
                handle.write(step.body)


def test_tutorial_runs_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "pia-tutorial"
    folder.mkdir()
    run_doc(TUTORIAL, folder)


def test_rubric_guide_runs_as_written(tmp_path: Path) -> None:
    run_doc(RUBRIC_GUIDE, tmp_path)


# --- links -----------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
DOC_FILES = sorted(DOCS.rglob("*.md"))


def relative_links(text: str) -> list[str]:
    """Link targets that point into the repository: not web, mail or same-page anchors."""
    prose = FENCED.sub("", text)
    targets = [m[1] for m in LINK.finditer(prose)]
    return [t for t in targets if not re.match(r"^(?:[a-z]+:|#)", t)]


def test_docs_exist_with_an_index() -> None:
    names = {p.relative_to(DOCS).as_posix() for p in DOC_FILES}
    assert {"index.md", "tutorial.md", "writing-a-rubric.md", *PAGES} <= names


@pytest.mark.parametrize("doc", DOC_FILES, ids=[p.relative_to(DOCS).as_posix() for p in DOC_FILES])
def test_every_relative_link_points_to_a_file(doc: Path) -> None:
    broken = [
        target
        for target in relative_links(doc.read_text(encoding="utf-8"))
        if not (doc.parent / target.split("#", 1)[0]).exists()
    ]
    assert broken == []


def test_index_links_every_doc() -> None:
    linked = {
        (DOCS / t.split("#", 1)[0]).resolve()
        for t in relative_links((DOCS / "index.md").read_text(encoding="utf-8"))
    }
    assert [p for p in DOC_FILES if p.name != "index.md" and p.resolve() not in linked] == []


def test_readme_links_the_guides_and_every_reference_page() -> None:
    readme = ROOT / "README.md"
    targets = relative_links(readme.read_text(encoding="utf-8"))
    assert [t for t in targets if not (ROOT / t.split("#", 1)[0]).exists()] == []
    linked = {(ROOT / t.split("#", 1)[0]).resolve() for t in targets}
    assert [p for p in DOC_FILES if p.resolve() not in linked] == []


def test_every_rule_has_a_unique_code_and_name_and_an_explanation() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.summary and r.explanation for r in RULES)
    assert [r.code for r in RULES] == sorted(r.code for r in RULES)
