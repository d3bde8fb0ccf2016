"""Answers posted at the same moment, each on its own database connection: nothing counts twice, the last answer finishes the attempt once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from quizzes.models import AnswerResult, AttemptResult, GivenAnswer, LessonProgress
from quizzes.services import grade_answer, start_attempt

pytestmark = pytest.mark.django_db(transaction=True)
RIGHT = {"load-function": "pd.read_csv", "what-to-check": ["head", "shape"], "look-first": False, "row-count": 10, "library": "pandas"}
ROUNDS = 8  # a race lost in one round may be won in another: every round must hold


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return their results (or raise the first error)."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # handed to the test, below
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def grade(attempt, key: str, given: Any):
    return lambda: grade_answer(attempt=attempt, question_key=key, given=given)


def test_one_question_answered_twice_at_once_is_graded_once(quiz, django_user_model):
    for round_ in range(ROUNDS):
        learner = django_user_model.objects.create_user(f"learner{round_}@example.com")  # a new open attempt each round
        attempt, _ = start_attempt(quiz=quiz, user=learner)

        right, wrong = at_once(grade(attempt, "load-function", "pd.read_csv"), grade(attempt, "load-function", "pd.open"))

        assert sorted([right.already_answered, wrong.already_answered]) == [False, True]
        assert right.answer.is_correct == wrong.answer.is_correct  # the second post got the first one's grading
        assert GivenAnswer.objects.filter(attempt=attempt).count() == 1
        assert AnswerResult.objects.filter(attempt_id=attempt.public_id).count() == 1


def test_the_last_two_answers_at_once_finish_the_attempt_once(quiz, learner):
    for _ in range(ROUNDS):
        attempt, _ = start_attempt(quiz=quiz, user=learner)
        for key in ["load-function", "what-to-check", "look-first"]:
            grade(attempt, key, RIGHT[key])()

        graded = at_once(grade(attempt, "row-count", 10), grade(attempt, "library", "pandas"))

        assert any(answer.attempt_record for answer in graded)  # however they interleave, the later one sees both
        attempt.refresh_from_db()
        assert (attempt.is_finished, attempt.score_percent) == (True, 100)
        assert AttemptResult.objects.filter(attempt_id=attempt.public_id).count() == 1
    assert LessonProgress.objects.get(learner=learner).attempts == ROUNDS
