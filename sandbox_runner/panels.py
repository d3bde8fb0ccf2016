"""The exercise panel on a lesson page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lessons.models import Lesson
from sandbox_runner.forms import RunForm
from sandbox_runner.isolation import Limits, SandboxUnavailable, backend_name
from sandbox_runner.models import Exercise, Upload


def limits_note(limits: Limits) -> str:
    """Return the limits a learner should know, e.g. "10 s, 512 MB"."""
    return f"{limits.wall_seconds} s, {limits.memory_mb} MB"


def sandbox_status() -> dict[str, Any]:
    """Say whether code can run on this site, and whether it runs isolated.

    The web may run on a machine without bubblewrap while workers elsewhere have it; only
    the embedded setup (file broker: web and worker on one machine) can tell from here.
    """
    if settings.SANDBOX_ALLOW_UNISOLATED:
        return {"available": True, "isolated": False, "message": ""}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        try:
            backend_name()
        except SandboxUnavailable as error:
            return {"available": False, "isolated": False, "message": str(error)}
    return {"available": True, "isolated": True, "message": ""}


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
        "uploads": list(Upload.objects.for_owner(user=request.user, session_key=request.session.session_key).defer("content")),
        "upload_limit_mb": settings.SANDBOX_UPLOAD_MAX_BYTES // (1024 * 1024),
        "next": f"{lesson.get_absolute_url()}#exercise",
    }
