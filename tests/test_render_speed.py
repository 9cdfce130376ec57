"""What pia does around the render to keep its own cost small, without changing a byte of it.

The objects pia holds while WeasyPrint lays out the report (modules, the case, the rubrics, the
assessment) are left out of Python's cycle collections for the length of the render, so that
the collector does not walk them again on every full collection; the interpreter is left as it
was found. The templates are kept compiled in the user's private cache folder, and loaded from
it only when nothing they depend on has changed and no one else could have written them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pia.cel.rubric import load_rubrics
from pia.engine import assess
from pia.load.case import load_case_file
from pia.render import pdf

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "case.yaml"


class _Recording:
    """Stands in for ``PiaHTML`` (WeasyPrint's ``HTML``): records how many objects are frozen
    while it writes."""

    frozen: ClassVar[list[int]] = []

    def __init__(self, **_: Any) -> None:
        pass

    def write_pdf(self, **_: Any) -> bytes:
        _Recording.frozen.append(gc.get_freeze_count())
        return b"%PDF-1.7"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    _Recording.frozen = []
    monkeypatch.setattr(pdf, "PiaHTML", _Recording)
    return _Recording.frozen


def _inputs() -> tuple[Any, Any, Any]:
    case_file = load_case_file(HOSTILE)
    rubrics = load_rubrics(["core"])
    return assess(case_file.case, rubrics), case_file, rubrics


def test_what_exists_before_the_render_is_spared_the_collector_and_released_after(
    recorded: list[int],
) -> None:
    assessment, case_file, rubrics = _inputs()
    assert gc.get_freeze_count() == 0
    assert pdf.render_pdf(assessment, case_file, rubrics) == b"%PDF-1.7"
    assert len(recorded) == 1
    assert recorded[0] > 0
    assert gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen(recorded: list[int]) -> None:
    assessment, case_file, rubrics = _inputs()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        pdf.html_to_pdf("<p>x</p>", assessment, case_file, rubrics)
        assert recorded == [before]
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_the_collector_is_released_when_the_render_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    assessment, case_file, rubrics = _inputs()

    class Failing(_Recording):
        def write_pdf(self, **_: Any) -> bytes:
            raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf, "PiaHTML", Failing)
    with pytest.raises(RuntimeError):
        pdf.html_to_pdf("<p>x</p>", assessment, case_file, rubrics)
    assert gc.get_freeze_count() == 0


@pytest.fixture
def template_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache folder of its own, and environments built afresh while the test runs."""
    from pia.render import html

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    html._environment.cache_clear()
    yield tmp_path / "pia" / "templates"
    html._environment.cache_clear()


def _render_counting_compiles(monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    import jinja2

    from pia.render import html

    html._environment.cache_clear()
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return real(self, *args, **kwargs)

    assessment, case_file, _rubrics = _inputs()
    with monkeypatch.context() as patch:
        patch.setattr(jinja2.Environment, "compile", counting)
        text = html.render_html(assessment, case_file.case, for_pdf=True)
    return text, len(compiled)


def test_templates_compiled_once_are_loaded_compiled_by_the_next_run(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, compiles = _render_counting_compiles(monkeypatch)
    assert compiles > 0
    assert sorted(template_cache.iterdir())
    again, compiles = _render_counting_compiles(monkeypatch)
    assert compiles == 0
    assert again == first


def test_a_compiled_template_someone_else_could_write_is_not_loaded(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _render_counting_compiles(monkeypatch)
    for path in template_cache.iterdir():
        path.chmod(0o666)
    again, compiles = _render_counting_compiles(monkeypatch)
    assert compiles > 0
    assert again == first


def test_a_damaged_compiled_template_is_compiled_again(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _render_counting_compiles(monkeypatch)
    for path in template_cache.iterdir():
        path.write_bytes(path.read_bytes()[:40])
    again, compiles = _render_counting_compiles(monkeypatch)
    assert compiles > 0
    assert again == first


def test_pias_filters_run_when_the_report_renders_not_when_a_template_compiles(
    template_cache: Path,
) -> None:
    """Jinja calls a plain filter applied to a constant while it compiles, and keeps the result
    in the compiled code; a compiled template kept between runs would then keep the result past
    a change to the filter. pia's filters are called only while rendering."""
    from pia.render import html

    code = html._environment().compile('{{ "in_force"|words }} {{ 0.5|pct }}', raw=True)
    assert "in force" not in code
    assert "50%" not in code
    rendered = html._environment().from_string('{{ "in_force"|words }} {{ 0.5|pct }}').render()
    assert rendered == "in force 50%"
