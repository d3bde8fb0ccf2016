"""Retention: logged questions go after TUTOR_QUESTION_RETENTION_DAYS, by a periodic task that is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from tutor.models import AskedQuestion
from tutor.services import delete_old_questions as delete_questions
from tutor.tasks import delete_old_questions

pytestmark = pytest.mark.django_db


def asked(lesson, question: str, *, days_ago: float) -> AskedQuestion:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return AskedQuestion.objects.create(lesson=lesson, question=question, covered=False, reason="not-covered", engine="offline", latency_ms=3)


def test_questions_past_the_retention_are_deleted_and_the_rest_kept(tides, settings):
    settings.TUTOR_QUESTION_RETENTION_DAYS = 30
    for n in range(3):
        asked(tides, f"old {n}", days_ago=31)
    asked(tides, "almost old", days_ago=29.9)
    asked(tides, "new", days_ago=0)

    assert delete_old_questions() == 3

    assert sorted(AskedQuestion.objects.values_list("question", flat=True)) == ["almost old", "new"]


def test_running_the_task_again_deletes_nothing_more(tides, settings):
    settings.TUTOR_QUESTION_RETENTION_DAYS = 7
    asked(tides, "old", days_ago=8)
    asked(tides, "new", days_ago=1)

    assert (delete_old_questions(), delete_old_questions()) == (1, 0)
    assert AskedQuestion.objects.count() == 1


def test_a_large_backlog_goes_in_batches(tides):
    for n in range(7):
        asked(tides, f"old {n}", days_ago=100)

    assert delete_questions(days=90, batch=3) == 7
    assert not AskedQuestion.objects.exists()


def test_the_task_runs_every_hour_on_the_beat():
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled["tutor.tasks.delete_old_questions"] == 3600.0
    assert "tutor.tasks.delete_old_questions" in app.tasks
