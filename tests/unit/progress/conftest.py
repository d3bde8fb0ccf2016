"""A small history of one learner on the mini course, as the signed records a browser keeps.

The mini course: track "Basics" (first-steps: five questions, pass at 60%, two of them on
sections; second-steps: one question on "Sorting rows"), then track "Advanced"
(combining-tables: one question, no section). Every figure the tests expect is worked out
by hand from HISTORY below.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from lessons.authoring.importer import import_catalog
from quizzes.records import sign_answer, sign_attempt
from sandbox_runner.models import Exercise, Run

TODAY = date(2026, 11, 20)  # a Friday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def attempt_records(lesson: str, answers: dict[str, bool], *, total: int, pass_percent: int, answered: datetime, finished: datetime) -> list[str]:
    """Return the records of one attempt: each answer a minute apart from `answered`, then the finished attempt."""
    attempt = uuid.uuid4()
    records = [
        sign_answer(lesson=lesson, attempt=attempt, question=key, correct=correct, at=answered + timedelta(minutes=n))
        for n, (key, correct) in enumerate(answers.items())
    ]
    score = round(100 * sum(answers.values()) / total)
    records.append(sign_attempt(lesson=lesson, attempt=attempt, answers=answers, total=total, score=score, passed=score >= pass_percent, at=finished))
    return records


def first_steps(*, load: bool, check: bool, look: bool, rows: bool, library: bool) -> dict[str, bool]:
    return {"load-function": load, "what-to-check": check, "look-first": look, "row-count": rows, "library": library}


# Mon 16 Nov: first-steps, 2 of 5 right (40%, failed). Tue 17 Nov: first-steps again, 4 of 5
# (80%, passed). Wed 18 Nov 23:30: second-steps' one question, wrong; the attempt is
# finished after midnight, Thu 19 Nov 00:10 (0%, failed).
HISTORY = [
    *attempt_records(
        "first-steps",
        first_steps(load=False, check=False, look=True, rows=False, library=True),
        total=5,
        pass_percent=60,
        answered=at(16, 10),
        finished=at(16, 10, 5),
    ),
    *attempt_records(
        "first-steps",
        first_steps(load=False, check=True, look=True, rows=True, library=True),
        total=5,
        pass_percent=60,
        answered=at(17, 9),
        finished=at(17, 9, 5),
    ),
    *attempt_records("second-steps", {"sort-method": False}, total=1, pass_percent=70, answered=at(18, 23, 30), finished=at(19, 0, 10)),
]


@pytest.fixture
def course(db, mini_course):
    import_catalog(mini_course)
    return mini_course


def make_run(*, moment: datetime, exercise_lesson: str | None, learner=None, browser: str = "") -> Run:
    """Store a finished run made at a moment: in a lesson's exercise, or in the scratchpad."""
    exercise = Exercise.objects.get(lesson__slug=exercise_lesson) if exercise_lesson else None
    run = Run.objects.create(learner=learner, session_key=browser, exercise=exercise, code="print(1)", status=Run.Status.OK)
    Run.objects.filter(pk=run.pk).update(created_at=moment)
    return run


@pytest.fixture
def runs():
    """Return a function storing the history's two runs for an owner: Fri 13 Nov in first-steps, Tue 17 Nov in the scratchpad."""

    def store(*, learner=None, browser: str = "") -> None:
        make_run(moment=at(13, 8), exercise_lesson="first-steps", learner=learner, browser=browser)
        make_run(moment=at(17, 20), exercise_lesson=None, learner=learner, browser=browser)

    return store
