"""The quiz pages: one question at a time with htmx, a plain form without JavaScript."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from common.browser import browser_key
from common.ratelimit import allow
from quizzes.forms import given_answer
from quizzes.models import Quiz
from quizzes.panels import find_owned_attempt, owned_attempts, quiz_state
from quizzes.services import AnswerRefused, answer_key, grade_answer, sections_by_heading, start_attempt

PANEL = "quizzes/quiz.html#quiz-panel"


def _quiz(slug: str) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("lesson__track"), lesson__slug=slug, lesson__is_archived=False)


def _render_state(request: HttpRequest, state, *, status: int = 200) -> HttpResponse:
    return render(request, PANEL if request.htmx else "quizzes/quiz.html", {"state": state}, status=status)


@require_GET
@vary_on_headers("HX-Request")
def quiz_page(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(slug)
    state = quiz_state(request, quiz, attempt_id=request.GET.get("attempt"), answered=request.GET.get("answered"))
    return _render_state(request, state)


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(slug)
    attempt, _ = start_attempt(quiz=quiz, user=request.user, browser_key=browser_key(request, create=True))
    if not request.htmx:
        return redirect(f"{reverse('quizzes:quiz', args=[slug])}?attempt={attempt.public_id}#quiz")
    return _render_state(request, quiz_state(request, quiz, attempt_id=str(attempt.public_id)))


@require_POST
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(slug)
    attempt = find_owned_attempt(request, quiz, request.POST.get("attempt"))
    if attempt is None:
        raise Http404("No such attempt.")
    key = answer_key(slug)
    question = key.questions.get(request.POST.get("question", "")) if key is not None else None
    if question is None:
        raise Http404("No such question.")
    if not allow(request, scope="quiz-answers"):
        state = quiz_state(request, quiz, attempt_id=str(attempt.public_id))
        state.error = "That is a lot of answers in a minute. Take a breath, then answer again."
        return _render_state(request, state, status=429)
    try:
        graded = grade_answer(attempt=attempt, question_key=question.key, given=given_answer(question, request.POST), answer_key=key)
    except AnswerRefused as refused:
        state = quiz_state(request, quiz, attempt_id=str(attempt.public_id))
        state.error, state.given = str(refused), request.POST.getlist("answer")
        return _render_state(request, state, status=400)
    if not request.htmx:  # plain form: post/redirect/get
        return redirect(f"{reverse('quizzes:quiz', args=[slug])}?attempt={attempt.public_id}&answered={graded.question.key}#quiz")
    return _render_state(request, quiz_state(request, quiz, attempt_id=str(attempt.public_id), answered=graded.question.key))


@require_GET
def review(request: HttpRequest, slug: str, attempt_id) -> HttpResponse:
    quiz = _quiz(slug)
    attempt = get_object_or_404(owned_attempts(request).finished().filter(quiz=quiz), public_id=attempt_id)
    sections = sections_by_heading(quiz.lesson)
    answers = {answer.question.key: answer for answer in attempt.answers.select_related("question")}
    questions = {question.key: question for question in quiz.questions.filter(key__in=attempt.question_keys)}
    items = [
        {"question": questions[key], "answer": answers.get(key), "section": sections.get(questions[key].section_heading)}
        for key in attempt.question_keys
        if key in questions and (key in answers or not questions[key].is_archived)
    ]
    return render(request, "quizzes/review.html", {"quiz": quiz, "attempt": attempt, "items": items})
