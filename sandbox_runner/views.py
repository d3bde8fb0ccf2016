from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from sandbox_runner.models import ExerciseFile


def exercise_file(request: HttpRequest, slug: str, path: str) -> HttpResponse:
    """Download one of an exercise's data files."""
    data_file = get_object_or_404(
        ExerciseFile, exercise__lesson__slug=slug, exercise__is_archived=False, exercise__lesson__is_archived=False, path=path
    )
    response = HttpResponse(bytes(data_file.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{data_file.path.rsplit("/", 1)[-1]}"'
    return response
