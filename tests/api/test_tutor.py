"""POST /api/lessons/<slug>/tutor/: an answer grounded in the lesson or a plain refusal, clear 400s, 404s, 429s, all in the schema."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.test import Client
from werkzeug.test import Client as WsgiClient

from config.wsgi import application
from lessons.models import Lesson
from quizzes.services import start_attempt
from tests.tutor_course import COVERED, OFF_TOPIC
from tutor.models import AskedQuestion

pytestmark = pytest.mark.django_db
URL = "/api/lessons/tides/tutor/"
ROUTE = "/api/lessons/{slug}/tutor/"
REPLY_KEYS = {"answer", "covered", "reason", "engine", "citations", "see_also", "latency_ms"}


@pytest.fixture
def api(tides, connection_kept_open) -> WsgiClient:
    """A client outside the process, through the WSGI application: its answers can be checked against the schema."""
    return WsgiClient(application)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def ask(client: Client, body, url: str = URL, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type=extra.pop("content_type", "application/json"), **extra)


def test_a_covered_question_is_answered_with_the_section_it_came_from(api, schema):
    response = api.post(URL, json={"question": COVERED})

    schema[ROUTE]["POST"].validate_response(response)
    body = response.get_json()
    assert set(body) == REPLY_KEYS
    assert (body["covered"], body["reason"], body["engine"], body["see_also"]) == (True, "answered", "offline", [])
    assert "The Moon's gravity causes the tides." in body["answer"]
    [citation] = body["citations"]
    assert (citation["section"], citation["anchor"]) == ("Tides", "tides")
    assert "The Moon's gravity causes the tides." in citation["quote"]
    assert isinstance(body["latency_ms"], int)


def test_an_off_topic_question_is_refused_plainly(api, schema):
    response = api.post(URL, json={"question": OFF_TOPIC})

    schema[ROUTE]["POST"].validate_response(response)
    body = response.get_json()
    assert (body["covered"], body["reason"], body["citations"]) == (False, "not-covered", [])
    assert "doesn't cover" in body["answer"]


def test_when_another_lesson_covers_it_the_refusal_says_which(api, schema):
    response = api.post(URL, json={"question": "What is lava?"})

    schema[ROUTE]["POST"].validate_response(response)
    body = response.get_json()
    assert body["covered"] is False
    assert body["see_also"] == [{"slug": "volcanoes", "title": "Volcanoes", "url": "/lessons/volcanoes/"}]


def test_history_is_accepted_for_follow_ups(client, tides):
    history = [{"question": COVERED, "answer": "The Moon's gravity causes the tides."}, {"question": "And waves?"}]

    response = ask(client, {"question": "What makes waves?", "history": history})

    assert response.status_code == 200
    assert response.json()["covered"] is True


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "question", 'Send the question to ask: {"question": "..."}.'),
        ({"question": ""}, "question", "Type a question about this lesson."),
        ({"question": "   \n\t "}, "question", "Type a question about this lesson."),
        ({"question": "x" * 1001}, "question", "Keep your question under 1,000 characters."),
        ({"question": ["What", "causes"]}, "question", "Not a valid string."),
        ({"question": COVERED, "history": "earlier"}, "history.non_field_errors", None),
        ({"question": COVERED, "history": [{"answer": "no question"}]}, "history.0.question", "This field is required."),
        ({"question": COVERED, "history": [["a", "b"]]}, "history.0.non_field_errors", None),
    ],
)
def test_a_question_the_tutor_cannot_take_is_a_400_that_says_why(client, tides, body, field, message):
    response = ask(client, body)

    assert response.status_code == 400
    error = response.json()
    assert field in error, error
    if message:
        assert error[field] == [message]
        assert message in error["detail"]
    assert not AskedQuestion.objects.exists()


def test_a_body_that_is_not_json_is_a_400_and_a_form_a_415(client, tides):
    broken = ask(client, '{"question": "What causes')
    form = client.post(URL, {"question": COVERED})

    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("JSON parse error")
    assert form.status_code == 415
    assert "detail" in form.json()


def test_an_unknown_or_archived_lesson_is_a_404(client, tides):
    Lesson.objects.filter(slug="volcanoes").update(is_archived=True)

    unknown = ask(client, {"question": COVERED}, url="/api/lessons/no-such-lesson/tutor/")
    archived = ask(client, {"question": COVERED}, url="/api/lessons/volcanoes/tutor/")

    assert (unknown.status_code, archived.status_code) == (404, 404)
    assert unknown.json() == {"detail": "There is no lesson 'no-such-lesson'."}


def test_questions_are_rate_limited_per_client_with_a_retry_after(api, settings, schema):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tutor": "2/m"}

    answers = [api.post(URL, json={"question": COVERED}) for _ in range(3)]
    other_address = api.post(URL, json={"question": COVERED}, environ_overrides={"REMOTE_ADDR": "10.1.2.3"})

    assert [response.status_code for response in answers] == [200, 200, 429]
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
    schema[ROUTE]["POST"].validate_response(answers[2])
    assert other_address.status_code == 200


def test_each_question_is_logged_with_lesson_coverage_engine_and_latency(client, tides, learner):
    client.force_login(learner)

    ask(client, {"question": COVERED})
    ask(client, {"question": OFF_TOPIC})

    logged = list(AskedQuestion.objects.order_by("asked_at", "id").values_list("lesson__slug", "user", "question", "covered", "engine", "sections"))
    assert logged == [("tides", learner.pk, COVERED, True, "offline", ["tides"]), ("tides", learner.pk, OFF_TOPIC, False, "offline", [])]


def test_a_signed_in_browser_needs_its_csrf_token(tides, learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    assert ask(browser, {"question": COVERED}).status_code == 403


def test_an_api_client_with_an_open_quiz_attempt_gets_a_pointer_not_the_answer(client, tides, learner):
    start_attempt(quiz=tides.quiz, user=learner)
    client.force_login(learner)

    body = ask(client, {"question": "Which force causes the tides?"}).json()

    assert (body["reason"], body["engine"], body["citations"]) == ("quiz-pointer", "quiz", [{"section": "Tides", "anchor": "tides", "quote": ""}])
    assert "moon" not in body["answer"].lower()
