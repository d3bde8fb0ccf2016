"""Taking a quiz on the server: attempts, grading, finishing, and the progress it leaves."""

from __future__ import annotations

import pytest

from lessons.services import bump_catalog_version
from quizzes.models import Attempt, LessonProgress
from quizzes.records import AnswerRecord, AttemptRecord, read_record
from quizzes.services import AnswerRefused, answer_key, choices_for, grade_answer, live_questions, next_question, start_attempt

RIGHT = {"load-function": "pd.read_csv", "what-to-check": ["head", "shape"], "look-first": False, "row-count": 10, "library": "pandas"}
WRONG = {"load-function": "pd.open", "what-to-check": ["head"], "look-first": True, "row-count": 9, "library": "numpy"}


def answer_all(attempt, answers):
    return [grade_answer(attempt=attempt, question_key=key, given=given) for key, given in answers.items()]


def test_an_attempt_asks_every_live_question_in_order(quiz):
    attempt, created = start_attempt(quiz=quiz, browser_key="browser-1")

    assert created
    assert attempt.question_keys == ["load-function", "what-to-check", "look-first", "row-count", "library"]
    assert next_question(attempt).key == "load-function"


def test_starting_again_resumes_the_open_attempt(quiz, learner):
    first, _ = start_attempt(quiz=quiz, user=learner)
    grade_answer(attempt=first, question_key="load-function", given="pd.read_csv")

    again, created = start_attempt(quiz=quiz, user=learner)

    assert (again, created) == (first, False)
    assert next_question(again).key == "what-to-check"


def test_choice_order_is_shuffled_per_attempt_and_stable_within_it(quiz):
    question = quiz.questions.get(key="load-function")
    orders = set()
    for n in range(12):
        attempt, _ = start_attempt(quiz=quiz, browser_key=f"browser-{n}")
        assert choices_for(attempt, question) == choices_for(Attempt.objects.get(pk=attempt.pk), question)
        assert sorted(choices_for(attempt, question)) == sorted(question.choices)
        orders.add(tuple(choices_for(attempt, question)))
    assert len(orders) > 1


def test_the_last_answer_finishes_the_attempt_with_its_score(quiz, learner):
    attempt, _ = start_attempt(quiz=quiz, user=learner)

    graded = answer_all(attempt, RIGHT | {"library": "numpy"})

    attempt.refresh_from_db()
    assert attempt.is_finished
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent, attempt.is_passed) == (4, 5, 80, True)
    assert graded[-1].attempt_record is not None
    assert all(item.attempt_record is None for item in graded[:-1])


def test_every_graded_answer_comes_with_a_signed_record_that_tells_no_answer(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")

    graded = grade_answer(attempt=attempt, question_key="load-function", given="pd.open")

    record = read_record(graded.record)
    assert isinstance(record, AnswerRecord)
    assert (record.lesson, record.attempt, record.question, record.correct) == ("first-steps", attempt.public_id, "load-function", False)
    assert "read_csv" not in graded.record


def test_answering_twice_returns_the_first_grading_unchanged(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    grade_answer(attempt=attempt, question_key="load-function", given="pd.open")

    again = grade_answer(attempt=attempt, question_key="load-function", given="pd.read_csv")

    assert again.already_answered
    assert again.answer.is_correct is False


@pytest.mark.parametrize(
    ("key", "given", "message"),
    [("no-such-question", "x", "no question 'no-such-question'"), ("load-function", "pd.guess", "not one of this question's choices")],
)
def test_unknown_questions_and_invalid_answers_are_refused_and_change_nothing(quiz, key, given, message):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")

    with pytest.raises(AnswerRefused, match=message):
        grade_answer(attempt=attempt, question_key=key, given=given)

    assert not attempt.answers.exists()


def test_a_finished_attempt_takes_no_more_answers(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    answer_all(attempt, RIGHT)
    attempt.refresh_from_db()

    with pytest.raises(AnswerRefused, match="finished"):
        grade_answer(attempt=attempt, question_key="library", given="pd")


def test_a_signed_in_learner_keeps_best_and_last_score_and_completion(quiz, learner):
    first, _ = start_attempt(quiz=quiz, user=learner)
    answer_all(first, RIGHT)
    retake, _ = start_attempt(quiz=quiz, user=learner)
    graded = answer_all(retake, WRONG)

    progress = LessonProgress.objects.get(learner=learner, quiz=quiz)
    assert (progress.attempts, progress.best_score, progress.last_score, progress.is_completed) == (2, 100, 0, True)
    record = read_record(graded[-1].attempt_record)
    assert isinstance(record, AttemptRecord)
    assert (record.score, record.passed, record.answers["library"]) == (0, False, False)


def test_anonymous_attempts_leave_no_server_progress(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    answer_all(attempt, RIGHT)

    assert not LessonProgress.objects.exists()


def test_a_question_removed_by_an_import_mid_attempt_cannot_be_answered(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    quiz.questions.filter(key="library").update(is_archived=True)

    with pytest.raises(AnswerRefused, match="removed"):
        grade_answer(attempt=attempt, question_key="library", given="pandas")


def test_a_removed_question_is_skipped_and_does_not_count_against_the_score(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    quiz.questions.filter(key="what-to-check").update(is_archived=True)

    graded = answer_all(attempt, {key: value for key, value in RIGHT.items() if key != "what-to-check"})

    attempt.refresh_from_db()
    assert graded[-1].attempt_record is not None
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent) == (4, 4, 100)


def test_live_questions_are_the_answer_keys_and_an_archived_lessons_come_from_the_database(quiz):
    assert live_questions(quiz) is answer_key("first-steps").questions
    quiz.lesson.is_archived = True
    quiz.lesson.save()
    quiz.questions.filter(key="library").update(is_archived=True)
    bump_catalog_version()  # as the import that archived them does

    assert answer_key("first-steps") is None
    assert list(live_questions(quiz)) == ["load-function", "what-to-check", "look-first", "row-count"]


def test_an_attempt_whose_lesson_an_import_archived_takes_no_more_answers(quiz):
    attempt, _ = start_attempt(quiz=quiz, browser_key="browser-1")
    quiz.lesson.is_archived = True
    quiz.lesson.save()
    bump_catalog_version()

    with pytest.raises(AnswerRefused, match="no longer on the site"):
        grade_answer(attempt=attempt, question_key="library", given="pandas")

    assert not attempt.answers.exists()
