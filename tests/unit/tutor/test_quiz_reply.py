"""The tutor knows the quiz: a pointer, never the answer, during an attempt; the learner's own mistakes explained after."""

from __future__ import annotations

import json

import pytest

from quizzes.models import Question
from quizzes.services import answer_key, grade_answer, learner_questions, start_attempt
from tests.tutor_course import COVERED
from tutor.quiz import matching_question
from tutor.replies import Reason
from tutor.services import ask

pytestmark = pytest.mark.django_db
RIGHT = {"tide-cause": "The gravity of the Moon", "wave-maker": "the wind", "tides-per-day": 2}
WRONG = {"tide-cause": "The wind", "wave-maker": "the Moon", "tides-per-day": 7}


def right_answer_words(question: Question) -> set[str]:
    """Every way of saying the question's right answer, and its explanation, that a pointer must not contain."""
    answers = question.answer if isinstance(question.answer, list) else [question.answer]
    return {str(answer).lower() for answer in answers} | {question.explanation.lower()}


def test_during_an_attempt_each_quiz_question_gets_a_pointer_to_its_section_and_never_the_answer(tides, learner):
    start_attempt(quiz=tides.quiz, user=learner)

    for question in tides.quiz.questions.all():
        reply = ask(tides, question.prompt, user=learner)

        assert reply.reason == Reason.QUIZ_POINTER, question.key
        said = json.dumps([reply.answer, [citation.__dict__ for citation in reply.citations]]).lower()
        for secret in right_answer_words(question):
            assert secret not in said, (question.key, secret)
        if question.section_heading:
            assert [(citation.section, citation.anchor, citation.quote) for citation in reply.citations] == [
                (question.section_heading, question.section_heading.lower(), "")
            ]
            assert f"“{question.section_heading}”" in reply.answer
        else:
            assert reply.citations == []


def test_the_pointer_rather_than_the_answer_holds_for_a_question_in_the_learners_own_words(tides):
    start_attempt(quiz=tides.quiz, browser_key="browser-1")

    reply = ask(tides, COVERED, browser_key="browser-1")  # "What causes the tides?" is the quiz's "Which force causes the tides?"

    assert reply.reason == Reason.QUIZ_POINTER
    assert "moon" not in reply.answer.lower()
    assert reply.citations[0].anchor == "tides"


def test_a_question_that_is_not_in_the_quiz_is_answered_from_the_lesson_during_an_attempt(tides, learner):
    start_attempt(quiz=tides.quiz, user=learner)

    reply = ask(tides, "Who won the football world cup in 1998?", user=learner)

    assert reply.reason == Reason.NOT_COVERED


def test_someone_elses_attempt_does_not_hide_the_answer(tides, learner, stranger):
    start_attempt(quiz=tides.quiz, user=stranger)
    start_attempt(quiz=tides.quiz, browser_key="another-browser")

    signed_in = ask(tides, COVERED, user=learner)
    anonymous = ask(tides, COVERED, browser_key="my-browser")

    assert (signed_in.reason, anonymous.reason) == (Reason.ANSWERED, Reason.ANSWERED)
    assert "Moon's gravity causes the tides" in signed_in.answer


def test_after_the_attempt_a_missed_question_gets_its_explanation_and_the_lessons_passage(tides, learner):
    attempt, _ = start_attempt(quiz=tides.quiz, user=learner)
    for key, given in (RIGHT | {"tide-cause": WRONG["tide-cause"]}).items():
        grade_answer(answer_key=answer_key(tides.slug), attempt=attempt, question_key=key, given=given)

    reply = ask(tides, "Why is it the Moon that causes the tides?", user=learner)

    assert reply.reason == Reason.QUIZ_REVIEW
    assert reply.covered
    assert "The Moon's gravity pulls the sea toward it; that pull causes the tides." in reply.answer
    [citation] = reply.citations
    assert (citation.section, citation.anchor) == ("Tides", "tides")
    assert "The Moon's gravity causes the tides." in citation.quote
    assert "wind" not in citation.quote  # the passages of that section, not the lesson's others


def test_after_the_attempt_a_question_answered_right_gets_an_ordinary_answer(tides, learner):
    attempt, _ = start_attempt(quiz=tides.quiz, user=learner)
    for key, given in (RIGHT | {"wave-maker": WRONG["wave-maker"]}).items():
        grade_answer(answer_key=answer_key(tides.slug), attempt=attempt, question_key=key, given=given)

    reply = ask(tides, COVERED, user=learner)

    assert reply.reason == Reason.ANSWERED


def test_a_missed_question_without_a_section_is_still_explained(tides):
    attempt, _ = start_attempt(quiz=tides.quiz, browser_key="browser-1")
    for key, given in (RIGHT | {"tides-per-day": WRONG["tides-per-day"]}).items():
        grade_answer(answer_key=answer_key(tides.slug), attempt=attempt, question_key=key, given=given)

    reply = ask(tides, "why was my answer to how many high tides come in a day wrong?", browser_key="browser-1")

    assert reply.reason == Reason.QUIZ_REVIEW
    assert "High tide comes about twice a day." in reply.answer
    assert reply.citations == []


def test_quiz_replies_are_logged_with_their_reason(tides, learner):
    start_attempt(quiz=tides.quiz, user=learner)

    ask(tides, COVERED, user=learner)

    logged = tides.tutor_questions.get()
    assert (logged.reason, logged.engine, logged.covered, logged.sections) == (Reason.QUIZ_POINTER, "quiz", True, ["tides"])


def test_learner_questions_names_the_open_attempts_questions_or_else_the_last_ones_missed(tides, learner):
    assert learner_questions(lesson=tides, user=learner) == learner_questions(lesson=tides)

    attempt, _ = start_attempt(quiz=tides.quiz, user=learner)
    assert [question.key for question in learner_questions(lesson=tides, user=learner).unfinished] == list(RIGHT)

    for key, given in (WRONG | {"wave-maker": RIGHT["wave-maker"]}).items():
        grade_answer(answer_key=answer_key(tides.slug), attempt=attempt, question_key=key, given=given)
    standing = learner_questions(lesson=tides, user=learner)
    assert (standing.unfinished, [question.key for question in standing.missed]) == ([], ["tide-cause", "tides-per-day"])


@pytest.mark.parametrize(
    ("asked", "matches"),
    [
        ("Which force causes the tides?", True),
        ("what force causes tides", True),
        ("Why did I get the question about what makes waves on the sea wrong?", True),
        ("What is a tide?", False),
        ("Tell me about the sea", False),
        ("Which force?", False),
    ],
)
def test_a_question_matches_a_quiz_prompt_when_it_repeats_most_of_its_words(tides, asked, matches):
    questions = list(tides.quiz.questions.all())

    assert (matching_question(asked, questions) is not None) is matches
