"""Catalog, track and lesson pages: server-rendered, htmx where it helps."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from lessons.models import Lesson, Track
from lessons.page_cache import cache_for_anonymous
from lessons.panels import panels_for
from lessons.services import catalog_version, search_lessons

MAX_QUERY_LENGTH = 200
RESULTS_SHOWN = 50
# The lesson map shows each track's first lessons and opens the rest on demand, so the
# page grows with the number of tracks, not lessons.
MAP_PREVIEW_LESSONS = 5
_ROW_FIELDS = ("id", "slug", "track_id", "number", "title", "summary", "minutes", "catalog_position")


def _published_tracks():
    lessons = Lesson.objects.published().order_by("number").only(*_ROW_FIELDS)
    return Track.objects.published().in_catalog_order().prefetch_related(Prefetch("lessons", queryset=lessons, to_attr="published_lessons"))


def _map_tracks():
    first_lessons = Lesson.objects.published().order_by("number").only(*_ROW_FIELDS)[:MAP_PREVIEW_LESSONS]
    return (
        Track.objects.published()
        .in_catalog_order()
        .annotate(lesson_count=Count("lessons", filter=Q(lessons__is_archived=False)))
        .prefetch_related(Prefetch("lessons", queryset=first_lessons, to_attr="first_lessons"))
    )


@cache_for_anonymous
@vary_on_headers("HX-Request")
def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    search = search_lessons(query) if query else None
    context = {
        "query": query,
        "results": search[:RESULTS_SHOWN] if search else None,
        "result_count": search.count() if search else 0,  # after the page: SQLite brings the total along with it
        "tracks": _map_tracks(),  # lazy: read only when the cached map is rebuilt
        "lesson_count": Lesson.objects.published().count,
        "catalog_version": catalog_version(),
        "cache_seconds": settings.LESSON_CACHE_SECONDS,
    }
    template = "lessons/catalog.html#catalog-results" if request.htmx else "lessons/catalog.html"
    return render(request, template, context)


@cache_for_anonymous
@vary_on_headers("HX-Request")
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    track = get_object_or_404(_published_tracks(), slug=slug)
    if request.htmx:
        # The lesson map's "show all" asks for the whole list in the map's own form,
        # focusing the first lesson it did not show yet.
        context = {"track": track, "lessons": track.published_lessons, "total": len(track.published_lessons), "focus": MAP_PREVIEW_LESSONS + 1}
        return render(request, "lessons/catalog.html#track-lessons", context)
    return render(request, "lessons/track.html", {"track": track})


@cache_for_anonymous
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Staff may preview an archived lesson (the admin links here); learners may not.
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    lesson = get_object_or_404(lessons.select_related("track").defer("search_vector"), slug=slug)
    context = {
        "lesson": lesson,
        "catalog_version": catalog_version(),
        "cache_seconds": settings.LESSON_CACHE_SECONDS,
        "lesson_total": Lesson.objects.published().count,  # called only when the cached fragment is rebuilt
        "panels": panels_for(request, lesson),
    }
    return render(request, "lessons/lesson.html", context)
