from __future__ import annotations

import re

import pytest

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson, RelatedLesson
from lessons.related import LessonText, compute_related
from tests.conftest import DEMO_CONTENT, edit
from tests.factories import write_course


def text(id: int, title: str, body: str, *, track: int = 1, position: int | None = None) -> LessonText:
    return LessonText(id=id, track_id=track, position=position or id, title=title, summary="", key_terms="", body=body)


def test_a_lesson_about_joins_is_related_to_combining_tables_not_to_an_unrelated_one():
    lessons = [
        text(1, "Joins with merge", "merge two tables on a key column; left join keeps every row; duplicate keys multiply rows"),
        text(2, "Privacy and uploads", "personal data, consent, anonymisation and what leaves your machine", position=2),
        text(3, "Stacking tables with concat", "concat stacks tables; combine rows from monthly files; keys label each table", track=2),
        text(4, "Histograms", "bins, skew and the shape of a distribution", track=2),
        text(5, "Combining tables: lookups", "look up a key in another table and merge the columns into each row", track=3),
    ]

    related = [lesson_id for lesson_id, _score in compute_related(lessons, cards=2)[1]]

    assert related == [5, 3]


def test_the_next_lesson_of_the_track_wins_a_tie():
    lessons = [
        text(1, "Charts", "axis label title"),
        text(2, "Charts again", "axis label title"),
        text(3, "Charts more", "axis label title", track=2),
        text(4, "Something else", "privacy consent", track=2),
    ]

    assert compute_related(lessons, cards=1)[1][0][0] == 2


def test_a_lesson_is_never_related_to_itself_and_unrelated_lessons_are_left_out():
    lessons = [text(1, "Alpha", "apples oranges"), text(2, "Beta", "zebras giraffes", track=2)]

    assert compute_related(lessons) == {1: [], 2: []}


@pytest.mark.django_db
def test_demo_joins_lesson_keeps_going_to_stacking_tables():
    import_catalog(DEMO_CONTENT)

    joins = Lesson.objects.get(slug="joins-explained")
    related = [lesson.slug for lesson in joins.related_lessons()]

    assert "stacking-tables-with-concat" in related
    assert "private-data-and-ai-tools" not in related
    assert len(related) == 3


@pytest.mark.django_db
def test_authors_related_list_comes_first_and_computed_lessons_fill_the_rest(mini_course):
    import_catalog(mini_course)

    links = list(RelatedLesson.objects.filter(lesson__slug="second-steps").select_related("related"))
    assert [(link.related.slug, link.reason) for link in links] == [("combining-tables", "author"), ("first-steps", "content")]


@pytest.mark.django_db
def test_changing_an_authors_related_list_is_picked_up_on_import(mini_course):
    import_catalog(mini_course)
    edit(mini_course / "basics/02-second-steps/lesson.md", "related: [combining-tables]", "related: [first-steps]")

    import_catalog(mini_course)

    assert Lesson.objects.get(slug="second-steps").related_lessons()[0].slug == "first-steps"


def cards(client, slug: str) -> list[tuple[str, str]]:
    """Return the (reason, title) of each "Keep going" card on a lesson's page."""
    html = client.get(f"/lessons/{slug}/").content.decode()
    return re.findall(r'<p class="card__reason">([^<]+)</p>.*?<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', html, re.DOTALL)


@pytest.mark.django_db
def test_a_course_of_unrelated_lessons_gets_three_cards_on_every_page(client, tmp_path):
    import_catalog(write_course(tmp_path, {"odds": ["tides", "grouping", "bug-reports"], "crafts": ["knitting"]}))

    assert not RelatedLesson.objects.filter(score__gt=0).exists()  # nothing shares content: reading order fills every card
    assert cards(client, "tides") == [
        ("Next in this track", "Pandas grouping"),
        ("Next in this track", "Writing bug reports"),
        ("Next track", "Knitting"),
    ]
    assert cards(client, "grouping") == [("Next in this track", "Writing bug reports"), ("Next track", "Knitting"), ("From the start", "Tides")]
    assert cards(client, "bug-reports") == [("Next track", "Knitting"), ("From the start", "Tides"), ("From the start", "Pandas grouping")]
    assert cards(client, "knitting") == [
        ("From the start", "Tides"),
        ("From the start", "Pandas grouping"),
        ("From the start", "Writing bug reports"),
    ]


@pytest.mark.django_db
def test_the_authors_list_still_comes_first_and_reading_order_never_repeats_it(client, tmp_path):
    import_catalog(write_course(tmp_path, {"odds": ["tides", "grouping", "bug-reports", "knitting"]}, related={"tides": ["grouping", "knitting"]}))

    assert cards(client, "tides") == [("Related", "Pandas grouping"), ("Related", "Knitting"), ("Next in this track", "Writing bug reports")]


@pytest.mark.django_db
def test_reading_order_never_points_a_lesson_at_itself_or_twice_at_another(tmp_path):
    import_catalog(write_course(tmp_path, {"odds": ["tides", "grouping"], "crafts": ["knitting"]}, related={"grouping": ["tides"]}))

    for lesson in Lesson.objects.all():
        related = [other.slug for other in lesson.related_lessons()]
        assert len(related) == 2
        assert sorted(related) == sorted({"tides", "grouping", "knitting"} - {lesson.slug})


@pytest.mark.django_db
def test_a_one_lesson_catalog_shows_no_empty_keep_going_section(client, tmp_path):
    import_catalog(write_course(tmp_path, {"odds": ["tides"]}))

    html = client.get("/lessons/tides/").content.decode()

    assert "Tides" in html
    assert "Keep going" not in html
    assert not RelatedLesson.objects.exists()
