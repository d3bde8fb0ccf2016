"""The quiz and progress API: answers stay secret until graded, errors are JSON, sync merges record by record."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.models import LessonProgress, Question
from quizzes.records import read_record
from quizzes.services import MAX_SYNC_RECORDS

pytestmark = pytest.mark.django_db
BASE = "/api/quizzes/first-steps"
RIGHT = {"load-function": "pd.read_csv", "what-to-check": ["head", "shape"], "look-first": False, "row-count": 10, "library": "pandas"}


def post(client: Client, path: str, body) -> tuple[int, dict]:
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()


def start(client: Client) -> dict:
    status, body = post(client, f"{BASE}/attempts/", {"action": "start"})
    assert status in (200, 201), body
    return body


def test_the_quiz_comes_without_answers_or_explanations(client, quiz):
    body = client.get(f"{BASE}/").json()

    assert body["question_count"] == 5
    assert [question["id"] for question in body["questions"]] == list(RIGHT)
    assert all(set(question) == {"id", "type", "prompt", "choices"} for question in body["questions"])
    text = json.dumps(body)
    for question in Question.objects.filter(quiz=quiz):
        if question.explanation:
            assert question.explanation not in text
    assert "pandas" not in text  # the accepted text answer


def test_starting_twice_resumes_the_same_attempt(client, quiz):
    first = start(client)
    status, again = post(client, f"{BASE}/attempts/", {"action": "start"})

    assert first["created"] is True
    assert (status, again["attempt"], again["created"]) == (200, first["attempt"], False)
    assert "record" in again
    assert again["record"] is None
    assert all("answer" not in question for question in again["questions"])


def test_grading_an_answer_returns_the_verdict_explanation_section_and_a_signed_record(client, quiz):
    attempt = start(client)["attempt"]

    status, body = post(client, f"{BASE}/answers/", {"attempt": attempt, "question": "load-function", "answer": "pd.open"})

    assert status == 200
    assert (body["correct"], body["explanation"]) == (False, "read_csv reads comma-separated files.")
    assert body["section"] == {"title": "Loading a table", "anchor": "loading-a-table", "url": "/lessons/first-steps/#loading-a-table"}
    assert read_record(body["record"]).correct is False
    assert body["attempt_finished"] is False


def test_the_last_answer_finishes_the_attempt_and_returns_its_record(client, quiz):
    attempt = start(client)["attempt"]
    for key, given in RIGHT.items():
        _status, body = post(client, f"{BASE}/answers/", {"attempt": attempt, "question": key, "answer": given})

    assert body["attempt_finished"] is True
    assert read_record(body["attempt_record"]).score == 100


def test_finishing_early_counts_unanswered_questions_as_missed(client, quiz):
    attempt = start(client)["attempt"]
    post(client, f"{BASE}/answers/", {"attempt": attempt, "question": "load-function", "answer": "pd.read_csv"})

    status, body = post(client, f"{BASE}/attempts/", {"action": "finish", "attempt": attempt})

    assert (status, body["finished"], body["score"], body["passed"]) == (200, True, 20, False)
    assert [item["question"] for item in body["missed"]] == ["what-to-check", "look-first", "row-count", "library"]
    assert read_record(body["record"]).score == 20


@pytest.mark.parametrize(
    ("payload", "status", "field", "words"),
    [
        ({"question": "no-such-question", "answer": "x"}, 400, "answer", "no-such-question"),
        ({"question": "load-function", "answer": "pd.guess"}, 400, "answer", "not one of this question's choices"),
        ({"question": "row-count", "answer": "ten"}, 400, "answer", "Give a number"),
        ({"question": "what-to-check", "answer": "head"}, 200, None, None),
        ({"answer": "x"}, 400, "question", "required"),
    ],
)
def test_bad_answers_are_json_errors_that_say_what_is_wrong(client, quiz, payload, status, field, words):
    attempt = start(client)["attempt"]

    got, body = post(client, f"{BASE}/answers/", {"attempt": attempt, **payload})

    assert got == status
    if field:
        assert words in json.dumps(body[field])


def test_an_attempt_is_answered_only_by_its_own_browser(client, quiz):
    attempt = start(client)["attempt"]

    status, body = post(Client(), f"{BASE}/answers/", {"attempt": attempt, "question": "load-function", "answer": "pd.read_csv"})

    assert status == 404
    assert "sessionid" in body["detail"]


def test_unknown_lessons_and_malformed_bodies_are_json_errors(client, quiz):
    assert client.get("/api/quizzes/no-such-lesson/").status_code == 404
    response = client.post(f"{BASE}/answers/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("persona", "steady", "finishing"),
    [
        # the session, the attempt, the answer (one INSERT ... ON CONFLICT DO NOTHING), what is left to answer;
        # the last answer also reads the attempt's answers and scores it (a compare-and-set UPDATE, in a transaction)
        ("anonymous", 4, 4 + 1 + 3),
        # also the account, and the learner's result of the answer in the same transaction (two more statements);
        # the last answer's transaction also adds the attempt's result, reads the learner's results at the quiz and upserts the progress
        ("signed in", 4 + 1 + 3, 4 + 1 + 3 + 1 + 3 + 3),
    ],
)
def test_grading_an_answer_costs_a_fixed_number_of_queries(client, quiz, learner, persona, steady, finishing):
    """However many answers, attempts and learners there are: the same questions cost the same queries."""
    if persona == "signed in":
        client.force_login(learner)
    counts = []
    for _ in range(3):
        attempt = start(client)["attempt"]
        for key, given in RIGHT.items():
            with CaptureQueriesContext(connection) as queries:
                status, _body = post(client, f"{BASE}/answers/", {"attempt": attempt, "question": key, "answer": given})
            assert status == 200
            counts.append(len(queries))

    per_attempt = [counts[n : n + 5] for n in range(0, 15, 5)]
    # The first answer also filled the answer key's cache.
    assert per_attempt[1:] == [[steady] * 4 + [finishing]] * 2, per_attempt


def test_progress_needs_an_account(client, quiz):
    response = client.get("/api/progress/")

    assert response.status_code in (401, 403)
    assert "browser" in response.json()["detail"]


def test_sync_merges_good_records_and_lists_the_bad_ones(client, quiz, learner):
    other_browser = Client()
    attempt = start(other_browser)["attempt"]
    records = []
    for key, given in RIGHT.items():
        records.append(post(other_browser, f"{BASE}/answers/", {"attempt": attempt, "question": key, "answer": given})[1]["attempt_record"])
    finished = records[-1]
    client.force_login(learner)

    status, body = post(client, "/api/progress/sync/", {"records": [finished, finished[:-3], "garbage", 17, finished]})

    assert status == 200
    assert (body["accepted"], body["new_attempts"]) == (2, 1)
    assert [item["index"] for item in body["rejected"]] == [1, 2, 3]
    assert body["progress"]["lessons"][0]["best_score"] == 100
    assert client.get("/api/progress/").json() == body["progress"]


def test_records_of_attempts_moved_at_sign_in_count_once(client, quiz, learner):
    attempt = start(client)["attempt"]
    for key, given in RIGHT.items():
        record = post(client, f"{BASE}/answers/", {"attempt": attempt, "question": key, "answer": given})[1]["attempt_record"]
    client.force_login(learner)  # moves the browser's attempt to the account

    status, body = post(client, "/api/progress/sync/", {"records": [record]})

    assert (status, body["accepted"], body["new_attempts"]) == (200, 1, 0)
    assert body["progress"]["lessons"][0]["attempts"] == 1


def test_a_sync_past_its_size_is_refused_with_413_and_changes_nothing(client, quiz, learner, settings):
    client.force_login(learner)

    too_many = client.post("/api/progress/sync/", json.dumps({"records": ["x"] * (MAX_SYNC_RECORDS + 1)}), content_type="application/json")
    settings.PROGRESS_SYNC_MAX_BYTES = 2048
    too_big = client.post("/api/progress/sync/", json.dumps({"records": ["x" * 3000]}), content_type="application/json")

    assert (too_many.status_code, too_big.status_code) == (413, 413)
    assert "smaller batches" in too_big.json()["detail"]
    assert not LessonProgress.objects.exists()


def test_sync_needs_an_account_and_a_list(client, quiz, learner):
    assert post(client, "/api/progress/sync/", {"records": []})[0] in (401, 403)
    client.force_login(learner)
    status, body = post(client, "/api/progress/sync/", {"records": "not a list"})
    assert status == 400
    assert "records" in body
