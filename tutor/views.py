"""The tutor's pages: ask with htmx on the lesson page, or with a plain form and a results page."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from common.browser import browser_key
from common.csrf import csrf_protect_signed_in
from common.ratelimit import Rate, allow, seconds_until_next_window
from lessons.models import LESSON_TEXT_FIELDS, Lesson
from tutor import conversation
from tutor.forms import QuestionForm
from tutor.panels import panel_context
from tutor.replies import TutorReply
from tutor.services import ask, ask_streaming

PAGE = "tutor/conversation.html"
TOO_MANY = "That's a lot of questions in a minute. Take a breath, read a little, then ask again."


def _lesson(slug: str) -> Lesson:
    lessons = Lesson.objects.published().select_related("track").defer(*LESSON_TEXT_FIELDS)
    return get_object_or_404(lessons, slug=slug)


@require_GET
def conversation_page(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(slug)
    return render(request, PAGE, {"panel": panel_context(request, lesson, focus="latest")})


@require_POST
@csrf_protect_signed_in
def ask_tutor(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(slug)
    form = QuestionForm(request.POST)
    if not allow(request, scope="tutor"):
        response = _refuse(request, lesson, form, TOO_MANY, status=429)
        response["Retry-After"] = str(seconds_until_next_window(Rate.parse(settings.RATE_LIMITS["tutor"])))
        return response
    if not form.is_valid():
        return _refuse(request, lesson, form, form.errors["question"][0], status=400)
    question = form.cleaned_data["question"]
    earlier = conversation.history(conversation.turns(request, lesson))
    if "text/event-stream" in request.headers.get("Accept", ""):
        return _streamed_answer(request, lesson, question, earlier)
    reply = ask(lesson, question, earlier, user=request.user, browser_key=browser_key(request))
    turn = conversation.remember(request, lesson, question, reply)
    if not request.htmx:  # plain form: post/redirect/get, to the answer
        return redirect(f"{reverse('tutor:conversation', args=[slug])}#tutor-latest")
    response = HttpResponse(_answered_html(request, lesson, turn))
    response["HX-Trigger"] = "tutor-answered"  # the form empties itself for the next question
    return response


def _answered_html(request: HttpRequest, lesson: Lesson, turn: dict) -> str:
    panel = {"lesson": lesson, "turns": [turn], "on_lesson_page": request.POST.get("from") == "lesson"}
    return render_to_string(f"{PAGE}#answered", {"turn": turn, "panel": panel, "oob": True}, request=request)


def _streamed_answer(request: HttpRequest, lesson: Lesson, question: str, earlier: list[dict]) -> StreamingHttpResponse:
    """The answer as server-sent events: each previewed sentence as the model writes it
    ("sentence", its text as JSON), then the finished turn ("turn", its HTML as JSON),
    which the page puts in the preview's place (static/js/tutor-stream.js)."""
    # The session must exist before the response starts: the turn is saved into it at the end.
    conversation.begin(request)
    pieces = ask_streaming(lesson, question, earlier, user=request.user, browser_key=browser_key(request))

    def events():
        yield _event("start", "")  # the response starts now: the page shows the question at once
        for piece in pieces:
            if isinstance(piece, TutorReply):
                turn = conversation.remember(request, lesson, question, piece)
                request.session.save()
                yield _event("turn", _answered_html(request, lesson, turn))
            else:
                yield _event("sentence", piece)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy such as nginx passes each event on at once
    return response


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _refuse(request: HttpRequest, lesson: Lesson, form: QuestionForm, problem: str, *, status: int) -> HttpResponse:
    if request.htmx:
        # htmx swaps only 2xx answers: the refusal goes into the panel's problem slot with a
        # 200, and the question stays in the box to be fixed.
        response = render(request, f"{PAGE}#problem-message", {"panel": {"problem": problem}})
        response["HX-Retarget"] = "#tutor-problem"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, PAGE, {"panel": panel_context(request, lesson, form=form, problem=problem, focus="question")}, status=status)


@require_POST
@csrf_protect_signed_in
def start_over(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(slug)
    conversation.forget(request, lesson)
    on_lesson_page = request.POST.get("from") == "lesson"
    if request.htmx:
        return render(request, f"{PAGE}#tutor-panel", {"panel": panel_context(request, lesson, on_lesson_page=on_lesson_page, focus="question")})
    if on_lesson_page:
        return redirect(f"{lesson.get_absolute_url()}#tutor")
    return redirect("tutor:conversation", slug=slug)
