"""Catalog, track and lesson pages: server-rendered, htmx where it helps."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from lessons.models import Lesson, Track
from lessons.page_cache import cache_for_anonymous
from lessons.panels import map_panels, panels_for
from lessons.search import LessonSearch
from lessons.services import catalog_version, count_published_lessons, search_lessons

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
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
    context = {
        "query": query,
        "results": None,
        "tracks": _map_tracks,  # called only when the cached map is rebuilt (building the query costs too)
        "lesson_count": count_published_lessons,
        "catalog_version": catalog_version(),
        "cache_seconds": settings.LESSON_CACHE_SECONDS,
    }
    if query:
        context |= _search_page(search_lessons(query), page=_page_number(request.GET.get("page")))
    if not request.htmx and not query:  # the map's own panels; search results stand alone
        context["panels"] = map_panels(request)
    template = "lessons/catalog.html#catalog-results" if request.htmx else "lessons/catalog.html"
    return render(request, template, context)


def _page_number(given: str | None) -> int:
    # A page number is only ever a link we wrote; anything else shows the first page.
    return int(given) if given and given.isdigit() and 0 < int(given) < 100_000 else 1


def _search_page(search: LessonSearch, *, page: int) -> dict:
    start = (page - 1) * RESULTS_PER_PAGE
    results = search[start : start + RESULTS_PER_PAGE]
    count = search.count()  # after the page: on SQLite the total came along with it
    return {
        "results": results,
        "result_count": count,
        "first_shown": start + 1,
        "last_shown": start + len(results),
        "previous_page": page - 1 if page > 1 and results else None,
        "next_page": page + 1 if start + len(results) < count else None,
    }


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
        "lesson_total": count_published_lessons,  # called only when the cached fragment is rebuilt
        "panels": panels_for(request, lesson),
    }
    return render(request, "lessons/lesson.html", context)
