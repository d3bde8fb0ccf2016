"""Every figure of the authors' report against values worked out by hand on a small activity."""

from __future__ import annotations

import math
from datetime import date
from statistics import mean, pstdev

import pandas as pd
import pytest

from lessons.models import Track
from progress.analytics import (
    Filters,
    check_table,
    error_table,
    exercise_table,
    gap_table,
    group_table,
    item_table,
    lesson_table,
    tutor_table,
    weighted_median,
)
from sandbox_runner.models import Run
from tests.unit.progress.author_activity import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(mini_course, learner, stranger):
    return make_activity(mini_course, alice=learner, charlie=stranger)


def by(table, key: str) -> dict:
    return {row[key]: row for row in table.rows}


def test_lesson_figures(activity):
    rows = by(lesson_table(Filters()), "lesson")
    first = rows["First steps"]
    # Learners: alice, charlie and three browsers started; four finished; alice (A), charlie (C) and browser-1 (D) passed.
    assert (first["learners_started"], first["attempts"], first["completion_rate"], first["pass_rate"]) == (5, 6, 80.0, 60.0)
    # Finished scores 60, 20, 60, 80, 20 and times 120, 300, 60, 600, 90 seconds: medians 60% and 2 minutes.
    assert (first["median_score"], first["median_minutes"]) == (60.0, 2.0)
    joins = rows["Combining tables"]
    figures = ("track", "learners_started", "attempts", "completion_rate", "pass_rate", "median_score", "median_minutes")
    assert tuple(joins[key] for key in figures) == ("Advanced", 1, 1, 100.0, 100.0, 100.0, 0.5)
    second = rows["Second steps"]
    assert (second["learners_started"], second["attempts"], second["completion_rate"], second["median_score"], second["median_minutes"]) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert first["lesson_url"] == "/lessons/first-steps/"


def test_track_and_dates_narrow_the_report(activity):
    advanced = Track.objects.get(slug="advanced")
    assert [row["lesson"] for row in lesson_table(Filters(track=advanced)).rows] == ["Combining tables"]
    # Attempt B started eight days later: a range ending before it leaves it out.
    first = by(lesson_table(Filters(start=date(2026, 3, 2), end=date(2026, 3, 9))), "lesson")["First steps"]
    assert (first["learners_started"], first["attempts"], first["completion_rate"]) == (5, 5, 80.0)
    # Scores 60, 60, 80, 20 (even count): the median is the mean of the middle two; times 60, 90, 120, 600 seconds.
    assert (first["median_score"], first["median_minutes"]) == (60.0, round(105 / 60, 1))
    later = by(lesson_table(Filters(start=date(2026, 3, 10))), "lesson")["First steps"]
    assert (later["learners_started"], later["attempts"], later["pass_rate"]) == (1, 1, 0.0)


MATRIX = {  # right (1) or wrong (0) per finished attempt A to E, as in author_activity
    "load-function": [1, 1, 0, 1, 0],
    "what-to-check": [1, 0, 1, 1, 0],
    "look-first": [0, 0, 1, 1, 1],
    "row-count": [1, 0, 1, 1, 0],
    "library": [0, 0, 0, 0, 0],
}


def point_biserial(item: list[int], rest: list[int]) -> float:
    """The textbook form: (mean rest of those right - mean rest of those wrong) / sd(rest) * sqrt(p q)."""
    right = [score for score, mark in zip(rest, item, strict=True) if mark]
    wrong = [score for score, mark in zip(rest, item, strict=True) if not mark]
    p = len(right) / len(item)
    return (mean(right) - mean(wrong)) / pstdev(rest) * math.sqrt(p * (1 - p))


def test_item_analysis_by_hand(activity):
    rows = by(item_table(Filters(), min_answers=5), "question")
    totals = [sum(column[attempt] for column in MATRIX.values()) for attempt in range(5)]
    assert totals == [3, 1, 3, 4, 1]
    for key, marks in MATRIX.items():
        rest = [total - mark for total, mark in zip(totals, marks, strict=True)]
        expected = None if len(set(marks)) == 1 else round(point_biserial(marks, rest), 2)
        assert (rows[key]["answers"], rows[key]["facility"], rows[key]["discrimination"]) == (5, sum(marks) / 5, expected), key
    # Worked through for load-function: rest scores 2, 0, 3, 3, 1; those right average 5/3, those wrong 2;
    # sd 1.166, sqrt(0.6 * 0.4) = 0.490: (5/3 - 2) / 1.166 * 0.490 = -0.14.
    assert rows["load-function"]["discrimination"] == -0.14
    assert rows["what-to-check"]["discrimination"] == 0.87


def test_most_chosen_wrong_answer_counts_finished_attempts_only(activity):
    rows = by(item_table(Filters()), "question")
    # The abandoned attempt's pd.load does not count; pd.open was chosen twice.
    assert (rows["load-function"]["top_wrong_answer"], rows["load-function"]["top_wrong_share"]) == ("pd.open", 100.0)
    assert (rows["what-to-check"]["top_wrong_answer"], rows["look-first"]["top_wrong_answer"]) == ("head", "True")
    # 9 and 11 once each: the first given wins the tie.
    assert (rows["row-count"]["top_wrong_answer"], rows["row-count"]["top_wrong_share"]) == ("9", 50.0)
    assert (rows["library"]["top_wrong_answer"], rows["library"]["top_wrong_share"]) == ("numpy", 60.0)
    assert rows["sort-method"]["answers"] == 0
    assert rows["sort-method"]["facility"] is None


def test_items_that_look_broken_are_flagged(activity):
    table = item_table(Filters(), min_answers=5)
    flags = {row["question"]: row["flags"] for row in table.rows if row["flags"]}
    assert flags == {
        "load-function": ["negative discrimination"],
        "look-first": ["negative discrimination"],
        "library": ["very low facility (under 0.20)"],
    }
    assert table.extra["flagged"] == 3
    # Five answers are too few to judge by the default rule.
    assert not any(row["flags"] for row in item_table(Filters()).rows)


def test_tutor_figures(activity):
    first = by(tutor_table(Filters()), "lesson")["First steps"]
    assert (first["asked"], first["not_covered"], first["not_covered_share"], first["steering"]) == (7, 4, round(400 / 7, 1), 1)
    assert by(tutor_table(Filters()), "lesson")["Second steps"]["not_covered_share"] is None


def test_uncovered_questions_are_grouped_by_similar_wording(activity):
    rows = group_table(Filters()).rows
    assert [(row["question"], row["asked"], row["wordings"], row["examples"]) for row in rows] == [
        ("how do i read an excel file?", 3, 2, ["can i read excel files with pandas"]),
        ("how do i print the shape twice?", 1, 1, []),
    ]
    # "print" and "shape" are words of the applied exercise section only; no section mentions Excel.
    assert (rows[1]["section"], rows[1]["section_url"]) == ("Applied exercise", "/lessons/first-steps/#applied-exercise")
    assert (rows[0]["section"], rows[0]["section_url"]) == ("Not in the lesson yet", None)


def test_sandbox_figures(activity):
    exercise = exercise_table(Filters()).rows[0]
    # Six finished runs (the queued one waits) by alice, charlie and one browser; one passed every check.
    assert {key: exercise[key] for key in ("runs", "learners", "passed_all", "passed_share", "failed", "failed_share")} == {
        "runs": 6,
        "learners": 3,
        "passed_all": 1,
        "passed_share": 16.7,
        "failed": 4,
        "failed_share": 66.7,
    }
    errors = [(row["error"], row["runs"], row["share"]) for row in error_table(Filters()).rows]
    assert errors == [("KeyError", 2, 50.0), ("NameError", 1, 25.0), ("Timeout (wall clock)", 1, 25.0)]
    checks = [(row["check"], row["checked"], row["failed"], row["failed_share"]) for row in check_table(Filters()).rows]
    assert checks == [("The rows are counted.", 2, 1, 50.0)]


def test_each_exercise_shows_its_five_commonest_kinds_of_error(activity):
    for name in ("TypeError", "ValueError", "IndexError", "OSError"):
        Run.objects.create(exercise=activity["exercise"], session_key="s9", status="error", error_message=f"{name}: no", code="x")
    errors = [(row["error"], row["runs"], row["share"]) for row in error_table(Filters()).rows]
    # Eight failed runs: KeyError twice, six kinds once each (ties by name).
    assert errors == [("KeyError", 2, 25.0), ("IndexError", 1, 12.5), ("NameError", 1, 12.5), ("OSError", 1, 12.5), ("Timeout (wall clock)", 1, 12.5)]


def test_an_error_named_like_a_status_stays_an_error(activity):
    Run.objects.create(exercise=activity["exercise"], session_key="s9", status="error", error_message="timeout: the server did not answer", code="x")
    errors = {row["error"]: row["runs"] for row in error_table(Filters()).rows}
    assert errors == {"KeyError": 2, "NameError": 1, "Timeout (wall clock)": 1, "timeout": 1}


def test_content_gaps_join_flagged_items_and_uncovered_questions(activity):
    rows = gap_table(Filters(), min_answers=5).rows
    summary = [
        (row["section"], row["flagged_items"], row["wrong_answers"], row["question_groups"], row["uncovered_asked"], row["affected"]) for row in rows
    ]
    # "excel" is in no section of the lesson: that group is a gap of the lesson, not of a section.
    assert summary == [
        ("No section named", ["look-first: negative discrimination", "library: very low facility (under 0.20)"], 7, [], 0, 7),
        ("Not in the lesson yet", [], 0, ["how do i read an excel file? (3)"], 3, 3),
        ("Loading a table", ["load-function: negative discrimination"], 2, [], 0, 2),
        ("Applied exercise", [], 0, ["how do i print the shape twice? (1)"], 1, 1),
    ]
    assert [row["section_url"] for row in rows] == [None, None, "/lessons/first-steps/#loading-a-table", "/lessons/first-steps/#applied-exercise"]


def test_weighted_median_reads_a_histogram():
    histogram = pd.DataFrame({"g": [1, 1, 1, 2, 2], "v": [10, 20, 30, 5, 7], "n": [1, 2, 1, 1, 1]})
    assert weighted_median(histogram, "g", "v", "n").to_dict() == {1: 20.0, 2: 6.0}
