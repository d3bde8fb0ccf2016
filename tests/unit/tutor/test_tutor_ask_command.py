"""manage.py tutor_ask: the API's answer on standard output (and nothing else), or a readable one; errors on standard error."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.tutor_course import COVERED, OFF_TOPIC
from tutor.models import AskedQuestion

pytestmark = pytest.mark.django_db


def tutor_ask(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tutor_ask", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def without_latency(reply: dict) -> dict:
    return {key: value for key, value in reply.items() if key != "latency_ms"}


def test_json_prints_exactly_what_the_api_answers_and_nothing_else(client, tides):
    out, err = tutor_ask("tides", COVERED, "--json")

    printed = json.loads(out)  # fails on anything printed besides the one object
    answered = client.post("/api/lessons/tides/tutor/", {"question": COVERED}, content_type="application/json").json()
    assert without_latency(printed) == without_latency(answered)
    assert list(printed) == list(answered)
    assert printed["covered"] is True
    assert err == ""


def test_history_json_gives_what_the_api_gives_with_that_history(client, tides):
    history = [{"question": "What makes waves on the sea?", "answer": "The wind makes waves on the surface of the sea."}]

    out, _ = tutor_ask("tides", "What makes them bigger?", "--history-json", json.dumps(history), "--json")

    body = {"question": "What makes them bigger?", "history": history}
    answered = client.post("/api/lessons/tides/tutor/", body, content_type="application/json").json()
    assert without_latency(json.loads(out)) == without_latency(answered)


def test_without_json_the_answer_is_readable_with_its_sections(tides):
    out, _ = tutor_ask("tides", COVERED)

    assert out.startswith("Answered from the lesson (offline, ")
    assert "The Moon's gravity causes the tides." in out
    assert "Sections:\n  Tides  /lessons/tides/#tides\n" in out


def test_a_refusal_is_readable_too(tides):
    out, _ = tutor_ask("tides", OFF_TOPIC)

    assert out.startswith("The lesson does not answer it (offline, ")
    assert "doesn't cover that" in out
    assert "Sections:" not in out


def test_questions_asked_from_the_shell_are_not_logged_as_learners(tides):
    tutor_ask("tides", COVERED, "--json")

    assert not AskedQuestion.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-lesson", COVERED), "There is no published lesson 'no-such-lesson'."),
        (("tides", "   "), "Type a question about this lesson."),
        (("tides", "x" * 1001), "Keep your question under 1,000 characters."),
        (("tides", COVERED, "--history-json", "[{"), "--history-json is not valid JSON"),
        (("tides", COVERED, "--history-json", '{"question": "a"}'), "--history-json must be a list of turns"),
        (("tides", COVERED, "--history-json", "[1, 2]"), "Each history turn needs a question"),
    ],
)
def test_a_bad_lesson_question_or_history_is_a_clear_error(tides, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):  # CommandError: message on stderr, exit status 1
        tutor_ask(*args, "--json")
