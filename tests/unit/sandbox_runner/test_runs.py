"""Running code through the API and the pages, as a learner does (tasks run in-process here)."""

from __future__ import annotations

import pytest
from django.test import Client

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Run
from sandbox_runner.tasks import execute_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mini_course):
    import_catalog(mini_course)


def start(client, code: str, exercise: str | None = None) -> Run:
    body = {"code": code} | ({"exercise": exercise} if exercise else {})
    response = client.post("/api/runs/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    run = Run.objects.get(pk=response.json()["id"])
    execute_run(run.pk)  # what the worker does with the queued id
    return run


def read(response) -> bytes:
    """Return a streamed download's bytes."""
    return b"".join(response.streaming_content)  # the test client closes the response (and the file) at the end


def test_anonymous_learner_runs_exercise_code_and_reads_the_result(client, course):
    run = start(
        client,
        "import pandas as pd\nscores = pd.read_csv('data/scores.csv')\nrow_count = len(scores)\nprint(row_count)\nscores",
        exercise="first-steps",
    )

    body = client.get(f"/api/runs/{run.pk}/").json()

    assert body["status"] == "ok"
    assert body["stdout"] == "3\n"
    assert body["display"]["columns"] == ["name", "score"]
    assert body["checks"] == [{"title": "The rows are counted.", "passed": True, "message": ""}]
    assert body["exercise"] == "first-steps"


def test_a_stranger_cannot_read_anothers_run(client, course, stranger):
    run = start(client, "print('mine')")
    other = Client()
    other.force_login(stranger)

    assert other.get(f"/api/runs/{run.pk}/").status_code == 404
    assert other.get(f"/runs/{run.pk}/").status_code == 404
    assert other.get(f"/runs/{run.pk}/", headers={"HX-Request": "true"}).status_code == 404


def test_signed_in_learner_owns_runs_across_browsers(client, course, learner):
    client.force_login(learner)
    run = start(client, "print(1)")
    elsewhere = Client()
    elsewhere.force_login(learner)

    assert elsewhere.get(f"/api/runs/{run.pk}/").json()["stdout"] == "1\n"


def test_figures_and_written_files_are_downloadable_by_their_owner_only(client, course):
    run = start(client, "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nopen('out.csv', 'w').write('a\\n1\\n')")

    body = client.get(f"/api/runs/{run.pk}/").json()
    figure = client.get(body["figures"][0]["url"])
    written = client.get(body["files"][0]["url"])

    assert figure["Content-Type"] == "image/png"
    assert read(figure).startswith(b"\x89PNG")
    assert written["Content-Disposition"] == 'attachment; filename="out.csv"'
    assert read(written) == b"a\n1\n"
    assert Client().get(body["figures"][0]["url"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "code"),
        ({"code": "x" * 100_001}, "code"),
        ({"code": "1", "exercise": "no-such-lesson"}, "exercise"),
        ({"code": "1", "exercise": "second-steps"}, "exercise"),
    ],
)
def test_bad_payloads_get_clear_errors(client, course, body, field):
    response = client.post("/api/runs/", body, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()


def test_runs_are_rate_limited(client, course, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 2
    for _ in range(2):
        start(client, "1")

    response = client.post("/api/runs/", {"code": "1"}, content_type="application/json")

    assert response.status_code == 429
    assert "Too many runs" in response.json()["detail"]


def test_exercise_form_without_javascript_redirects_to_the_run(client, course):
    response = client.post("/lessons/first-steps/exercise/runs/", {"code": "print('hi')"})

    run = Run.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/runs/{run.pk}/"
    assert '<meta http-equiv="refresh"' in client.get(response["Location"]).content.decode()  # still queued
    execute_run(run.pk)
    page = client.get(response["Location"]).content.decode()
    assert "hi" in page
    assert "http-equiv" not in page


def test_exercise_form_with_htmx_returns_the_polling_output(client, course):
    response = client.post("/lessons/first-steps/exercise/runs/", {"code": "print('hi')"}, headers={"HX-Request": "true"})

    run = Run.objects.get()
    html = response.content.decode()
    assert f'hx-get="/runs/{run.pk}/"' in html
    assert "<html" not in html
    execute_run(run.pk)
    finished = client.get(f"/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert finished["HX-Trigger"] == "run-finished"
    assert "hi" in finished.content.decode()


def test_empty_code_is_refused_with_a_message(client, course):
    response = client.post("/lessons/first-steps/exercise/runs/", {"code": ""})

    assert response.status_code == 400
    assert "Write some code to run." in response.content.decode()


def test_signed_in_learner_needs_the_csrf_token(course, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    assert client.post("/lessons/first-steps/exercise/runs/", {"code": "1"}).status_code == 403


def test_check_and_solution_source_never_reach_the_learner(client, course):
    run = start(client, "row_count = 2", exercise="first-steps")
    responses = [
        client.get("/lessons/first-steps/"),
        client.get(f"/api/runs/{run.pk}/"),
        client.get(f"/runs/{run.pk}/"),
        client.get("/api/lessons/first-steps/"),
    ]

    for response in responses:
        html = response.content.decode()
        assert "def check_row_count" not in html
        assert "row_count = len(scores)" not in html
    assert "Set row_count to the number of rows" in responses[1].content.decode()  # the hint, yes


def test_a_redelivered_run_is_never_run_twice(client, course):
    run = start(client, "print('once')")
    run.refresh_from_db()
    finished_at = run.finished_at

    execute_run(run.pk)

    run.refresh_from_db()
    assert (run.status, run.finished_at) == ("ok", finished_at)


def test_without_bubblewrap_code_does_not_run_unless_explicitly_allowed(client, course, monkeypatch, settings):
    monkeypatch.setattr("shutil.which", lambda name: None)

    refused = client.post("/api/runs/", {"code": "1"}, content_type="application/json")
    page = client.get("/scratchpad/").content.decode()

    assert refused.status_code == 503
    assert "bubblewrap is not installed" in refused.json()["detail"]
    assert "Running code is not available on this site" in page

    settings.SANDBOX_ALLOW_UNISOLATED = True
    warned = client.get("/scratchpad/").content.decode()
    run = start(client, "print('unsafe but running')")
    run.refresh_from_db()
    assert "without isolation" in warned
    assert (run.status, run.stdout, run.backend) == ("ok", "unsafe but running\n", "unisolated")


def test_openapi_schema_describes_runs_and_uploads(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert {"/api/runs/", "/api/runs/{run_id}/", "/api/uploads/", "/api/uploads/{upload_id}/"} <= set(schema["paths"])
    run_request = schema["paths"]["/api/runs/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert run_request.endswith("Input")
