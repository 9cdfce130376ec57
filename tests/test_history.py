"""Change over time: ``pia diff CASE --from --to`` and ``pia history CASE``.

``tests/data/engine/dated.yaml`` is small enough to say every expectation out loud: authority A1
is in force from 2024-01 until ruling R1 enjoins it on 2025-03-10; notice N1 is in force in April
2025 only and N2 from 2025-05-20; safeguard sg-log is stated from April and implemented from
2025-05-15. The shipped ICE case checks the journalist's question: FIPPs rises on 2026-06-08
because an inspector general's report was published, and the output says so.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pia.cel.rubric import LoadedRubric, load_rubrics
from pia.cli import main
from pia.engine import assess
from pia.engine.history import arrangement_start, case_history, date_diff, dated_facts
from pia.load.case import load_case
from pia.model.case import Case
from pia.render.history import date_diff_markdown, history_lines, history_markdown, render_json

ROOT = Path(__file__).resolve().parent.parent
DATED = ROOT / "tests" / "data" / "engine" / "dated.yaml"
TEST_RUBRIC = ROOT / "tests" / "data" / "rubrics" / "test.yaml"
ICE = ROOT / "cases" / "ice-irs.yaml"


@pytest.fixture(scope="module")
def dated() -> Case:
    return load_case(DATED)


@pytest.fixture(scope="module")
def test_rubric() -> list[LoadedRubric]:
    return load_rubrics([str(TEST_RUBRIC)])


def test_dated_facts_in_date_order_courts_first(dated: Case) -> None:
    facts = [(f.date, f.kind, f.entry) for f in dated_facts(dated)]
    assert facts[:5] == [
        ("2024-01", "standing", "A1"),
        ("2025-02", "lawsuit", "L1"),
        ("2025-03-10", "ruling", "R1"),
        ("2025-03-10", "standing", "A1"),
        ("2025-03-10", "timeline", None),
    ]
    assert [f.day for f in dated_facts(dated)] == sorted(f.day for f in dated_facts(dated))


def test_a_status_that_ends_the_day_the_next_begins_is_said_once(dated: Case) -> None:
    on_the_day = [f.text for f in dated_facts(dated) if f.date == "2025-03-10" and f.entry == "A1"]
    assert on_the_day == ["authority A1: enjoined (by R1)"]


DATE_DIFFS = [
    # from, to, criterion that moved, direction, the entries of the facts named behind it
    ("2025-03-09", "2025-03-10", "test.basis", "down", {"R1", "A1", None}),
    ("2025-03-31", "2025-04-01", "test.notice", "up", {"N1"}),
    ("2025-04-30", "2025-05-01", "test.notice", "down", {"N1"}),
    ("2025-05-14", "2025-05-15", "test.safeguarded", "up", {"sg-log"}),
]


@pytest.mark.parametrize(("start", "end", "criterion", "direction", "entries"), DATE_DIFFS)
def test_date_diff_names_the_facts_that_moved_the_criterion(
    dated: Case,
    test_rubric: list[LoadedRubric],
    start: str,
    end: str,
    criterion: str,
    direction: str,
    entries: set[str | None],
) -> None:
    d = date_diff(dated, test_rubric, date.fromisoformat(start), date.fromisoformat(end))
    (shift,) = d.rubric_shifts
    (moved,) = shift.criteria
    assert (moved.id, moved.direction) == (criterion, direction)
    named = {f.entry for i in moved.indicators for f in i.facts}
    assert named == entries
    behind = shift.raised_by if direction == "up" else shift.lowered_by
    assert {f.entry for f in behind} == entries


def test_a_day_with_no_fact_moves_nothing(dated: Case, test_rubric: list[LoadedRubric]) -> None:
    d = date_diff(dated, test_rubric, date(2025, 3, 11), date(2025, 3, 14))
    assert (d.moved, d.facts, d.rubric_shifts) == (False, (), ())


def test_history_steps_are_the_dates_a_result_moved(
    dated: Case, test_rubric: list[LoadedRubric]
) -> None:
    h = case_history(dated, test_rubric, until=date(2025, 12, 31))
    assert [str(s.date) for s in h.steps] == [
        "2025-03-10",
        "2025-04-01",
        "2025-05-01",
        "2025-05-15",
        "2025-05-20",
    ]
    assert [s.scores[0].score for s in h.steps] == [0.0, 20.0, 0.0, 10.0, 30.0]
    assert (str(h.start), h.start_scores[0].score) == ("2024-01-01", 40.0)


def test_history_scores_are_what_assess_gives_on_each_date(
    dated: Case, test_rubric: list[LoadedRubric]
) -> None:
    h = case_history(dated, test_rubric, until=date(2025, 12, 31))
    for step in h.steps:
        on_the_day = assess(dated, test_rubric, as_of=step.date, with_sensitivity=False)
        assert [p.score for p in step.scores] == [r.score for r in on_the_day.rubrics]


def test_history_stops_at_the_case_date_by_default(
    dated: Case, test_rubric: list[LoadedRubric]
) -> None:
    h = case_history(dated, test_rubric)
    assert h.until == dated.as_of
    assert all(s.date <= dated.as_of for s in h.steps)


def test_outputs_are_reproducible_and_json_reads_back(
    dated: Case, test_rubric: list[LoadedRubric]
) -> None:
    h = case_history(dated, test_rubric)
    d = date_diff(dated, test_rubric, date(2025, 3, 9), date(2025, 5, 20))
    assert render_json(h) == render_json(case_history(dated, test_rubric))
    assert history_markdown(h) == history_markdown(case_history(dated, test_rubric))
    document = json.loads(render_json(d))
    assert (document["from"], document["to"], document["schema_version"]) == (
        "2025-03-09",
        "2025-05-20",
        "1.0",
    )
    assert "| date | test |" in history_markdown(h)
    assert date_diff_markdown(d).startswith(
        "# pia diff `dated`: as of 2025-03-09 → as of 2025-05-20"
    )


# --- the ICE case: a score that rises because oversight happened ----------------------------


@pytest.fixture(scope="module")
def ice_rise() -> object:
    return date_diff(load_case(ICE), load_rubrics(["fipps"]), date(2026, 6, 7), date(2026, 6, 8))


def test_a_rising_score_names_the_facts_that_raised_it(ice_rise: object) -> None:
    (fipps,) = ice_rise.rubric_shifts  # type: ignore[attr-defined]
    assert fipps.new_score > fipps.old_score
    assert "ov-tigta-report" in {f.entry for f in fipps.raised_by}
    assert fipps.lowered_by == ()


def test_history_of_ice_shows_the_rise_and_what_raised_it() -> None:
    h = case_history(load_case(ICE), load_rubrics(["fipps"]))
    text = "\n".join(history_lines(h))
    june = next(s for s in h.steps if str(s.date) == "2026-06-08")
    (fipps,) = june.rubric_shifts
    assert "ov-tigta-report" in {f.entry for f in fipps.raised_by}
    assert "2026-06-08  fipps" in text
    assert "raised by:" in text


# --- the command line ------------------------------------------------------------------------


def test_diff_from_to_exits_1_when_a_result_moved(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", str(DATED), "--rubric", str(TEST_RUBRIC)]
    assert main([*args, "--from", "2025-03-09", "--to", "2025-03-10"]) == 1
    out = capsys.readouterr().out
    assert "test.basis (Legal basis): Good → Poor (down)" in out
    assert main([*args, "--from", "2025-03-11", "--to", "2025-03-14"]) == 0


@pytest.mark.parametrize(
    "extra",
    [
        ["--from", "2025-01-01", str(DATED)],  # two files
        ["--to", "2025-01-01"],  # --to alone
        ["--from", "2025-01-01", "--as-of", "2025-02-01"],
        [],  # one file, no dates
        ["--from", "2025-13-01"],
    ],
    ids=["two-files", "to-alone", "with-as-of", "one-file", "bad-date"],
)
def test_diff_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], extra: list[str]) -> None:
    assert main(["diff", str(DATED), *extra]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip()


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_history_command_in_each_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    args = ["history", str(DATED), "--rubric", str(TEST_RUBRIC), "--format", fmt]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2025-05-20" in out
    if fmt == "json":
        assert [s["date"] for s in json.loads(out)["steps"]][-1] == "2025-05-20"


@pytest.mark.parametrize("case_path", sorted((ROOT / "cases").glob("*.yaml")), ids=lambda p: p.stem)
def test_history_skipping_dates_nothing_read_changed_gives_the_full_result(
    case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date on which no section the rubrics or the engine can read differs is not judged again,
    and an expression that reads no section changed since the last date judged keeps its
    outcome; judging every date in full gives the same history."""
    import pia.engine.history as history

    case = load_case(case_path)
    fipps = [r for r in load_rubrics() if r.rubric.id == "fipps"]
    fast = case_history(case, fipps)
    monkeypatch.setattr(history, "sections_read", lambda rubrics: None)
    assert case_history(case, fipps) == fast


@pytest.mark.parametrize("case_path", sorted((ROOT / "cases").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_date_the_history_judges_is_judged_as_a_fresh_assessment_would(
    case_path: Path,
) -> None:
    """Judging one date after another, the history keeps what the earlier dates already worked
    out (the last judgment where nothing read changed, the outcomes of expressions whose sections
    did not change, each entry marked and converted to CEL values once for as long as its content
    stays the same); on every date it gives what a fresh assessment on that date gives."""
    from pia.engine.history import _Judge

    case = load_case(case_path)
    fipps = [r for r in load_rubrics() if r.rubric.id == "fipps"]
    judge = _Judge(case, fipps)
    days = sorted({f.day for f in dated_facts(case) if f.day <= case.as_of})
    for day in days:
        kept = judge(day).model_copy(update={"assessed_as_of": day})
        assert kept == assess(case, fipps, as_of=day, with_sensitivity=False), day


def test_sections_read_are_those_the_expressions_name() -> None:
    from pia.engine.history import sections_read

    read = sections_read(load_rubrics())
    assert read is not None
    assert {"flows", "safeguards", "authorities", "risks"} <= read
    assert "timeline" not in read


def test_the_arrangement_starts_with_its_first_data_flow(dated: Case) -> None:
    """Older facts (a statute, a policy) are in force when the arrangement starts, but describe
    no arrangement yet: its start is the first day a flow began or was sought."""
    assert arrangement_start(dated) == date(2025, 4, 1)
    undated = dated.model_copy(
        update={
            "flows": tuple(
                f.model_copy(
                    update={
                        "since": None,
                        "status": tuple(s.model_copy(update={"since": None}) for s in f.status),
                    }
                )
                for f in dated.flows
            )
        }
    )
    assert arrangement_start(undated) is None
    ice = load_case(ICE)
    assert arrangement_start(ice) == date(2025, 2, 1)


def test_a_history_from_a_later_day_starts_with_what_was_in_force_on_it(
    dated: Case, test_rubric: list[LoadedRubric]
) -> None:
    full = case_history(dated, test_rubric, until=date(2025, 12, 31))
    late = case_history(dated, test_rubric, until=date(2025, 12, 31), since=date(2025, 4, 1))
    assert late.start == date(2025, 4, 1)
    on_the_day = assess(dated, test_rubric, as_of=date(2025, 4, 1), with_sensitivity=False)
    assert [p.score for p in late.start_scores] == [r.score for r in on_the_day.rubrics]
    assert [s.date for s in late.steps] == [s.date for s in full.steps if s.date > late.start]
    assert all(s.date > late.start for s in late.steps)


def test_the_report_charts_the_score_from_the_first_data_flow() -> None:
    from pia.render.html import render_html

    ice = load_case(ICE)
    rubrics = load_rubrics(["fipps"])
    html = render_html(assess(ice, rubrics, with_sensitivity=False), ice, rubrics=rubrics)
    caption = html[html.index('<figure class="chart history">') :]
    caption = caption[: caption.index("</figure>")]
    assert "from the first data flow it records (2025-02-01) to" in caption
    assert (
        'alt="DHS Fair Information Practice Principles score over time, 0 to 100. 2025-02-01:'
        in (caption)
    )
