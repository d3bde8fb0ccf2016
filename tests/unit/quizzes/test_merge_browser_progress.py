"""Merging a browser's signed records into an account: idempotent, order-free, never lowering or losing progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.authoring.importer import import_catalog
from quizzes.models import AnswerResult, LessonProgress
from quizzes.records import SALT, sign_answer, sign_attempt
from quizzes.services import attempt_record, grade_answer, merge_browser_progress, start_attempt

START = datetime(2026, 11, 1, tzinfo=UTC)


def attempt_at(*, score: int, minutes: int, lesson: str = "first-steps", attempt: uuid.UUID | None = None, pass_percent: int = 60) -> str:
    return sign_attempt(
        lesson=lesson,
        attempt=attempt or uuid.uuid4(),
        answers={"load-function": score >= 20, "library": score >= 60},
        total=5,
        score=score,
        passed=score >= pass_percent,
        at=START + timedelta(minutes=minutes),
    )


def standing(user) -> list[tuple]:
    return sorted(
        LessonProgress.objects.filter(learner=user).values_list("quiz__lesson__slug", "attempts", "best_score", "last_score", "completed_at")
    )


def test_records_merge_into_best_last_attempts_and_completion(quiz, learner):
    records = [attempt_at(score=40, minutes=1), attempt_at(score=80, minutes=2), attempt_at(score=60, minutes=3)]

    report = merge_browser_progress(user=learner, records=records)

    assert (report.accepted, report.new_attempts, report.rejected) == (3, 3, [])
    progress = LessonProgress.objects.get(learner=learner)
    assert (progress.attempts, progress.best_score, progress.last_score) == (3, 80, 60)
    assert progress.completed_at == START + timedelta(minutes=2)


def test_the_same_record_counts_once_however_often_it_is_sent(quiz, learner):
    record = attempt_at(score=80, minutes=1)

    merge_browser_progress(user=learner, records=[record, record])
    again = merge_browser_progress(user=learner, records=[record])

    assert (again.accepted, again.new_attempts) == (1, 0)
    assert LessonProgress.objects.get(learner=learner).attempts == 1


def test_a_record_replayed_later_by_another_account_is_harmless(quiz, learner, stranger):
    """A record is bearer proof of one graded attempt: replaying it adds that attempt once, to whoever sends it, and takes nothing from anyone."""
    record = attempt_at(score=100, minutes=1)
    merge_browser_progress(user=learner, records=[record])

    merge_browser_progress(user=stranger, records=[record, record])
    merge_browser_progress(user=learner, records=[record])

    assert LessonProgress.objects.get(learner=learner).attempts == 1
    assert LessonProgress.objects.get(learner=stranger).attempts == 1


def test_bad_records_are_rejected_one_by_one_while_good_ones_merge(quiz, learner):
    good = attempt_at(score=80, minutes=1)
    unsigned = good.rpartition(":")[0]
    forged = signing.dumps({"v": 1, "kind": "attempt", "id": str(uuid.uuid4())}, salt="another-salt")
    altered = good.replace(good[5], "A" if good[5] != "A" else "B", 1)
    wrong_shape = signing.dumps({"v": 1, "kind": "attempt", "id": "not-a-uuid"}, salt=SALT)
    gone = attempt_at(score=90, minutes=2, lesson="no-such-lesson")
    records = [good, forged, altered, good[:-4], unsigned, 42, None, "", "x" * 9000, wrong_shape, gone]

    report = merge_browser_progress(user=learner, records=records)

    reasons = {item["index"]: item["reason"] for item in report.rejected}
    assert sorted(reasons) == list(range(1, 11))
    assert "signature does not match" in reasons[1]
    assert "signature does not match" in reasons[2]
    assert "signature does not match" in reasons[3]
    assert "not a record" in reasons[5]
    assert "too long" in reasons[8]
    assert "unknown form" in reasons[9]
    assert "no quiz on this site" in reasons[10]
    assert LessonProgress.objects.get(learner=learner).best_score == 80


def test_answer_records_are_kept_for_weak_spots(quiz, learner):
    attempt = uuid.uuid4()
    record = sign_answer(lesson="first-steps", attempt=attempt, question="library", correct=False, at=START)

    merge_browser_progress(user=learner, records=[record, record])

    assert list(AnswerResult.objects.filter(learner=learner).values_list("question_key", "is_correct")) == [("library", False)]
    assert not LessonProgress.objects.filter(learner=learner).exists()  # an unfinished attempt is not a result


def test_an_attempt_made_on_this_server_and_its_browser_record_are_one_attempt(quiz, learner):
    attempt, _ = start_attempt(quiz=quiz, user=learner)
    for key, given_answer in {"load-function": "pd.read_csv", "what-to-check": ["head"], "look-first": False, "row-count": 10}.items():
        grade_answer(attempt=attempt, question_key=key, given=given_answer)
    last = grade_answer(attempt=attempt, question_key="library", given="pd")

    merge_browser_progress(user=learner, records=[last.attempt_record, attempt_record(attempt)])

    assert LessonProgress.objects.get(learner=learner).attempts == 1


scores = st.integers(min_value=0, max_value=100)
minutes = st.integers(min_value=0, max_value=60 * 24 * 30)
attempt_records = st.lists(st.tuples(scores, minutes, st.uuids()), min_size=1, max_size=12)


def merged_standing(user_model, records_batches: list[list[str]]) -> list[tuple]:
    user = user_model.objects.create_user(f"{uuid.uuid4()}@example.com")
    for batch in records_batches:
        merge_browser_progress(user=user, records=batch)
    return standing(user)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=attempt_records, order=st.randoms(use_true_random=False), split=st.integers(min_value=0, max_value=12), data=st.data())
def test_merging_is_idempotent_order_independent_and_never_lowers_or_loses(mini_course, items, order, split, data):
    user_model = get_user_model()
    with transaction.atomic():
        import_catalog(mini_course)
        lesson = data.draw(st.sampled_from(["first-steps", "second-steps"]))
        records = [attempt_at(score=score, minutes=minute, attempt=attempt_id, lesson=lesson) for score, minute, attempt_id in items]

        once = merged_standing(user_model, [records])
        shuffled = records * 2
        order.shuffle(shuffled)
        in_pieces = merged_standing(user_model, [shuffled[:split], shuffled[split:], records])

        assert once == in_pieces  # idempotent and order-independent

        # Merging one more batch after any prefix never lowers the best score or loses a completion.
        user = user_model.objects.create_user(f"{uuid.uuid4()}@example.com")
        best, completed = 0, None
        for record in shuffled:
            merge_browser_progress(user=user, records=[record])
            ((_, _, new_best, _, new_completed),) = standing(user)
            assert new_best >= best
            assert completed is None or new_completed is not None
            assert completed is None or new_completed <= completed
            best, completed = new_best, new_completed
        transaction.set_rollback(True)
