"""Build catalog rows directly, for tests that need many lessons quickly."""

from __future__ import annotations

from lessons.markdown import render_markdown
from lessons.models import KeyTerm, Lesson, RelatedLesson, Section, Track
from lessons.search import rebuild_search_index
from lessons.services import rebuild_related_lessons


def make_catalog(*, tracks: int = 3, lessons_per_track: int = 4, sections: int = 4, with_related: bool = True) -> list[Lesson]:
    """Create a published catalog in catalog order and return its lessons."""
    created_tracks = Track.objects.bulk_create(
        Track(slug=f"track-{t}", title=f"Track {t}", summary=f"About track {t}.", order=t) for t in range(tracks)
    )
    lessons = Lesson.objects.bulk_create(
        Lesson(
            track=track,
            slug=f"lesson-{t}-{n}",
            number=n + 1,
            title=f"Lesson {n + 1} of track {t}",
            summary=f"What lesson {n + 1} of track {t} is about.",
            minutes=10,
            big_idea="Keep the big idea.",
            body_markdown="## One\ntext",
            search_text=f"lesson {t} {n} topic{n % 7} subject{t}",
            catalog_position=t * lessons_per_track + n + 1,
        )
        for t, track in enumerate(created_tracks)
        for n in range(lessons_per_track)
    )
    body = render_markdown("Some **text** for this section.")
    Section.objects.bulk_create(
        Section(
            lesson=lesson,
            position=p,
            heading=f"Part {p}",
            heading_html=f"Part {p}",
            anchor=f"part-{p}",
            body_markdown="text",
            body_html=body,
            body_text="text",
        )
        for lesson in lessons
        for p in range(1, sections + 1)
    )
    KeyTerm.objects.bulk_create(
        KeyTerm(lesson=lesson, position=p, term=f"term {p}", definition="A definition.", definition_html="A definition.", anchor=f"term-term-{p}")
        for lesson in lessons
        for p in range(1, 4)
    )
    rebuild_search_index()
    if with_related:
        rebuild_related_lessons()
    assert RelatedLesson.objects.exists() or not with_related or len(lessons) < 2
    return lessons
