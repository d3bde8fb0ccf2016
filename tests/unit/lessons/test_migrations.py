"""Data migrations of the lessons app, run forward from the schema before them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: tuple[str, str]):
    """Migrate the lessons app to target and return the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


def migrate_to_latest() -> None:
    """Bring every app back to its latest migration: going back in lessons unapplies the apps that depend on it."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_reasons():
    apps = migrate(("lessons", "0001_initial"))
    yield apps
    migrate_to_latest()


@pytest.fixture
def before_positional_index():
    apps = migrate(("lessons", "0003_search_index"))
    yield apps
    migrate_to_latest()


def test_a_catalog_imported_before_gets_its_authored_links_and_reading_order_cards(before_reasons):
    Track, Lesson = before_reasons.get_model("lessons", "Track"), before_reasons.get_model("lessons", "Lesson")
    RelatedLesson = before_reasons.get_model("lessons", "RelatedLesson")
    first, second = Track.objects.create(slug="first", title="First", order=1), Track.objects.create(slug="second", title="Second", order=2)
    lessons = [
        Lesson.objects.create(
            track=track, slug=slug, number=number, title=slug, summary="-", minutes=5, big_idea="-", body_markdown="-", catalog_position=position
        )
        for position, (track, number, slug) in enumerate([(first, 1, "a"), (first, 2, "b"), (first, 3, "c"), (second, 1, "d")], start=1)
    ]
    a, d = lessons[0], lessons[3]
    RelatedLesson.objects.create(lesson=a, related=d, position=1, is_authored=True)

    apps = migrate(("lessons", "0002_relatedlesson_reason"))

    links = apps.get_model("lessons", "RelatedLesson").objects.order_by("lesson__slug", "position")
    assert [(link.lesson.slug, link.related.slug, link.reason) for link in links] == [
        ("a", "d", "author"),
        ("a", "b", "next-in-track"),
        ("a", "c", "next-in-track"),
        ("b", "c", "next-in-track"),
        ("b", "d", "next-track"),
        ("b", "a", "from-the-start"),
        ("c", "d", "next-track"),
        ("c", "a", "from-the-start"),
        ("c", "b", "from-the-start"),
        ("d", "a", "from-the-start"),
        ("d", "b", "from-the-start"),
        ("d", "c", "from-the-start"),
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index; PostgreSQL's is unchanged")
def test_the_sqlite_index_is_keyed_by_catalog_position_after_the_upgrade(before_positional_index):
    from lessons.services import search_lessons

    Track, Lesson = before_positional_index.get_model("lessons", "Track"), before_positional_index.get_model("lessons", "Lesson")
    track = Track.objects.create(slug="shapes", title="Shapes", order=1)
    for number, position in [(3, 3), (1, 1), (2, 2)]:  # ids follow another order than positions
        Lesson.objects.create(
            track=track,
            slug=f"pivot-{number}",
            number=number,
            title=f"Pivot part {number}",
            summary="-",
            minutes=5,
            big_idea="-",
            body_markdown="-",
            search_text=f"Pivot part {number}",
            catalog_position=position,
        )

    migrate(("lessons", "0004_search_index_in_catalog_order"))

    with connection.cursor() as cursor:
        for table in ("lessons_lesson_fts", "lessons_lesson_fts_head"):
            cursor.execute(f"SELECT rowid, title FROM {table} ORDER BY rowid")
            assert cursor.fetchall() == [(1, "Pivot part 1"), (2, "Pivot part 2"), (3, "Pivot part 3")]
    assert [lesson.slug for lesson in search_lessons("pivots")[:10]] == ["pivot-1", "pivot-2", "pivot-3"]
