"""The learner dashboard: where one learner stands, and what to do next.

Two sources give the same page. A signed-in learner's figures come from their rows on
the server; an anonymous learner's from the signed records their browser kept, verified
exactly as a sync verifies them (quizzes.services.read_browser_records), and from the
runs that browser made. Each source is first reduced to Facts, aggregated in the
database for an account; build_dashboard() then joins the facts with the catalog.

Days are the site's days (TIME_ZONE): an active day is one with at least one graded
answer, finished quiz attempt or code run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from lessons.models import Lesson, Section, Track
from quizzes.models import AnswerResult, AttemptResult, LessonProgress, Question, Quiz
from quizzes.services import read_browser_records
from sandbox_runner.models import Run

CHART_WEEKS = 12
WEAK_SPOT_COUNT = 5


@dataclass
class Standing:
    """A learner's standing on one lesson's quiz."""

    best_score: int = 0
    attempts: int = 0
    completed_at: datetime | None = None  # when the quiz was first passed


@dataclass
class Facts:
    """What the dashboard needs of one learner's activity, lessons by id."""

    standings: dict[int, Standing] = field(default_factory=dict)
    last_active: dict[int, datetime] = field(default_factory=dict)  # the latest answer, attempt or run in each lesson
    actions_by_day: Counter[date] = field(default_factory=Counter)  # graded answers, finished attempts and runs
    misses: Counter[tuple[int, str]] = field(default_factory=Counter)  # wrong answers by (lesson id, question key)
    attempts: int = 0
    answers: int = 0
    right_answers: int = 0
    runs: int = 0
    rejected: int = 0  # browser records that failed verification

    def saw(self, lesson_id: int | None, moment: datetime | None) -> None:
        """Note activity in a lesson at a moment."""
        if lesson_id is None or moment is None:
            return
        if lesson_id not in self.last_active or moment > self.last_active[lesson_id]:
            self.last_active[lesson_id] = moment


def learner_facts(*, user) -> Facts:
    """Return a signed-in learner's facts, aggregated in the database."""
    facts = _lesson_facts(user)
    answers = AnswerResult.objects.filter(learner=user).order_by()
    totals = answers.aggregate(answers=Count("id"), right=Count("id", filter=Q(is_correct=True)))
    facts.answers, facts.right_answers = totals["answers"], totals["right"]
    misses = answers.filter(is_correct=False).values_list("quiz__lesson_id", "question_key").annotate(n=Count("id"))
    facts.misses = Counter({(lesson_id, key): n for lesson_id, key, n in misses})
    _count_days(facts, answers, "answered_at")
    facts.attempts = _count_days(facts, AttemptResult.objects.filter(learner=user), "finished_at")
    facts.runs = _count_days(facts, Run.objects.filter(learner=user), "created_at")
    return facts


def _lesson_facts(user) -> Facts:
    """Return a learner's standing and latest activity per lesson (the part "continue" needs)."""
    facts = Facts()
    for row in LessonProgress.objects.for_learner(user).values("quiz__lesson_id", "best_score", "attempts", "completed_at", "last_attempt_at"):
        facts.standings[row["quiz__lesson_id"]] = Standing(row["best_score"], row["attempts"], row["completed_at"])
        facts.saw(row["quiz__lesson_id"], row["last_attempt_at"])
    for lesson_id, last in AnswerResult.objects.filter(learner=user).order_by().values_list("quiz__lesson_id").annotate(last=Max("answered_at")):
        facts.saw(lesson_id, last)
    _note_run_lessons(facts, Run.objects.filter(learner=user))
    return facts


def _note_run_lessons(facts: Facts, runs: QuerySet) -> None:
    for lesson_id, last in runs.filter(exercise__isnull=False).order_by().values_list("exercise__lesson_id").annotate(last=Max("created_at")):
        facts.saw(lesson_id, last)


def _count_days(facts: Facts, rows: QuerySet, moment_field: str) -> int:
    """Add the rows to the actions of their days (in the site's time zone); return how many there were."""
    by_day = rows.order_by().values_list(TruncDate(moment_field, tzinfo=timezone.get_current_timezone())).annotate(n=Count("id"))
    total = 0
    for day, n in by_day:
        facts.actions_by_day[day] += n
        total += n
    return total


def browser_facts(*, records: list[Any], browser_key: str) -> Facts:
    """Return an anonymous browser's facts: its verified records, and the runs it made."""
    verified = read_browser_records(records)
    facts = Facts(rejected=len(verified.rejected))
    quiz_ids = {quiz_id for _, quiz_id in verified.attempts.values()} | {quiz_id for _, quiz_id in verified.answers.values()}
    lesson_of = dict(Quiz.objects.filter(id__in=quiz_ids).values_list("id", "lesson_id"))
    for record, quiz_id in verified.attempts.values():
        lesson_id = lesson_of[quiz_id]
        standing = facts.standings.setdefault(lesson_id, Standing())
        standing.attempts += 1
        standing.best_score = max(standing.best_score, record.score)
        if record.passed and (standing.completed_at is None or record.at < standing.completed_at):
            standing.completed_at = record.at
        facts.saw(lesson_id, record.at)
        facts.actions_by_day[timezone.localdate(record.at)] += 1
        facts.attempts += 1
    for record, quiz_id in verified.answers.values():
        lesson_id = lesson_of[quiz_id]
        facts.saw(lesson_id, record.at)
        facts.actions_by_day[timezone.localdate(record.at)] += 1
        facts.answers += 1
        if record.correct:
            facts.right_answers += 1
        else:
            facts.misses[(lesson_id, record.question)] += 1
    runs = Run.objects.for_owner(user=None, session_key=browser_key)
    facts.runs = _count_days(facts, runs, "created_at")
    _note_run_lessons(facts, runs)
    return facts


@dataclass(frozen=True)
class Streak:
    current: int  # consecutive active days up to today, or up to yesterday while today is still open
    longest: int
    is_active_today: bool


def streak(active_days: set[date], *, today: date) -> Streak:
    """Return the current and longest runs of consecutive active days."""
    day = today if today in active_days else today - timedelta(days=1)
    current = 0
    while day in active_days:
        current += 1
        day -= timedelta(days=1)
    longest = run = 0
    previous = None
    for day in sorted(active_days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return Streak(current=current, longest=longest, is_active_today=today in active_days)


@dataclass(frozen=True)
class Day:
    day: date
    actions: int


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    active_days: int
    actions: int


def chart_days(actions_by_day: Counter[date], *, today: date, weeks: int = CHART_WEEKS) -> list[Day]:
    """Return each day from the Monday `weeks` weeks back (this week included) up to today, with its actions."""
    start = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    return [Day(start + timedelta(days=n), actions_by_day.get(start + timedelta(days=n), 0)) for n in range((today - start).days + 1)]


def chart_weeks(days: list[Day]) -> list[Week]:
    """Return the days grouped by week (days start on a Monday, as chart_days gives them)."""
    return [
        Week(days[n].day, sum(1 for day in days[n : n + 7] if day.actions), sum(day.actions for day in days[n : n + 7]))
        for n in range(0, len(days), 7)
    ]


@dataclass(frozen=True)
class LessonLine:
    slug: str
    title: str
    best_score: int | None  # None before a finished attempt
    attempts: int
    is_completed: bool
    is_started: bool  # a graded answer, an attempt or a run in it

    @property
    def url(self) -> str:
        return _lesson_url(self.slug)

    @property
    def state(self) -> str:
        """Return completed, attempted, started or new."""
        if self.is_completed:
            return "completed"
        if self.attempts:
            return "attempted"
        return "started" if self.is_started else "new"


@dataclass(frozen=True)
class TrackLine:
    slug: str
    title: str
    total: int
    completed: int
    lessons: list[LessonLine]  # all of them once the track is started; none before
    first_lesson: LessonLine | None

    @property
    def url(self) -> str:
        return reverse("lessons:track", args=[self.slug])

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def is_started(self) -> bool:
        return bool(self.lessons)


@dataclass(frozen=True)
class NextLesson:
    slug: str
    title: str
    url: str
    track_title: str
    reason: str  # why this one, in a sentence


@dataclass(frozen=True)
class WeakSpot:
    heading: str  # plain text
    url: str  # the section in its lesson
    lesson_title: str
    misses: int  # wrong answers to its questions
    questions: int  # how many of its questions were missed


@dataclass(frozen=True)
class Dashboard:
    tracks: list[TrackLine]
    completed: int
    total: int
    attempts: int
    answers: int
    right_answers: int
    runs: int
    streak: Streak
    days: list[Day]
    next_lesson: NextLesson | None
    weak_spots: list[WeakSpot]
    rejected: int

    @property
    def has_activity(self) -> bool:
        return bool(self.attempts or self.answers or self.runs)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def right_percent(self) -> int:
        return round(100 * self.right_answers / self.answers) if self.answers else 0

    @property
    def weeks(self) -> list[Week]:
        return chart_weeks(self.days)

    @property
    def active_days_shown(self) -> int:
        return sum(1 for day in self.days if day.actions)


def _catalog() -> list[dict]:
    """Return the published lessons in catalog order, with their track's slug and title."""
    fields = ("id", "slug", "title", "track_id", "track__slug", "track__title")
    return list(Lesson.objects.published().in_catalog_order().values(*fields))


def _lesson_url(slug: str) -> str:
    return reverse("lessons:detail", args=[slug])


def build_dashboard(facts: Facts, *, today: date | None = None) -> Dashboard:
    """Join a learner's facts with the catalog: everything the dashboard shows."""
    today = today or timezone.localdate()
    lessons = _catalog()
    by_track: dict[int, list[LessonLine]] = {}
    for lesson in lessons:
        by_track.setdefault(lesson["track_id"], []).append(_lesson_line(lesson, facts))
    tracks = []
    for track in Track.objects.published().in_catalog_order().values("id", "slug", "title"):
        lines = by_track.get(track["id"], [])
        started = any(line.is_started for line in lines)
        tracks.append(
            TrackLine(
                slug=track["slug"],
                title=track["title"],
                total=len(lines),
                completed=sum(line.is_completed for line in lines),
                lessons=lines if started else [],
                first_lesson=lines[0] if lines else None,
            )
        )
    return Dashboard(
        tracks=tracks,
        completed=sum(track.completed for track in tracks),
        total=len(lessons),
        attempts=facts.attempts,
        answers=facts.answers,
        right_answers=facts.right_answers,
        runs=facts.runs,
        streak=streak({day for day, n in facts.actions_by_day.items() if n}, today=today),
        days=chart_days(facts.actions_by_day, today=today),
        next_lesson=next_lesson(facts, lessons=lessons),
        weak_spots=weak_spots(facts.misses, lessons=lessons),
        rejected=facts.rejected,
    )


def _lesson_line(lesson: dict, facts: Facts) -> LessonLine:
    standing = facts.standings.get(lesson["id"])
    return LessonLine(
        slug=lesson["slug"],
        title=lesson["title"],
        best_score=standing.best_score if standing and standing.attempts else None,
        attempts=standing.attempts if standing else 0,
        is_completed=bool(standing and standing.completed_at),
        is_started=lesson["id"] in facts.last_active,
    )


def next_lesson_id(order: list[int], *, completed: set[int], last_active: dict[int, datetime]) -> tuple[int | None, int | None]:
    """Return the lesson to continue with and the most recently active lesson it was chosen from.

    From the most recently active lesson on, in catalog order, the first not completed
    (the recent lesson itself while its quiz is not passed); past the end of the
    catalog, the first lesson not completed. None when every lesson is completed.
    """
    remaining = [lesson for lesson in order if lesson not in completed]
    if not remaining:
        return None, None
    active = [lesson for lesson in order if lesson in last_active]
    if not active:
        return remaining[0], None
    recent = max(active, key=lambda lesson: last_active[lesson])
    after = order[order.index(recent) :]
    return next((lesson for lesson in after if lesson not in completed), remaining[0]), recent


def next_lesson(facts: Facts, *, lessons: list[dict] | None = None) -> NextLesson | None:
    """Return "continue where you left off": the lesson and why it was chosen."""
    lessons = _catalog() if lessons is None else lessons
    by_id = {lesson["id"]: lesson for lesson in lessons}
    order = list(by_id)
    completed = {lesson_id for lesson_id, standing in facts.standings.items() if standing.completed_at}
    chosen, recent = next_lesson_id(order, completed=completed, last_active=facts.last_active)
    if chosen is None:
        return None
    if recent is None:
        reason = "Start here: the first lesson you have not completed."
    elif chosen == recent:
        reason = "You were working on this lesson; its quiz is not passed yet."
    elif order.index(chosen) > order.index(recent):
        reason = f"The next lesson after “{by_id[recent]['title']}” that you have not completed."
    else:
        reason = "You have completed every lesson after where you last worked: this is the first one still open."
    lesson = by_id[chosen]
    return NextLesson(lesson["slug"], lesson["title"], _lesson_url(lesson["slug"]), lesson["track__title"], reason)


def continue_for_learner(*, user) -> NextLesson | None:
    """Return where a signed-in learner should continue, or None before any activity or after the last lesson."""
    facts = _lesson_facts(user)
    return next_lesson(facts) if facts.last_active else None


def weak_spots(misses: Counter[tuple[int, str]], *, lessons: list[dict], limit: int = WEAK_SPOT_COUNT) -> list[WeakSpot]:
    """Return the sections behind the questions missed most: most wrong answers first, then in catalog order."""
    position = {lesson["id"]: n for n, lesson in enumerate(lessons)}
    lesson_ids = {lesson_id for lesson_id, _ in misses if lesson_id in position}
    if not lesson_ids:
        return []
    questions = Question.objects.filter(quiz__lesson_id__in=lesson_ids).exclude(section_heading="")
    heading_of = {(lesson_id, key): heading for lesson_id, key, heading in questions.values_list("quiz__lesson_id", "key", "section_heading")}
    sections = {
        (row["lesson_id"], row["heading"]): row
        for row in Section.objects.filter(lesson_id__in=lesson_ids).values("lesson_id", "heading", "heading_html", "anchor", "position")
    }
    totals: dict[tuple[int, str], list[int]] = {}
    for (lesson_id, key), n in misses.items():
        spot = (lesson_id, heading_of.get((lesson_id, key)))
        if n and spot in sections:
            totals.setdefault(spot, [0, 0])
            totals[spot][0] += n
            totals[spot][1] += 1
    ranked = sorted(totals, key=lambda spot: (-totals[spot][0], position[spot[0]], sections[spot]["position"]))
    titles = {lesson["id"]: lesson for lesson in lessons}
    return [
        WeakSpot(
            heading=unescape(strip_tags(sections[spot]["heading_html"])),
            url=f"{_lesson_url(titles[spot[0]]['slug'])}#{sections[spot]['anchor']}",
            lesson_title=titles[spot[0]]["title"],
            misses=totals[spot][0],
            questions=totals[spot][1],
        )
        for spot in ranked[:limit]
    ]


def learner_dashboard(*, user, today: date | None = None) -> Dashboard:
    """Return a signed-in learner's dashboard, from the server."""
    return build_dashboard(learner_facts(user=user), today=today)


def browser_dashboard(*, records: list[Any], browser_key: str, today: date | None = None) -> Dashboard:
    """Return an anonymous learner's dashboard, from their browser's signed records and runs."""
    return build_dashboard(browser_facts(records=records, browser_key=browser_key), today=today)
