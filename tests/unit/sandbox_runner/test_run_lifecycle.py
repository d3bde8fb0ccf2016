"""A run's life: one in flight per learner, every failure ends it at once, and reads never write."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import NEVER_STARTED, WORKER_LOST, Run
from sandbox_runner.services import IN_FLIGHT_MESSAGE, SITE_FAILURE, RunInFlight, create_run, start_run
from sandbox_runner.tasks import execute_run, fail_stale_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mini_course):
    import_catalog(mini_course)


def post_run(client, code: str = "print(1)", **extra):
    return client.post("/api/runs/", {"code": code}, content_type="application/json", **extra)


def test_a_second_run_while_one_is_in_flight_is_refused_with_a_clear_error(client, course):
    first = post_run(client)

    second = post_run(client)

    assert first.status_code == 201
    assert second.status_code == 409
    first_id = first.json()["id"]
    assert second.json() == {"detail": IN_FLIGHT_MESSAGE, "run_in_flight": {"id": first_id, "api_url": f"/api/runs/{first_id}/"}}
    assert Run.objects.count() == 1
    execute_run(first.json()["id"])
    assert post_run(client).status_code == 201  # once it has finished, the next one starts


def test_the_plain_form_shows_the_refusal_on_the_page(client, course):
    client.post("/lessons/first-steps/exercise/runs/", {"code": "print(1)"})

    response = client.post("/lessons/first-steps/exercise/runs/", {"code": "print(2)"})

    going = Run.objects.get()
    assert response.status_code == 409
    assert IN_FLIGHT_MESSAGE in response.content.decode()
    assert f'<a href="/runs/{going.pk}/">See run {going.pk}</a>' in response.content.decode()
    assert "print(2)" in response.content.decode()  # the code is still in the form


def test_htmx_shows_the_refusal_where_the_output_goes(client, course):
    client.post("/scratchpad/", {"code": "print(1)"}, headers={"HX-Request": "true"})

    response = client.post("/scratchpad/", {"code": "print(2)"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers in
    assert 'role="alert"' in html
    assert "Your previous run was still going, so this one did not start." in html
    assert "<html" not in html
    assert f'hx-get="/runs/{Run.objects.get().pk}/"' in html  # the run still going keeps showing its progress
    assert Run.objects.count() == 1


def test_each_learner_and_each_browser_has_its_own_run_in_flight(client, course, learner, stranger):
    create_run(code="1", user=learner)
    create_run(code="1", user=stranger)
    create_run(code="1", session_key="browser-a")
    create_run(code="1", session_key="browser-b")

    with pytest.raises(RunInFlight):
        create_run(code="2", user=learner)
    with pytest.raises(RunInFlight):
        create_run(code="2", session_key="browser-a")
    assert Run.objects.count() == 4


def test_the_database_refuses_a_second_run_in_flight_even_past_the_check(learner):
    """The check in start_run is a courtesy; the constraint is what makes two concurrent posts safe."""
    Run.objects.create(code="1", learner=learner, status=Run.Status.RUNNING)

    with pytest.raises(RunInFlight):
        create_run(code="2", user=learner)
    assert Run.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_start_one_run(learner, settings):
    settings.SANDBOX_ALLOW_UNISOLATED = True  # no sandbox runs here: only the rows are raced
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def post() -> None:
        try:
            barrier.wait()
            start_run(code="1", user=learner, session_key="", rate_key=f"user:{learner.pk}")
            outcomes.append("started")
        except RunInFlight:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "refused", "refused", "started"]
    assert Run.objects.count() == 1


def test_an_error_while_starting_the_sandbox_ends_the_run_at_once(client, course, monkeypatch):
    def no_more_processes(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr("sandbox_runner.isolation.subprocess.Popen", no_more_processes)
    run_id = post_run(client).json()["id"]

    execute_run(run_id)

    run = Run.objects.get(pk=run_id)
    assert run.status == "error"
    assert run.error_message.startswith("The sandbox could not start on this server, so the code did not run. Run it again in a moment")
    assert run.finished_at is not None
    body = client.get(f"/api/runs/{run_id}/").json()
    assert body["error"] == run.error_message
    assert "Traceback" not in str(body)  # the site's trouble is logged, not shown
    assert "isolation.py" not in str(body)
    assert post_run(client).status_code == 201  # and the learner can run again


def test_an_error_while_storing_the_result_ends_the_run_too(client, course, monkeypatch):
    def storage_down(*args, **kwargs):
        raise ConnectionError("the file storage does not answer")

    monkeypatch.setattr("sandbox_runner.services.store_result", storage_down)
    run_id = post_run(client).json()["id"]

    execute_run(run_id)

    assert Run.objects.values_list("status", "error_message").get(pk=run_id) == ("error", SITE_FAILURE)


def stale_runs() -> tuple[Run, Run, Run]:
    now = timezone.now()
    lost = Run.objects.create(
        code="x", session_key="a", status=Run.Status.RUNNING, started_at=now - timedelta(minutes=10), limits={"wall_seconds": 10}
    )
    never = Run.objects.create(code="x", session_key="b")
    Run.objects.filter(pk=never.pk).update(created_at=now - timedelta(minutes=20))
    fresh = Run.objects.create(code="x", session_key="c", status=Run.Status.RUNNING, started_at=now, limits={"wall_seconds": 10})
    return lost, never, fresh


def test_reading_runs_never_changes_them(client):
    lost, _, _ = stale_runs()
    session = client.session
    session.save()
    Run.objects.filter(pk=lost.pk).update(session_key=session.session_key)

    assert client.get(f"/api/runs/{lost.pk}/").json()["status"] == "running"
    assert "Running" in client.get(f"/runs/{lost.pk}/").content.decode()
    assert set(Run.objects.values_list("status", flat=True)) == {"running", "queued"}


def test_the_periodic_sweep_fails_lost_and_never_started_runs_only():
    lost, never, fresh = stale_runs()

    assert fail_stale_runs() == 2

    statuses = {run.pk: (run.status, run.error_message) for run in Run.objects.all()}
    assert statuses == {lost.pk: ("error", WORKER_LOST), never.pk: ("error", NEVER_STARTED), fresh.pk: ("running", "")}
    assert fail_stale_runs() == 0


def test_the_sweeps_are_on_the_beat_schedule(settings):
    from config.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"sandbox_runner.tasks.fail_stale_runs", "sandbox_runner.tasks.delete_old_runs_and_uploads"} <= tasks
    assert tasks <= set(app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE_FILENAME.startswith(str(settings.DATA_DIR))
