"""``pia explain`` and ``pia rubrics``: the arithmetic behind a level, deciding indicators,
natural order, wrapping without cutting ids, ambiguous ids, and the criteria list."""

from __future__ import annotations

from pathlib import Path

import pytest

from pia.cel.rubric import load_rubrics
from pia.cli import main
from pia.engine import assess
from pia.engine.explain import explain_criterion, find_criterion, natural_key
from pia.load.case import load_case
from pia.render.explain import explanation_lines

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "data" / "engine" / "judged.yaml"
TEST_RUBRIC = ROOT / "tests" / "data" / "rubrics" / "test.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["S10", "S102", "S4", "S2"], ["S2", "S4", "S10", "S102"]),
        (["S2b", "S2a", "S10"], ["S2a", "S2b", "S10"]),
        (
            ["pub1075-2014-s12", "pub1075-2014-s2", "irm-11"],
            ["irm-11", "pub1075-2014-s2", "pub1075-2014-s12"],
        ),
    ],
)
def test_natural_order(ids: list[str], expected: list[str]) -> None:
    assert sorted(ids, key=natural_key) == expected


@pytest.fixture(scope="module")
def ice() -> tuple[object, object, object]:
    case = load_case(ICE)
    rubrics = load_rubrics()
    return case, rubrics, assess(case, rubrics, with_sensitivity=False)


def lines_for(ice: tuple[object, object, object], criterion: str, width: int) -> list[str]:
    case, rubrics, assessment = ice
    result, _ = find_criterion(assessment, criterion)  # type: ignore[arg-type]
    assert result is not None
    expl = explain_criterion(assessment, rubrics, result)  # type: ignore[arg-type]
    sources = {s.id: s for s in case.sources}  # type: ignore[attr-defined]
    return explanation_lines(expl, sources, "2026-11-25", width=width)


@pytest.mark.parametrize("criterion", ["core.security", "core.legal-basis", "fipps.transparency"])
def test_at_80_columns_lines_wrap_and_no_id_is_cut(
    ice: tuple[object, object, object], criterion: str
) -> None:
    _case, _rubrics, assessment = ice
    lines = lines_for(ice, criterion, 80)
    text = "\n".join(lines)
    result, _ = find_criterion(assessment, criterion)  # type: ignore[arg-type]
    assert result is not None
    ids = {e.entry for i in result.indicators for e in i.evidence} | {
        i.id for i in result.indicators
    }
    words = set(
        text.replace(",", " ").replace("[", " ").replace("]", " ").replace("*", " ").split()
    )
    assert {i for i in ids if i not in words and f"{i}:" not in words} == set()
    case = ice[0]
    flat = " ".join(text.split())
    titles = [src.title for src in case.sources if " ".join(src.title.split()) in flat]  # type: ignore[attr-defined]
    in_titles = sum(t.count("…") for t in titles)
    assert text.count("…") == in_titles  # no ellipsis but the ones the sources' titles carry
    assert [line for line in lines if len(line) > 80 and " " in line.strip()] == []


def test_sources_are_listed_in_natural_order(ice: tuple[object, object, object]) -> None:
    lines = lines_for(ice, "core.security", 200)
    start = lines.index("Sources")
    listed = [line.split(":")[0].strip() for line in lines[start + 1 :] if line.startswith("  S")]
    assert listed == sorted(listed, key=natural_key)
    assert listed.index("S80") < listed.index("S103")


def test_weights_thresholds_and_share_reached(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(JUDGED), "test.basis", "--rubric", str(TEST_RUBRIC)]) == 0
    out = capsys.readouterr().out
    assert "Weight in good state: 3 of 3 (100%)" in out
    assert "  Good                     at least  75%  <- 100% reaches this level" in out
    assert "  Partial                  at least  40%\n" in out
    assert "relied-on: true (good); supports, weight 1 (33% of the criterion)" in out


def test_deciding_indicators_and_entries_are_marked(capsys: pytest.CaptureFixture[str]) -> None:
    """Each of the three would move the level alone: relied-on false gives 67% (partial),
    in-force likewise, enjoined true caps at poor."""
    assert main(["explain", str(JUDGED), "test.basis", "--rubric", str(TEST_RUBRIC)]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("* ")] == [
        "* relied-on",
        "* in-force",
        "* enjoined",
    ]
    assert "decided by: *A1 (authorities, confirmed)" in out


def test_entries_that_decided_an_indicator_are_told_apart_from_those_merely_read(
    ice: tuple[object, object, object],
) -> None:
    """core.transparency/notice-missing is true because of one notice: the other notices were
    read and did not decide it."""
    case, rubrics, assessment = ice
    result, _ = find_criterion(assessment, "core.transparency")  # type: ignore[arg-type]
    assert result is not None
    expl = explain_criterion(assessment, rubrics, result, case)  # type: ignore[arg-type]
    line = next(x for x in expl.indicators if x.result.id == "notice-missing")
    decided = [e.entry for e in line.result.evidence]
    assert decided == ["n-aug-2025-transfer"]
    assert "n-sorn" in line.also_read
    assert not set(decided) & set(line.also_read)
    text = "\n".join(explanation_lines(expl, {}, "2026-12-02", width=200))
    assert "decided by: *n-aug-2025-transfer" in text
    assert "also read, not deciding: n-cmppa-matching-notice" in text


def test_an_indicator_that_cannot_move_the_level_is_not_deciding(
    ice: tuple[object, object, object],
) -> None:
    lines = lines_for(ice, "core.security", 200)
    heads = [line for line in lines if line[:2] in ("* ", "  ") and "of the criterion" in line]
    assert heads[0].startswith("  security-required: true (good)")  # 0 of 6 is still not met
    assert heads[1].startswith("* security-verified: unknown")  # true would make it partial


def test_ambiguous_bare_criterion_lists_its_qualified_candidates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", str(ICE), "transparency"]) == 2
    err = capsys.readouterr().err
    assert "'transparency' is a criterion of 3 rubrics" in err
    assert "core.transparency, fipps.transparency, gdpr-dpia.transparency" in err


def test_rubrics_has_a_header_and_names_each_framework_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rubrics"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["rubric", "version", "criteria", "content", "title", "[framework]"]
    fipps = next(line for line in lines if line.startswith("fipps"))
    assert fipps.count("DHS Fair Information Practice Principles") == 1


def test_rubrics_criteria_lists_every_criterion_with_weight(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rubrics", "--criteria"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["criterion", "weight", "critical", "title"]
    listed = [line.split()[0] for line in lines[1:]]
    expected = [f"{r.rubric.id}.{c.id}" for r in load_rubrics() for c in r.rubric.criteria]
    assert listed == expected
    legal = next(line for line in lines if line.startswith("core.legal-basis "))
    assert legal.split()[1:4] == ["3", "critical", "Legal"]


# --- plain names: no view field names, no level ids ----------------------------------------------


def _every_criterion_text(ice: tuple[object, object, object]) -> str:
    _case, _rubrics, assessment = ice
    ids = [c.id for r in assessment.rubrics for c in r.criteria]  # type: ignore[attr-defined]
    return "\n".join(line for cid in ids for line in lines_for(ice, cid, 100))


def test_explain_names_levels_by_their_titles_not_their_ids(
    ice: tuple[object, object, object],
) -> None:
    text = _every_criterion_text(ice)
    for level_id in ("partially_met", "not_met", "(met)", ": met"):
        assert level_id not in text
    assert "caps at Partially met" in text


def test_explain_names_fields_in_words_not_as_the_view_spells_them(
    ice: tuple[object, object, object],
) -> None:
    text = _every_criterion_text(ice)
    for view_name in ("_entries", ".occurred", "occurred", "relied_on", "status_by"):
        assert view_name not in text
    assert "whether it has carried data" in text
    assert "relied on" in text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("authority_entries", "authorities"),
        ("subject_groups", "subjects"),
        ("occurred", "whether it has carried data"),
        ("relied_on", "relied on"),
        ("bulk", "bulk"),
    ],
)
def test_every_view_field_has_plain_words_in_one_home(name: str, words: str) -> None:
    from pia.model.view import field_words

    assert field_words(name) == words


def test_an_indicator_that_does_not_apply_says_so_in_words(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((ROOT / "tests" / "data" / "valid" / "minimal.yaml").read_text())
    data["flows"][0]["kind"] = "internal_use"
    case_path = tmp_path / "own.yaml"
    case_path.write_text(yaml.safe_dump(data, sort_keys=False))
    case = load_case(case_path)
    rubrics = load_rubrics()
    assessment = assess(case, rubrics, with_sensitivity=False)
    result, _ = find_criterion(assessment, "oecd.accountability")
    assert result is not None
    expl = explain_criterion(assessment, rubrics, result, case)
    text = "\n".join(explanation_lines(expl, {}, "2025-06-01", width=100))
    assert "named-signatory: not applicable;" in text
    assert "(0% of the criterion)" in text
