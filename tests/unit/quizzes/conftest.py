from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from quizzes.models import Quiz


@pytest.fixture
def quiz(db, mini_course) -> Quiz:
    """The mini course's "first steps" quiz: five questions, one of each type, pass at 60%."""
    import_catalog(mini_course)
    return Quiz.objects.select_related("lesson").get(lesson__slug="first-steps")
