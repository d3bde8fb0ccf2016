"""The demo course is part of the product: hold it to the standard the platform promises."""

from __future__ import annotations

import re

import pytest

from lessons.authoring.parsing import parse_catalog
from tests.conftest import DEMO_CONTENT

QUESTION_TYPES = {"single", "multiple", "true_false", "number", "text"}


@pytest.fixture(scope="module")
def catalog():
    return parse_catalog(DEMO_CONTENT)


def test_demo_course_has_at_least_three_tracks_and_eighteen_lessons(catalog):
    assert len(catalog.tracks) >= 3
    assert len(catalog.lessons) >= 18


def test_every_lesson_is_long_enough_and_structured(catalog):
    for lesson in catalog.lessons:
        words = len(re.findall(r"\w+", lesson.body))
        assert words >= 700, (lesson.slug, words)
        assert len(lesson.sections) >= 4, lesson.slug
        assert lesson.headings[-1] == "Applied exercise", lesson.slug
        assert lesson.key_terms, lesson.slug
        assert lesson.big_idea, lesson.slug


def test_every_quiz_has_fifteen_questions_of_all_five_types_with_explanations(catalog):
    for lesson in catalog.lessons:
        questions = lesson.parts["quiz"].questions
        assert len(questions) == 15, lesson.slug
        assert {question.kind for question in questions} == QUESTION_TYPES, lesson.slug
        assert all(question.explanation for question in questions), lesson.slug


def test_at_least_six_lessons_carry_a_runnable_exercise(catalog):
    exercises = [lesson.parts["exercise"] for lesson in catalog.lessons if lesson.parts["exercise"]]

    assert len(exercises) >= 6
    for exercise in exercises:
        assert exercise.starter_code, exercise.title
        assert exercise.check_code, exercise.title
        assert exercise.solution_code, exercise.title
        assert any(name.endswith(".csv") for name in exercise.data), exercise.title
