"""The quiz panel at the end of every lesson page, and the state of a quiz for one learner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import json_script

from common.browser import browser_key
from lessons.models import Lesson, Section
from quizzes.models import Attempt, GivenAnswer, LessonProgress, Question, Quiz
from quizzes.services import answer_record, attempt_record, choices_for, counted_keys, next_question, sections_by_heading


def quiz_panel_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any] | None:
    """Return what the lesson page shows of its quiz: the same for every anonymous reader."""
    quiz = Quiz.objects.filter(lesson=lesson).first()
    if quiz is None:
        return None
    count = quiz.questions.live().count()
    if not count:
        return None
    return {"quiz": quiz, "lesson": lesson, "question_count": count, "signed_in": request.user.is_authenticated}


@dataclass
class QuizState:
    """One learner's view of a quiz right now: what to show and the records their browser keeps."""

    quiz: Quiz
    mode: str  # intro | question | feedback | results
    question_count: int
    attempt: Attempt | None = None
    question: Question | None = None
    choices: list[str] = field(default_factory=list)
    answered_count: int = 0
    feedback: GivenAnswer | None = None
    section: Section | None = None
    missed: list[tuple[Question, Section | None]] = field(default_factory=list)
    past_attempts: list[Attempt] = field(default_factory=list)
    progress: LessonProgress | None = None
    records: list[str] = field(default_factory=list)
    error: str = ""
    given: list[str] = field(default_factory=list)  # what was posted, when it must be asked again

    @property
    def percent_done(self) -> int:
        return round(100 * self.answered_count / self.question_count) if self.question_count else 0

    @property
    def records_json(self) -> str:
        return json_script(self.records)

    @property
    def lesson(self) -> Lesson:
        return self.quiz.lesson

    @property
    def page_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.quiz.lesson.slug])


def owned_attempts(request: HttpRequest):
    return Attempt.objects.for_owner(user=request.user, browser_key=browser_key(request))


def quiz_state(request: HttpRequest, quiz: Quiz, *, attempt_id: str | None = None, answered: str | None = None) -> QuizState:
    """Work out what this learner sees of the quiz: the next question, feedback on one just answered, or results."""
    owned = owned_attempts(request).filter(quiz=quiz)
    attempt = None
    if attempt_id:
        attempt = find_owned_attempt(request, quiz, attempt_id)
    if attempt is None:
        attempt = owned.open().first()
    sections = sections_by_heading(quiz.lesson)
    state = QuizState(quiz=quiz, mode="intro", question_count=quiz.questions.live().count(), attempt=attempt)
    if request.user.is_authenticated:
        state.progress = LessonProgress.objects.filter(learner=request.user, quiz=quiz).first()
    state.past_attempts = list(owned.finished().order_by("-finished_at")[:5])
    if attempt is None:
        return state
    answers = list(attempt.answers.select_related("question"))
    state.answered_count = len(answers)
    state.question_count = len(attempt.question_keys) if not attempt.is_finished else attempt.question_count
    state.records = [answer_record(attempt, answer) for answer in answers]
    if answered:
        state.feedback = next((answer for answer in answers if answer.question.key == answered), None)
    if state.feedback is not None:
        state.mode = "feedback"
        state.section = sections.get(state.feedback.question.section_heading)
    if attempt.is_finished:
        state.records.append(attempt_record(attempt, answers={answer.question.key: answer.is_correct for answer in answers}))
        if state.feedback is None:
            state.mode = "results"
        right = {answer.question.key for answer in answers if answer.is_correct}
        questions = {question.key: question for question in quiz.questions.filter(key__in=attempt.question_keys)}
        state.missed = [(questions[key], sections.get(questions[key].section_heading)) for key in counted_keys(attempt) if key not in right]
        return state
    if state.feedback is None:
        state.question = next_question(attempt)
        if state.question is not None:
            state.mode = "question"
            state.choices = choices_for(attempt, state.question)
    return state


def find_owned_attempt(request: HttpRequest, quiz: Quiz, attempt_id: str | None) -> Attempt | None:
    """Return the caller's attempt at this quiz with that id; None for an unknown or malformed id."""
    try:
        public_id = uuid.UUID(str(attempt_id))
    except ValueError:
        return None
    attempt = owned_attempts(request).filter(quiz=quiz, public_id=public_id).first()
    if attempt is not None:
        attempt.quiz = quiz  # the caller's, with its lesson: no query to load it again
    return attempt
