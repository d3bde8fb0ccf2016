from __future__ import annotations

import pytest

from lessons.models import Lesson
from tests.tutor_course import import_sea_course


@pytest.fixture
def tides(db, tmp_path) -> Lesson:
    """The tides lesson of a tiny course: a Tides section that says the Moon's gravity causes the tides, and a quiz."""
    return import_sea_course(tmp_path)
