"""Messages between the host and the guest: a 4-byte length, then the body.

Host to guest: marshal (the host is trusted, and marshal is built in: no import cost).
Guest to host: JSON, written by the small encoder below (the json module would cost
every run several milliseconds of imports, mostly the re module).
"""

from __future__ import annotations

import marshal
import math
import struct

MAX_MESSAGE = 64 * 1024 * 1024

_JSON_ESCAPES = {codepoint: f"\\u{codepoint:04x}" for codepoint in range(32)} | {ord('"'): '\\"', ord("\\"): "\\\\"}


def to_json(value) -> str:
    """Return JSON for plain data (None, bools, ints, finite floats, str, lists, tuples, dicts)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value)) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return '"' + value.translate(_JSON_ESCAPES) + '"'
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(to_json(str(key)) + ":" + to_json(item) for key, item in value.items()) + "}"
    return to_json(str(value))


def send(stream, message: dict) -> None:
    """Write one message to the host."""
    body = to_json(message).encode("utf-8", "replace")
    stream.write(struct.pack(">I", len(body)) + body)
    stream.flush()


def receive(stream) -> dict:
    """Read one message from the host."""
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError("the host closed the channel")
    (length,) = struct.unpack(">I", header)
    if length > MAX_MESSAGE:
        raise ValueError("message too large")
    message = marshal.loads(stream.read(length))  # noqa: S302 - written by the host, never by learner code
    if not isinstance(message, dict):
        raise ValueError("unexpected message")
    return message
