"""Asking through the service picks the model engine from the settings, and logs which engine answered."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from tests.unit.tutor.model_server import Answer, ModelServer, Received, completion, streamed
from tutor.llm import OpenAICompatibleEngine
from tutor.models import AskedQuestion
from tutor.services import ask, configured_engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(science_course: Path) -> Lesson:
    import_catalog(science_course)
    return Lesson.objects.get(slug="tides")


def cite_gravity(received: Received) -> Answer:
    """Quote and cite the shown passage about the Moon's gravity."""
    number, text = next((number, text) for number, (_, _, text) in received.passages.items() if "gravity" in text)
    return completion(f"Good question! {text.rstrip('.')} [{number}].")


def model_settings(url: str):
    return override_settings(TUTOR_BASE_URL=url, TUTOR_MODEL="tiny-tutor", TUTOR_API_KEY="sk-test", TUTOR_TIMEOUT_SECONDS=3, TUTOR_MAX_RETRIES=0)


def test_the_settings_choose_the_model_engine():
    with model_settings("http://127.0.0.1:9/v1"):
        engine = configured_engine()
    assert isinstance(engine, OpenAICompatibleEngine)
    assert (engine.base_url, engine.model, engine.timeout, engine.max_retries) == ("http://127.0.0.1:9/v1", "tiny-tutor", 3, 0)


def test_a_local_server_without_a_key_gets_a_placeholder():
    with override_settings(TUTOR_BASE_URL="http://127.0.0.1:9/v1", TUTOR_MODEL="tiny-tutor", TUTOR_API_KEY=""):
        assert configured_engine().client.api_key == "not-needed"


def test_asking_through_the_service_uses_the_model_and_logs_it(lesson, learner):
    with ModelServer(cite_gravity, api_key="sk-test") as server, model_settings(server.url):
        reply = ask(lesson, "What pulls the ocean towards the Moon?", user=learner)
    assert server.problems == []
    assert (reply.engine, reply.covered) == ("openai", True)
    assert reply.answer == "The Moon's gravity pulls the ocean towards it, raising a bulge of water on the side facing the Moon."
    assert [citation.section for citation in reply.citations] == ["What pulls the water"]
    anchor = reply.citations[0].anchor
    assert lesson.sections.filter(anchor=anchor).exists()
    logged = AskedQuestion.objects.get()
    assert (logged.engine, logged.covered, logged.sections, logged.user) == ("openai", True, [anchor], learner)


def test_a_refusal_from_the_model_points_to_the_lesson_that_covers_it(lesson):
    with ModelServer(lambda received: completion("NOT_COVERED")) as server, model_settings(server.url):
        reply = ask(lesson, "How long should bread dough rise at room temperature?")
    assert (reply.engine, reply.covered) == ("openai", False)
    assert [item.slug for item in reply.see_also] == ["first-loaf"]


def test_when_the_model_is_down_the_service_answers_offline_and_logs_that(lesson):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"  # nothing listens once the probe closes
    with model_settings(url):
        reply = ask(lesson, "What pulls the ocean towards the Moon?")
    assert reply.engine == "offline"
    assert AskedQuestion.objects.get().engine == "offline"


STREAM = {"Accept": "text/event-stream", "HX-Request": "true"}


def read_events(response) -> list[tuple[str, str]]:
    """The server-sent events of a streamed answer, as (event, decoded data)."""
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    found = []
    for block in filter(None, text.split("\n\n")):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        found.append((fields["event"], json.loads(fields["data"])))
    return found


def stream_gravity(received: Received) -> Answer:
    number, text = next((number, text) for number, (_, _, text) in received.passages.items() if "gravity" in text)
    return streamed(["Good question! ", f"{text.rstrip('.')} [{number}]. ", "Ask me more!"])


def test_the_panel_offers_streaming_only_when_a_model_answers(client, lesson):
    assert "data-stream" not in client.get(lesson.get_absolute_url()).content.decode()
    with model_settings("http://127.0.0.1:9/v1"):
        assert "data-stream" in client.get(reverse("tutor:conversation", args=[lesson.slug])).content.decode()


def test_a_streamed_answer_sends_each_sentence_then_the_turn_and_keeps_it(client, lesson):
    ask_url = reverse("tutor:ask", args=[lesson.slug])
    with ModelServer(stream_gravity, api_key="sk-test") as server, model_settings(server.url):
        response = client.post(ask_url, {"question": "What pulls the ocean towards the Moon?", "from": "lesson"}, headers=STREAM)
        events = read_events(response)

    gravity = "The Moon's gravity pulls the ocean towards it, raising a bulge of water on the side facing the Moon."
    assert events[:-1] == [("start", ""), ("sentence", gravity)]
    name, html = events[-1]
    assert name == "turn"
    assert gravity.replace("'", "&#x27;") in html
    assert 'id="tutor-reset" hx-swap-oob="true"' in html  # "Start over" appears, as with htmx
    assert AskedQuestion.objects.get().engine == "openai"
    # The session kept the turn, so the conversation shows it and a follow-up can use it.
    page = client.get(reverse("tutor:conversation", args=[lesson.slug])).content.decode()
    assert "What pulls the ocean towards the Moon?" in page
    assert gravity.replace("'", "&#x27;") in page


def test_a_refused_question_is_answered_as_usual_not_streamed(client, lesson):
    with model_settings("http://127.0.0.1:9/v1"):
        response = client.post(reverse("tutor:ask", args=[lesson.slug]), {"question": "   "}, headers=STREAM)
    assert response["Content-Type"].startswith("text/html")
    assert "Type a question about this lesson." in response.content.decode()
    assert response["HX-Retarget"] == "#tutor-problem"
    assert not AskedQuestion.objects.exists()
