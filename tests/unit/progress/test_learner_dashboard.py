"""The learner dashboard's figures, checked against values worked out by hand from the history in conftest.

Each figure is checked twice: from an account (the records merged into it, the runs its
own) and from an anonymous browser (the same records posted, the runs its own). The two
sources must agree to the last number.
"""

from __future__ import annotations

from datetime import date

import pytest

from progress.learner import Day, Week, browser_dashboard, learner_dashboard
from quizzes.services import merge_browser_progress
from tests.unit.progress.conftest import HISTORY, TODAY

BROWSER = "browser-of-alice"


@pytest.fixture(params=["account", "browser"])
def board_for(request, course, learner, runs):
    """Return a function giving the dashboard of the history on a given day, from an account or from a browser."""
    if request.param == "account":
        merge_browser_progress(user=learner, records=HISTORY)
        runs(learner=learner)
        return lambda today=TODAY: learner_dashboard(user=learner, today=today)
    runs(browser=BROWSER)
    return lambda today=TODAY: browser_dashboard(records=HISTORY, browser_key=BROWSER, today=today)


def test_totals_count_lessons_attempts_answers_and_runs(board_for):
    board = board_for()

    assert (board.completed, board.total, board.percent) == (1, 3, 33)
    assert (board.attempts, board.answers, board.right_answers, board.runs) == (3, 11, 6, 2)
    assert board.right_percent == 55  # 6 of 11 is 54.5%
    assert board.rejected == 0


def test_each_track_has_its_bar_and_a_started_track_its_lessons_with_best_scores(board_for):
    basics, advanced = board_for().tracks

    assert (basics.title, basics.completed, basics.total, basics.percent, basics.url) == ("Basics", 1, 2, 50, "/tracks/basics/")
    assert [(line.slug, line.best_score, line.attempts, line.state) for line in basics.lessons] == [
        ("first-steps", 80, 2, "completed"),  # 40% then 80%: the best counts
        ("second-steps", 0, 1, "attempted"),
    ]
    assert basics.lessons[0].url == "/lessons/first-steps/"
    assert (advanced.completed, advanced.total, advanced.percent, advanced.is_started) == (0, 1, 0, False)
    assert advanced.lessons == []
    assert advanced.first_lesson.slug == "combining-tables"


def test_the_streak_counts_back_from_yesterday_until_today_is_active(board_for):
    # Active days: Fri 13 (a run), Mon 16, Tue 17, Wed 18 (an answer at 23:30), Thu 19 (the attempt finished at 00:10).
    board = board_for()

    assert (board.streak.current, board.streak.longest, board.streak.is_active_today) == (4, 4, False)
    assert board_for(today=date(2026, 11, 19)).streak.current == 4  # today active, counted
    assert board_for(today=date(2026, 11, 21)).streak.current == 0  # Friday 20 missed: the streak is broken
    assert board_for(today=date(2026, 11, 21)).streak.longest == 4


def test_the_chart_shows_twelve_weeks_of_actions_per_day_up_to_today(board_for):
    board = board_for()

    assert len(board.days) == 82  # Monday 31 August to Friday 20 November
    assert board.days[0] == Day(date(2026, 8, 31), 0)
    assert board.days[-1] == Day(TODAY, 0)
    assert {day.day.day: day.actions for day in board.days if day.actions} == {13: 1, 16: 6, 17: 7, 18: 1, 19: 1}
    assert board.weeks[-2:] == [Week(date(2026, 11, 9), 1, 1), Week(date(2026, 11, 16), 4, 15)]
    assert len(board.weeks) == 12
    assert board.active_days_shown == 5


def test_continue_offers_the_lesson_worked_on_last_while_its_quiz_is_not_passed(board_for):
    lesson = board_for().next_lesson

    assert (lesson.slug, lesson.title, lesson.track_title, lesson.url) == ("second-steps", "Second steps", "Basics", "/lessons/second-steps/")
    assert lesson.reason == "You were working on this lesson; its quiz is not passed yet."


def test_weak_spots_are_the_sections_of_the_questions_missed_most(board_for):
    spots = board_for().weak_spots

    # load-function missed twice ("Loading a table"); what-to-check once ("Looking at it"),
    # sort-method once ("Sorting rows", a later lesson); row-count names no section.
    assert [(spot.heading, spot.url, spot.lesson_title, spot.misses, spot.questions) for spot in spots] == [
        ("Loading a table", "/lessons/first-steps/#loading-a-table", "First steps", 2, 1),
        ("Looking at it", "/lessons/first-steps/#looking-at-it", "First steps", 1, 1),
        ("Sorting rows", "/lessons/second-steps/#sorting-rows", "Second steps", 1, 1),
    ]


def test_a_learner_with_no_activity_starts_at_the_first_lesson(course, learner):
    board = learner_dashboard(user=learner, today=TODAY)

    assert (board.completed, board.total, board.attempts, board.answers, board.runs, board.has_activity) == (0, 3, 0, 0, 0, False)
    assert (board.next_lesson.slug, board.next_lesson.reason) == ("first-steps", "Start here: the first lesson you have not completed.")
    assert (board.streak.current, board.streak.longest) == (0, 0)
    assert board.weak_spots == []
    assert [track.is_started for track in board.tracks] == [False, False]
    assert browser_dashboard(records=[], browser_key="", today=TODAY) == board


def test_days_are_the_sites_days(course, learner, settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-5 in November: the attempt finished at 00:10 UTC on the 19th is the 18th here
    merge_browser_progress(user=learner, records=HISTORY)

    from_account = learner_dashboard(user=learner, today=TODAY)
    from_browser = browser_dashboard(records=HISTORY, browser_key="", today=TODAY)

    for board in (from_account, from_browser):
        assert {day.day.day: day.actions for day in board.days if day.actions} == {16: 6, 17: 6, 18: 2}
        assert (board.streak.current, board.streak.longest) == (0, 3)  # 16 to 18; Thursday 19 was missed
