from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lessons.models import Lesson, Track


def catalog(request: HttpRequest) -> HttpResponse:
    tracks = Track.objects.published().in_catalog_order().prefetch_related("lessons")
    return render(request, "lessons/catalog.html", {"tracks": tracks})


def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    track = get_object_or_404(Track.objects.published(), slug=slug)
    return render(request, "lessons/track.html", {"track": track})


def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    return render(request, "lessons/lesson.html", {"lesson": lesson})
