"""The tutor panel on every lesson page, and the same panel on the tutor's own page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lessons.models import Lesson
from tutor import conversation
from tutor.forms import QuestionForm
from tutor.services import MAX_QUESTION_CHARS, model_configured


def tutor_panel_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any] | None:
    """Return what the lesson page shows of the tutor: the same for every reader without a session, so the page stays cacheable."""
    if lesson.is_archived:
        return None  # a staff preview: learners cannot ask about it
    return panel_context(request, lesson, on_lesson_page=True)


def panel_context(
    request: HttpRequest,
    lesson: Lesson,
    *,
    form: QuestionForm | None = None,
    problem: str = "",
    on_lesson_page: bool = False,
    focus: str = "",
) -> dict[str, Any]:
    """Return the panel's context. focus names what to focus once shown: "latest" (the last answer) or "question" (the form)."""
    return {
        "lesson": lesson,
        "turns": conversation.turns(request, lesson),
        "seen_notice": conversation.has_seen_notice(request),
        "retention_days": settings.TUTOR_QUESTION_RETENTION_DAYS,
        "form": form or QuestionForm(),
        "problem": problem,
        "max_chars": MAX_QUESTION_CHARS,
        "max_chars_text": f"{MAX_QUESTION_CHARS:,}",
        "on_lesson_page": on_lesson_page,
        "focus": focus,
        # A model writes answers sentence by sentence: the page can show them as they come.
        "streams": model_configured(),
    }
