from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson, RelatedLesson
from lessons.related import LessonText, compute_related
from tests.conftest import DEMO_CONTENT, edit


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
    assert [(link.related.slug, link.is_authored) for link in links] == [("combining-tables", True), ("first-steps", False)]


@pytest.mark.django_db
def test_changing_an_authors_related_list_is_picked_up_on_import(mini_course):
    import_catalog(mini_course)
    edit(mini_course / "basics/02-second-steps/lesson.md", "related: [combining-tables]", "related: [first-steps]")

    import_catalog(mini_course)

    assert Lesson.objects.get(slug="second-steps").related_lessons()[0].slug == "first-steps"
