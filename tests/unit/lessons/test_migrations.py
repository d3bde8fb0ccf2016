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


@pytest.fixture
def before_reasons():
    apps = migrate(("lessons", "0001_initial"))
    yield apps
    migrate(("lessons", "0003_search_index"))


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
