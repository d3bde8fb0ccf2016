"""Catalog, track and lesson pages: server-rendered, htmx where it helps."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from lessons.models import Lesson, Track
from lessons.page_cache import cache_for_anonymous
from lessons.panels import panels_for
from lessons.services import catalog_version, search_lessons

MAX_QUERY_LENGTH = 200


def _published_tracks():
    lessons = Lesson.objects.published().order_by("number")
    return Track.objects.published().in_catalog_order().prefetch_related(Prefetch("lessons", queryset=lessons, to_attr="published_lessons"))


@cache_for_anonymous
@vary_on_headers("HX-Request")
def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {
        "query": query,
        "results": list(search_lessons(query)) if query else None,
        "tracks": _published_tracks(),  # lazy: read only when the cached map is rebuilt
        "lesson_count": Lesson.objects.published().count,
        "catalog_version": catalog_version(),
        "cache_seconds": settings.LESSON_CACHE_SECONDS,
    }
    template = "lessons/catalog.html#catalog-results" if request.htmx else "lessons/catalog.html"
    return render(request, template, context)


@cache_for_anonymous
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    track = get_object_or_404(_published_tracks(), slug=slug)
    return render(request, "lessons/track.html", {"track": track})


@cache_for_anonymous
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Staff may preview an archived lesson (the admin links here); learners may not.
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    lesson = get_object_or_404(lessons.select_related("track"), slug=slug)
    context = {
        "lesson": lesson,
        "catalog_version": catalog_version(),
        "cache_seconds": settings.LESSON_CACHE_SECONDS,
        "lesson_total": Lesson.objects.published().count,  # called only when the cached fragment is rebuilt
        "panels": panels_for(request, lesson),
    }
    return render(request, "lessons/lesson.html", context)
