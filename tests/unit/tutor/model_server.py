"""A small OpenAI-compatible chat completions server on loopback, for testing the model engine over real HTTP.

Each server checks what it receives (the path, the model name, the key, the shape of
the messages) and notes every problem in `problems`; a test then reads `requests`
to see exactly what the model was shown.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# "[2] (section "Title", #anchor) text", or for code "... code example:" and the code fenced below it.
PASSAGE = re.compile(r'^\[(\d+)\] \(section ("(?:[^"\\]|\\.)*"), #([\w-]+)\) (?:code example:\n```\n(.*?)\n```|([^\n]+))$', re.MULTILINE | re.DOTALL)
QUESTION_LINE = re.compile(r"^The learner's question, as a JSON string: (.+)$", re.MULTILINE)


@dataclass
class Received:
    at: float  # time.monotonic() on arrival
    path: str
    headers: dict[str, str]
    body: dict

    @property
    def prompt(self) -> str:
        """The user message: passages, earlier turns and the question."""
        return next(message["content"] for message in self.body["messages"] if message["role"] == "user")

    @property
    def passages(self) -> dict[int, tuple[str, str, str]]:
        """The numbered passages shown: {number: (section title, anchor, text)}."""
        found = PASSAGE.findall(self.prompt)
        return {int(number): (json.loads(title), anchor, code or text) for number, title, anchor, code, text in found}

    @property
    def question(self) -> str:
        return json.loads(QUESTION_LINE.search(self.prompt).group(1))


@dataclass
class Answer:
    """What the server sends back: a status, a body, and how slowly."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0  # before anything is sent
    drip: float = 0.0  # between single bytes of the body
    pieces: list[bytes] = field(default_factory=list)  # when given, the body is sent in these pieces...
    pause: float = 0.0  # ...with this long between them


def streamed(
    texts: list[str], *, pause: float = 0.0, finish_reason: str = "stop", model: str = "tiny-tutor", ending: bytes = b"data: [DONE]\n\n"
) -> Answer:
    """A chat completion streamed as server-sent events, one chunk per text, the way the OpenAI API streams."""

    def chunk(delta: dict, finish: str | None) -> bytes:
        body = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        body["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
        return f"data: {json.dumps(body)}\n\n".encode()

    pieces = [chunk({"role": "assistant", "content": ""}, None), *(chunk({"content": text}, None) for text in texts), chunk({}, finish_reason)]
    pieces.append(ending)
    return Answer(b"".join(pieces), headers={"Content-Type": "text/event-stream"}, pieces=pieces, pause=pause)


def completion(text: str, *, model: str = "tiny-tutor", finish_reason: str = "stop") -> Answer:
    """A well-formed chat completion holding text."""
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return Answer(json.dumps(body).encode())


class ModelServer:
    def __init__(self, respond: Callable[[Received], Answer], *, model: str = "tiny-tutor", api_key: str = "") -> None:
        self.respond = respond
        self.model = model
        self.api_key = api_key
        self.requests: list[Received] = []
        self.problems: list[str] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler still sleeping for the timeout test must not hold up the test
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def check(self, received: Received) -> None:
        if received.path != "/v1/chat/completions":
            self.problems.append(f"path {received.path}")
        if received.body.get("model") != self.model:
            self.problems.append(f"model {received.body.get('model')!r}")
        expected = f"Bearer {self.api_key}" if self.api_key else None
        if expected and received.headers.get("authorization") != expected:
            self.problems.append("wrong API key")
        roles = [message.get("role") for message in received.body.get("messages", [])]
        if roles != ["system", "user"]:
            self.problems.append(f"roles {roles}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    server.problems.append("request body is not JSON")
                    body = {}
                received = Received(time.monotonic(), self.path, {key.lower(): value for key, value in self.headers.items()}, body)
                server.requests.append(received)
                server.check(received)
                answer = server.respond(received)
                if answer.delay and server.stopping.wait(answer.delay):
                    return
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    if answer.pieces:
                        for piece in answer.pieces:
                            self.wfile.write(piece)
                            self.wfile.flush()
                            if server.stopping.wait(answer.pause):
                                return
                        return
                    if not answer.drip:
                        self.wfile.write(answer.body)
                        return
                    for byte in answer.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        if server.stopping.wait(answer.drip):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, format, *args) -> None:
                pass  # keep test output clean

        return Handler
