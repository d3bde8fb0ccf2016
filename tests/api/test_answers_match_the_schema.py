"""Answers that generated requests rarely reach (a finished run with figures and checks, a stored upload) match the schema too."""

from __future__ import annotations

import io

import pytest
import schemathesis
from werkzeug.test import Client

from config.wsgi import application
from lessons.authoring.importer import import_catalog
from sandbox_runner.tasks import execute_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(mini_course, connection_kept_open) -> Client:
    import_catalog(mini_course)
    return Client(application)  # keeps its cookies, like a browser


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    # The WSGI handler's request signals look at the database connection, whichever test ran before.
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def conforms(schema, method: str, route: str, response, status: int) -> dict | None:
    """Check a response's status and body against the operation's schema, and return the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    schema[route][method].validate_response(response)
    return response.get_json()


def test_a_finished_run_with_output_figures_files_and_checks_matches_its_schema(api, schema):
    code = (
        "import pandas as pd\nimport matplotlib.pyplot as plt\n"
        "scores = pd.read_csv('data/scores.csv')\nrow_count = len(scores)\n"
        "plt.plot([1, 2])\nopen('out.csv', 'w').write('a\\n1\\n')\nprint(row_count)\nscores"
    )
    created = conforms(schema, "POST", "/api/runs/", api.post("/api/runs/", json={"code": code, "exercise": "first-steps"}), 201)
    execute_run(created["id"])

    run = conforms(schema, "GET", "/api/runs/{run_id}/", api.get(created["api_url"]), 200)

    assert run["status"] == "ok"
    assert (len(run["figures"]), len(run["files"]), len(run["checks"])) == (1, 1, 1)
    assert run["display"]["kind"] == "table"


def test_a_failed_run_matches_its_schema(api, schema):
    created = conforms(schema, "POST", "/api/runs/", api.post("/api/runs/", json={"code": "1 / 0"}), 201)
    execute_run(created["id"])

    run = conforms(schema, "GET", "/api/runs/{run_id}/", api.get(created["api_url"]), 200)

    assert run["status"] == "error"
    assert "ZeroDivisionError" in run["traceback"]


def test_an_upload_its_list_and_its_deletion_match_their_schema(api, schema):
    sent = api.post("/api/uploads/", data={"file": (io.BytesIO(b"city,sales\nOslo,3\n"), "sales.csv")})
    upload = conforms(schema, "POST", "/api/uploads/", sent, 201)

    listed = conforms(schema, "GET", "/api/uploads/", api.get("/api/uploads/"), 200)
    deleted = api.delete(f"/api/uploads/{upload['id']}/")

    assert [item["path"] for item in listed] == ["data/uploads/sales.csv"]
    assert deleted.status_code == 204
    assert conforms(schema, "GET", "/api/uploads/", api.get("/api/uploads/"), 200) == []


def test_grading_each_answer_of_an_attempt_to_its_end_matches_the_schema(api, schema):
    started = api.post("/api/quizzes/first-steps/attempts/", json={"action": "start"})
    attempt = conforms(schema, "POST", "/api/quizzes/{slug}/attempts/", started, 201)["attempt"]
    right = {"load-function": "pd.read_csv", "what-to-check": ["head", "shape"], "look-first": False, "row-count": 10, "library": "pandas"}
    bodies = [{"attempt": attempt, "question": key, "answer": given} for key, given in right.items()]
    bodies.insert(1, {"attempt": attempt, "question": "load-function", "answer": "pd.open"})  # answered before: the first grading stands

    graded = [
        conforms(schema, "POST", "/api/quizzes/{slug}/answers/", api.post("/api/quizzes/first-steps/answers/", json=body), 200) for body in bodies
    ]

    assert [(answer["correct"], answer["already_answered"]) for answer in graded[:2]] == [(True, False), (True, True)]
    assert graded[0]["section"] == {"title": "Loading a table", "anchor": "loading-a-table", "url": "/lessons/first-steps/#loading-a-table"}
    assert [answer["attempt_finished"] for answer in graded] == [False] * 5 + [True]
    assert graded[-1]["attempt_record"]
