"""Services of the lessons app: work that spans rows, for other apps and commands to call."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.cache import cache

from lessons.models import KeyTerm, Lesson, RelatedLesson
from lessons.related import CARDS, LessonText, compute_related
from lessons.search import LessonSearch, search_words

CATALOG_VERSION_KEY = "lessons:catalog-version"


def rebuild_related_lessons() -> int:
    """Recompute every published lesson's "Keep going" cards; return how many were stored.

    The author's related: list comes first and is never displaced; lessons related by
    content come next; reading order fills what is left (the rest of the track, then the
    first lessons of the following tracks, wrapping around), so a lesson has somewhere to
    go next whenever the catalog holds another lesson.
    """
    lessons = list(
        Lesson.objects.published()
        .order_by("catalog_position")
        .values("id", "slug", "track_id", "catalog_position", "title", "summary", "search_text", "authored_related")
    )
    terms: dict[int, list[str]] = defaultdict(list)
    for lesson_id, term in KeyTerm.objects.filter(lesson__in=[row["id"] for row in lessons]).values_list("lesson_id", "term"):
        terms[lesson_id].append(term)
    texts = [
        LessonText(
            row["id"], row["track_id"], row["catalog_position"] or 0, row["title"], row["summary"], " ".join(terms[row["id"]]), row["search_text"]
        )
        for row in lessons
    ]
    computed = compute_related(texts, cards=CARDS + CARDS)  # spares, in case authored links take places
    id_by_slug = {row["slug"]: row["id"] for row in lessons}

    links = []
    for place, row in enumerate(lessons):
        scores = dict(computed[row["id"]])
        # Insertion-ordered: the first reason a lesson earns its card is the one it shows.
        chosen: dict[int, str] = {}
        for slug in row["authored_related"]:
            if id_by_slug.get(slug, row["id"]) != row["id"]:
                chosen.setdefault(id_by_slug[slug], RelatedLesson.Reason.AUTHOR)
        for related_id, _score in computed[row["id"]]:
            if len(chosen) >= CARDS:
                break
            chosen.setdefault(related_id, RelatedLesson.Reason.CONTENT)
        for step in range(1, len(lessons)):
            if len(chosen) >= CARDS:
                break
            other = lessons[(place + step) % len(lessons)]
            chosen.setdefault(other["id"], _reading_order_reason(row, other, wrapped=place + step >= len(lessons)))
        links += [
            RelatedLesson(lesson_id=row["id"], related_id=related_id, position=position, score=scores.get(related_id, 0.0), reason=reason)
            for position, (related_id, reason) in enumerate(chosen.items(), start=1)
        ]
    RelatedLesson.objects.all().delete()
    RelatedLesson.objects.bulk_create(links, batch_size=1000)
    return len(links)


def _reading_order_reason(row: dict, other: dict, *, wrapped: bool) -> str:
    if wrapped:
        return RelatedLesson.Reason.FROM_THE_START
    return RelatedLesson.Reason.NEXT_IN_TRACK if other["track_id"] == row["track_id"] else RelatedLesson.Reason.NEXT_TRACK


def catalog_version() -> int:
    """Return the number that names the current catalog in cache keys (bumped by every import).

    With a shared cache (Redis) the number lives there, for every web server to see. The
    embedded default caches in each process's memory, so there it lives in a small file
    under DATA_DIR instead: an import by one process then reaches all of them.
    """
    if not _cache_is_shared():
        try:
            return int(settings.CATALOG_VERSION_FILE.read_text() or 1)
        except (OSError, ValueError):
            return 1
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, 1, timeout=None)
        version = cache.get(CATALOG_VERSION_KEY, 1)
    return version


def bump_catalog_version() -> None:
    """Make every cached lesson fragment and page stale (called after an import commits)."""
    if not _cache_is_shared():
        target = settings.CATALOG_VERSION_FILE
        scratch = target.with_suffix(".new")
        scratch.write_text(str(catalog_version() + 1))
        scratch.replace(target)  # atomic: a reader sees the old number or the new one
        return
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:
        cache.set(CATALOG_VERSION_KEY, 2, timeout=None)


def count_published_lessons() -> int:
    """Return how many lessons learners can see; cached until the next import changes the catalog."""
    key = f"lessons:published-count:{catalog_version()}"
    count = cache.get(key)
    if count is None:
        count = Lesson.objects.published().count()  # reads every wide row on SQLite: worth keeping
        cache.set(key, count, settings.LESSON_CACHE_SECONDS)
    return count


def _cache_is_shared() -> bool:
    return settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"


def search_lessons(query: str, *, track: str | None = None) -> LessonSearch:
    """Return the published lessons (of one track, if given) that match every word of the query, best first.

    Word forms match ("joins" finds "join"); title and key-term matches rank above
    summary matches, which rank above matches in the text. Slice the result for a page
    of lessons, each with an .excerpt (safe HTML, matched words in <mark>); count() for
    the total. Any input is safe: it is cut into plain words before reaching the database.
    """
    return LessonSearch(search_words(query), track=track)
