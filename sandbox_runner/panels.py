"""The exercise panel on a lesson page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lessons.models import Lesson
from sandbox_runner.forms import RunForm
from sandbox_runner.isolation import Limits
from sandbox_runner.models import Exercise, Upload
from sandbox_runner.services import sandbox_status


def limits_note(limits: Limits) -> str:
    """Return the limits a learner should know, e.g. "10 s, 512 MB"."""
    return f"{limits.wall_seconds} s, {limits.memory_mb} MB"


def exercise_panel_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any] | None:
    exercise = Exercise.objects.live().filter(lesson=lesson).prefetch_related("files").first()
    if exercise is None:
        return None
    return {
        "exercise": exercise,
        "lesson": lesson,
        "form": RunForm(initial={"code": exercise.starter_code}),
        "files": list(exercise.files.all()),
        "sandbox": sandbox_status(),
        "limits_note": limits_note(Limits.for_exercise(exercise.limits)),
        # Empty (and so the same for everyone) for a reader without a session: the page stays cacheable.
        "uploads": list(Upload.objects.for_owner_of(request)),
        "upload_limit_mb": settings.SANDBOX_UPLOAD_MAX_BYTES // (1024 * 1024),
        "next": f"{lesson.get_absolute_url()}#exercise",
    }
