"""generate_activity: exactly the activity asked for, honest to the grading rules, realistic, and the same for the same seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from progress.activity import EMAIL_DOMAIN, ActivityError, generate_activity
from progress.analytics import Filters, item_table, lesson_table
from quizzes import grading
from quizzes.models import AnswerResult, Attempt, AttemptResult, GivenAnswer, LessonProgress
from quizzes.services import recompute_progress
from sandbox_runner.models import Run
from tests.conftest import DEMO_CONTENT
from tutor.models import AskedQuestion

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
UNTIL = datetime(2026, 6, 30, 23, 59, tzinfo=UTC)
SIZE = {"learners": 300, "answers": 15_000, "tutor_questions": 1_500, "runs": 1_200}


@pytest.fixture
def demo(db):
    import_catalog(DEMO_CONTENT)


def fingerprint() -> list[tuple]:
    attempts = Attempt.objects.order_by("started_at", "quiz_id").values_list(
        "quiz_id", "learner__email", "browser_key", "started_at", "finished_at", "score_percent"
    )
    answers = GivenAnswer.objects.values("question_id", "is_correct").annotate(n=Count("id")).order_by("question_id", "is_correct")
    questions = AskedQuestion.objects.order_by("asked_at", "question").values_list("lesson_id", "question", "reason", "asked_at")
    runs = Run.objects.order_by("created_at", "exercise_id").values_list("exercise_id", "status", "error_message", "created_at")
    return [*attempts, *map(tuple, answers.values_list("question_id", "is_correct", "n")), *questions, *runs]


def test_it_writes_exactly_the_activity_asked_for_within_the_period(demo):
    report = generate_activity(**SIZE, months=3, seed=1, until=UNTIL)
    assert (report.learners, report.answers, report.tutor_questions, report.runs) == (300, 15_000, 1_500, 1_200)
    assert GivenAnswer.objects.count() == 15_000
    assert AskedQuestion.objects.count() == 1_500
    assert Run.objects.count() == 1_200
    assert Attempt.objects.count() == report.attempts
    start = UNTIL - timedelta(days=92)
    for model, field in ((Attempt, "started_at"), (AskedQuestion, "asked_at"), (Run, "created_at")):
        span = model.objects.aggregate(first=Min(field), last=Max(field))
        assert start <= span["first"], model
        assert span["last"] <= UNTIL, model


def test_answers_are_graded_the_way_the_quiz_grades_them(demo):
    generate_activity(**SIZE, months=3, seed=2, until=UNTIL)
    for answer in GivenAnswer.objects.select_related("question").iterator():
        assert grading.is_correct(answer.question, answer.given) == answer.is_correct, answer.question.key
    finished = Attempt.objects.filter(finished_at__isnull=False)
    for attempt in finished.annotate(right=Count("answers", filter=Q(answers__is_correct=True)))[:500]:
        assert attempt.right == attempt.correct_count
        assert attempt.score_percent == round(100 * attempt.correct_count / attempt.question_count)
    # Accounts carry their results and standing like learners who took the quizzes here.
    signed_in = finished.filter(learner__isnull=False)
    assert AttemptResult.objects.count() == signed_in.count()
    assert AnswerResult.objects.count() == GivenAnswer.objects.filter(attempt__learner__isnull=False).count()
    standing = sorted(LessonProgress.objects.values_list("learner_id", "quiz_id", "attempts", "best_score", "last_score", "completed_at"))
    for learner_id in {row[0] for row in standing}:
        recompute_progress(
            learner_id=learner_id, quiz_ids=set(LessonProgress.objects.filter(learner_id=learner_id).values_list("quiz_id", flat=True))
        )
    assert sorted(LessonProgress.objects.values_list("learner_id", "quiz_id", "attempts", "best_score", "last_score", "completed_at")) == standing


def test_the_activity_looks_like_learners(demo):
    generate_activity(**SIZE, months=3, seed=1, until=UNTIL)
    rows = lesson_table(Filters()).rows
    first_of_track = {row["track"]: row["learners_started"] for row in reversed(rows)}
    last_of_track = {row["track"]: row["learners_started"] for row in rows}
    # Learners drop off along a track.
    assert all(first_of_track[track] > last_of_track[track] for track in first_of_track)
    assert Attempt.objects.filter(learner=None).exists()
    assert Attempt.objects.filter(finished_at=None).exists()
    # The broken questions drawn in show up in the item analysis.
    flags = [flag for row in item_table(Filters()).rows for flag in row["flags"]]
    assert "negative discrimination" in flags
    assert AskedQuestion.objects.filter(reason="not-covered").count() > AskedQuestion.objects.filter(reason="steering").count() > 0
    assert set(Run.objects.values_list("status", flat=True)) >= {"ok", "error", "timeout"}
    assert Lesson.objects.filter(tutor_questions__isnull=False).distinct().count() == Lesson.objects.count()


def test_the_same_seed_gives_the_same_activity(demo, django_user_model):
    generate_activity(**SIZE, months=3, seed=7, until=UNTIL)
    first = fingerprint()
    django_user_model.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    Attempt.objects.all().delete()
    AskedQuestion.objects.all().delete()
    Run.objects.all().delete()
    generate_activity(**SIZE, months=3, seed=7, until=UNTIL)
    assert fingerprint() == first
    assert first


def test_it_refuses_to_add_to_generated_activity_or_to_run_without_lessons(db, demo):
    Lesson.objects.update(is_archived=True)
    with pytest.raises(ActivityError, match="import content first"):
        generate_activity(learners=1, answers=1, tutor_questions=0, runs=0, until=UNTIL)
    Lesson.objects.update(is_archived=False)
    call_command("generate_activity", "--learners=5", "--answers=50", "--tutor-questions=5", "--runs=5", "--until=2026-06-30")
    with pytest.raises(ActivityError, match="already here"):
        generate_activity(learners=1, answers=1, tutor_questions=0, runs=0, until=UNTIL)
