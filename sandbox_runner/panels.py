"""The exercise panel on a lesson page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lessons.markdown import render_markdown
from lessons.models import Lesson
from sandbox_runner.models import Exercise


def exercise_panel_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any] | None:
    exercise = Exercise.objects.live().filter(lesson=lesson).prefetch_related("files").first()
    if exercise is None:
        return None
    return {
        "exercise": exercise,
        "lesson": lesson,
        "starter_html": render_markdown(f"```python\n{exercise.starter_code}\n```"),
        "files": list(exercise.files.all()),
    }
