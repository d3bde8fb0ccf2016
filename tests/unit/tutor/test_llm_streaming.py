"""The model engine streaming its answer: grounded sentences as they arrive, then the checked reply; any failure falls back."""

from __future__ import annotations

import time

import pytest

from tests.unit.tutor.model_server import Answer, ModelServer, Received, completion, streamed
from tests.unit.tutor.sea_lesson import sea_lesson
from tutor.engines import OfflineEngine
from tutor.llm import OpenAICompatibleEngine
from tutor.replies import Reason, TutorReply

QUESTION = "What causes the tides, and how often is high tide?"
GRAVITY = "The Moon's gravity causes the tides."
TWICE = "High tide comes twice a day, about every 12 hours and 25 minutes."


@pytest.fixture
def tides():
    return sea_lesson()


def numbered(received: Received, text: str) -> int:
    return next(number for number, (_, _, shown) in received.passages.items() if shown == text)


def engine_for(server: ModelServer, **kwargs) -> OpenAICompatibleEngine:
    options = {"timeout": 5.0, "max_retries": 2, "backoff": 0.2, **kwargs}
    return OpenAICompatibleEngine(base_url=server.url, model=server.model, **options)


def timed(pieces) -> list[tuple[float, object]]:
    started = time.monotonic()
    return [(time.monotonic() - started, piece) for piece in pieces]


def test_each_grounded_sentence_comes_as_soon_as_it_is_written_then_the_checked_reply(tides):
    def answer(received: Received) -> Answer:
        gravity, twice = numbered(received, GRAVITY), numbered(received, TWICE)
        return streamed(
            [
                "The Moon's gravity ",
                f"causes the tides [{gravity}]. ",
                "High tide comes twice a day, ",
                f"about every 12 hours and 25 minutes [{twice}].",
            ],
            pause=0.3,
        )

    with ModelServer(answer) as server:
        arrived = timed(engine_for(server).stream(tides, QUESTION, []))

    assert server.requests[0].body["stream"] is True
    *previews, (finished_at, reply) = arrived
    assert [piece for _, piece in previews] == [GRAVITY]  # the second sentence is only known finished at the end
    assert previews[0][0] < finished_at - 0.5  # shown while the model was still writing
    assert isinstance(reply, TutorReply)
    assert (reply.engine, reply.covered, reply.reason) == ("openai", True, Reason.ANSWERED)
    assert reply.answer == f"{GRAVITY} {TWICE}"
    assert [citation.anchor for citation in reply.citations] == ["tides"]


def test_a_sentence_the_lesson_does_not_support_is_never_shown(tides):
    def answer(received: Received) -> Answer:
        gravity = numbered(received, GRAVITY)
        return streamed([f"The Moon's gravity causes the tides [{gravity}]. ", f"The Moon is made of green cheese [{gravity}]. ", "That's all."])

    with ModelServer(answer) as server:
        *previews, reply = engine_for(server).stream(tides, QUESTION, [])

    assert previews == [GRAVITY]
    assert "cheese" not in reply.answer


def test_a_model_that_declines_shows_nothing_and_the_reply_says_not_covered(tides):
    with ModelServer(lambda received: streamed(["NOT_", "COVERED"])) as server:
        pieces = list(engine_for(server).stream(tides, "Who won the football world cup in 1998?", []))
    assert len(pieces) == 1
    assert (pieces[0].covered, pieces[0].reason) == (False, Reason.NOT_COVERED)


def test_a_server_that_ignores_streaming_still_answers(tides):
    with ModelServer(lambda received: completion(f"{GRAVITY} [{numbered(received, GRAVITY)}]")) as server:
        *_, reply = engine_for(server).stream(tides, QUESTION, [])
    assert (reply.engine, reply.answer) == ("openai", GRAVITY)


def cut_short(received: Received) -> Answer:
    """Two chunks of a longer stream, then the connection closes mid-body."""
    whole = streamed([f"{GRAVITY} [{numbered(received, GRAVITY)}] ", "High tide comes ", "twice a day."])
    return Answer(whole.body, headers=whole.headers, pieces=whole.pieces[:3])


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(cut_short, id="broken-off"),
        pytest.param(lambda received: Answer(b"data: {not json\n\n", headers={"Content-Type": "text/event-stream"}), id="malformed-chunk"),
        pytest.param(lambda received: Answer(b'{"error": "down"}', status=500), id="server-error"),
        pytest.param(lambda received: streamed(["The Moon's ", "gravity"], pause=3.0), id="too-slow"),
    ],
)
def test_any_failure_gives_the_offline_answer_in_place_of_the_preview(tides, respond):
    with ModelServer(respond) as server:
        *_, reply = engine_for(server, timeout=1.5, max_retries=0).stream(tides, QUESTION, [])
    offline = OfflineEngine().reply(tides, QUESTION, [])
    assert reply == offline
    assert reply.engine == "offline"


def test_opening_the_stream_is_retried_before_any_text_arrives(tides):
    def respond(received: Received) -> Answer:
        if len(server.requests) == 1:
            return Answer(b'{"error": "busy"}', status=503)
        return streamed([f"{GRAVITY} [{numbered(received, GRAVITY)}]"])

    with ModelServer(respond) as server:
        *_, reply = engine_for(server).stream(tides, QUESTION, [])
    assert len(server.requests) == 2
    assert (reply.engine, reply.answer) == ("openai", GRAVITY)
