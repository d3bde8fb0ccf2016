"""The dashboard's rules on their own: streaks, the chart's days, and which lesson to continue with."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from progress.learner import Facts, Standing, chart_days, chart_weeks, next_lesson, next_lesson_id, streak

TODAY = date(2026, 11, 20)


def days_ago(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=offset) for offset in offsets}


def moment(hour: int) -> datetime:
    return datetime(2026, 11, 1, hour, tzinfo=UTC)


def test_a_streak_includes_today_once_today_is_active():
    result = streak(days_ago(0, 1, 2), today=TODAY)

    assert (result.current, result.longest, result.is_active_today) == (3, 3, True)


def test_a_streak_ending_yesterday_is_still_alive_today():
    result = streak(days_ago(1, 2), today=TODAY)

    assert (result.current, result.is_active_today) == (2, False)


def test_a_streak_ending_the_day_before_yesterday_is_over():
    assert streak(days_ago(2, 3, 4), today=TODAY).current == 0


def test_a_gap_of_one_day_ends_a_streak():
    result = streak(days_ago(0, 1, 3, 4, 5, 6, 10), today=TODAY)

    assert (result.current, result.longest) == (2, 4)


def test_no_activity_is_no_streak():
    assert (streak(set(), today=TODAY).current, streak(set(), today=TODAY).longest) == (0, 0)


def test_the_chart_starts_on_a_monday_and_ends_today():
    days = chart_days(Counter({TODAY: 3, TODAY - timedelta(days=7): 1}), today=TODAY, weeks=2)

    assert [day.day for day in days] == [date(2026, 11, 9) + timedelta(days=n) for n in range(12)]
    assert [day.actions for day in days] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3]
    assert [(week.start, week.active_days, week.actions) for week in chart_weeks(days)] == [(date(2026, 11, 9), 1, 1), (date(2026, 11, 16), 1, 3)]


def test_on_a_monday_the_last_week_of_the_chart_is_one_day():
    monday = date(2026, 11, 16)

    days = chart_days(Counter(), today=monday, weeks=3)

    assert (days[0].day, days[-1].day, len(days)) == (date(2026, 11, 2), monday, 15)


ORDER = [1, 2, 3, 4, 5]


def test_continue_offers_the_lesson_after_the_last_one_worked_on_once_it_is_completed():
    assert next_lesson_id(ORDER, completed={1, 2}, last_active={1: moment(1), 2: moment(2)}) == (3, 2)


def test_continue_skips_lessons_already_completed_after_the_last_one():
    assert next_lesson_id(ORDER, completed={2, 3, 4}, last_active={2: moment(5), 4: moment(1)}) == (5, 2)


def test_continue_stays_on_the_last_lesson_worked_on_while_it_is_not_completed():
    assert next_lesson_id(ORDER, completed={1, 2}, last_active={2: moment(1), 3: moment(2)}) == (3, 3)


def test_continue_goes_back_to_the_first_lesson_not_completed_past_the_end():
    assert next_lesson_id(ORDER, completed={2, 4, 5}, last_active={4: moment(1), 5: moment(2)}) == (1, 5)


def test_continue_starts_at_the_first_lesson_without_activity():
    assert next_lesson_id(ORDER, completed=set(), last_active={}) == (1, None)


def test_continue_offers_nothing_once_every_lesson_is_completed():
    assert next_lesson_id(ORDER, completed=set(ORDER), last_active={5: moment(1)}) == (None, None)


def test_activity_in_a_lesson_no_longer_published_does_not_count_as_where_you_left_off():
    assert next_lesson_id(ORDER, completed={1}, last_active={99: moment(9), 1: moment(1)}) == (2, 1)


def lessons(*slugs: str) -> list[dict]:
    return [{"id": n, "slug": slug, "title": slug.title(), "track__title": "Track"} for n, slug in enumerate(slugs, start=1)]


def test_each_choice_of_lesson_says_why(db):
    catalog = lessons("one", "two", "three")
    done = Standing(best_score=90, attempts=1, completed_at=moment(1))

    after = next_lesson(Facts(standings={1: done}, last_active={1: moment(1)}), lessons=catalog)
    wrapped = next_lesson(Facts(standings={1: done, 3: done}, last_active={3: moment(2)}), lessons=catalog)

    assert (after.slug, after.reason) == ("two", "The next lesson after “One” that you have not completed.")
    assert (wrapped.slug, wrapped.reason) == ("two", "You have completed every lesson after where you last worked: this is the first one still open.")
