"""Build catalog rows directly, for tests that need many lessons quickly; write small content trees."""

from __future__ import annotations

from pathlib import Path

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


# Lessons that share no content word, so every similarity score is zero.
UNRELATED = {
    "tides": ("Tides", "Why oceans rise twice daily.", "moon gravity pulls seawater into bulges", "Lunar attraction"),
    "grouping": ("Pandas grouping", "Split frames, apply sums.", "groupby splits rows per category value", "Aggregation"),
    "bug-reports": ("Writing bug reports", "Steps, expected, actual.", "reproduce crashes reliably before filing tickets", "Reproduction"),
    "knitting": ("Knitting", "Purl stitches and yarn.", "needles loop wool into warm scarves", "Gauge"),
}


def write_course(root: Path, tracks: dict[str, list[str]], *, related: dict[str, list[str]] | None = None) -> Path:
    """Write a content tree of UNRELATED lessons: {track slug: [lesson slugs in order]}."""
    for order, (track, slugs) in enumerate(tracks.items(), start=1):
        (root / track).mkdir(parents=True)
        (root / track / "track.yaml").write_text(f'title: "{track.title()}"\nsummary: "Odds and ends."\norder: {order}\n')
        for number, slug in enumerate(slugs, start=1):
            title, summary, body, term = UNRELATED[slug]
            folder = root / track / f"{number:02d}-{slug}"
            folder.mkdir()
            links = f"related: [{', '.join((related or {}).get(slug, []))}]\n" if (related or {}).get(slug) else ""
            folder.joinpath("lesson.md").write_text(
                f'---\ntitle: "{title}"\nsummary: "{summary}"\nminutes: 5\nbig_idea: "{summary}"\n'
                f'key_terms:\n  - term: "{term}"\n    definition: "{summary}"\n{links}---\n## {term}\n\n{body}.\n'
            )
            folder.joinpath("quiz.yaml").write_text('questions:\n  - id: q\n    type: true_false\n    prompt: "True?"\n    answer: true\n')
    return root
