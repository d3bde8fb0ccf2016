"""The hot-path SQL helpers read and write exactly what the ORM would, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from common.db import get_by, insert_unless_present, values_by
from lessons.authoring.importer import import_catalog
from quizzes.models import Attempt, GivenAnswer, Question, Quiz
from quizzes.services import start_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mini_course) -> Quiz:
    """Rows of every kind of column to read back: UUIDs, JSON, times, nullable keys."""
    import_catalog(mini_course)
    return Quiz.objects.get(lesson__slug="first-steps")


def fields_of(instance) -> list:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


def test_get_by_returns_the_row_the_orm_returns_with_the_same_values(quiz, learner):
    attempt, _ = start_attempt(quiz=quiz, user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now(), score_percent=80, is_passed=True)

    found = get_by(Attempt, "public_id", attempt.public_id)

    expected = Attempt.objects.get(pk=attempt.pk)
    assert fields_of(found) == fields_of(expected)
    assert isinstance(found.public_id, uuid.UUID)
    assert found.question_keys == ["load-function", "what-to-check", "look-first", "row-count", "library"]
    assert timezone.is_aware(found.started_at)
    assert (found.is_passed, found.browser_key, found._state.adding, found._state.db) == (True, "", False, "default")


def test_get_by_returns_none_when_no_row_matches(quiz):
    assert get_by(Attempt, "public_id", uuid.uuid4()) is None
    assert get_by(Session, "session_key", "no-such-session") is None


def test_values_by_returns_what_values_list_returns(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    for question in Question.objects.filter(key__in=["load-function", "library"]):
        GivenAnswer.objects.create(attempt=attempt, question=question, given="x", is_correct=False)

    found = values_by(GivenAnswer, "attempt", attempt.pk, column="question")

    assert sorted(found) == sorted(GivenAnswer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    assert len(found) == 2


def test_insert_unless_present_inserts_a_row_once_and_keeps_the_first(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    question = Question.objects.get(key="what-to-check")
    first = GivenAnswer(attempt=attempt, question=question, given=["head", "shape"], is_correct=True)
    again = GivenAnswer(attempt=attempt, question=question, given=["head"], is_correct=False)

    assert insert_unless_present(first) is True
    assert insert_unless_present(again) is False

    stored = GivenAnswer.objects.get(attempt=attempt)
    assert (stored.pk, stored.given, stored.is_correct, stored.answered_at) == (first.pk, ["head", "shape"], True, first.answered_at)
    assert again.pk is None
    assert (first._state.adding, first._state.db) == (False, "default")
