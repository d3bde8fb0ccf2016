"""Every demo exercise works in the real sandbox: its solution passes, its starter does not."""

from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Exercise
from sandbox_runner.services import run_code
from tests.conftest import DEMO_CONTENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercises():
    import_catalog(DEMO_CONTENT)
    return list(Exercise.objects.live().select_related("lesson").prefetch_related("files"))


def test_every_solution_passes_and_every_starter_runs_but_fails(exercises):
    for exercise in exercises:
        solved = run_code(code=exercise.solution_code, exercise=exercise, use_pool=False)
        started = run_code(code=exercise.starter_code, exercise=exercise, use_pool=False)

        assert solved["status"] == "ok", (exercise.lesson.slug, solved.get("error"), solved.get("traceback"))
        assert all(check["passed"] for check in solved["checks"]), (exercise.lesson.slug, solved["checks"])
        assert started["status"] == "ok", (exercise.lesson.slug, started.get("error"))
        assert not any(check["passed"] for check in started["checks"]), (exercise.lesson.slug, started["checks"])
        assert all(check["message"] for check in started["checks"]), exercise.lesson.slug
