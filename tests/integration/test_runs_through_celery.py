"""Runs go through a real broker to a real worker process, then back through the database."""

from __future__ import annotations

import os
import signal
import time

import pytest

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import WORKER_LOST, Exercise, Run
from sandbox_runner.services import create_run
from tests.conftest import DEMO_CONTENT


def wait_for(run: Run, statuses: tuple[str, ...], seconds: float = 60) -> Run:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in statuses:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run.pk} is still {run.status}")


def test_a_run_goes_through_the_broker_to_a_worker_and_back(worker):
    import_catalog(DEMO_CONTENT)
    exercise = Exercise.objects.get(lesson__slug="first-matplotlib-chart")
    solution = exercise.solution_code

    run = wait_for(create_run(code=solution, session_key="browser-1", exercise=exercise), Run.FINISHED)

    assert run.status == "ok", (run.error_message, run.traceback)
    assert run.passed_all_checks, run.checks
    assert run.artifacts.filter(kind="figure").count() == 1
    assert run.backend == "bubblewrap"


def test_a_run_whose_worker_process_dies_ends_failed_not_stuck(worker):
    run = create_run(code="import time\ntime.sleep(30)", session_key="browser-1")
    wait_for(run, ("running",))

    for pid in worker.pool_child_pids():
        os.kill(pid, signal.SIGKILL)

    run = wait_for(run, Run.FINISHED, seconds=30)
    assert run.status == "error"
    assert run.error_message == WORKER_LOST


@pytest.mark.django_db
def test_a_run_left_running_past_its_clock_is_failed_by_the_periodic_sweep(client):
    from datetime import timedelta

    from django.utils import timezone

    from sandbox_runner.tasks import fail_stale_runs

    run = Run.objects.create(
        code="x", session_key="s", status=Run.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=10), limits={"wall_seconds": 10}
    )

    assert fail_stale_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.error_message) == ("error", WORKER_LOST)
