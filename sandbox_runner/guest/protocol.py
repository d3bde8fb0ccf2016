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
    """Return JSON for plain data (None, bools, ints, finite floats, str, lists, tuples, dicts; bytes that are base64)."""
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
    if isinstance(value, bytes):
        return '"' + value.decode("ascii") + '"'
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(to_json(str(key)) + ":" + to_json(item) for key, item in value.items()) + "}"
    return to_json(str(value))


def send(stream, message: dict) -> None:
    """Write one message to the host.

    bytes values (base64 of files: already JSON-safe) are written as they are, never
    copied into one large string: a result holding the run's files costs little more
    memory than the files' base64 itself, which matters when the run's memory is full.
    """
    chunks: list[bytes] = []
    _chunks(message, chunks)
    stream.write(struct.pack(">I", sum(len(chunk) for chunk in chunks)))
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()


def _chunks(value, chunks: list[bytes]) -> None:
    if isinstance(value, bytes):
        chunks += [b'"', value, b'"']
    elif isinstance(value, list | tuple) and any(isinstance(item, bytes | dict | list | tuple) for item in value):
        chunks.append(b"[")
        for position, item in enumerate(value):
            if position:
                chunks.append(b",")
            _chunks(item, chunks)
        chunks.append(b"]")
    elif isinstance(value, dict) and any(isinstance(item, bytes | dict | list | tuple) for item in value.values()):
        chunks.append(b"{")
        for position, (key, item) in enumerate(value.items()):
            chunks.append((("," if position else "") + to_json(str(key)) + ":").encode())
            _chunks(item, chunks)
        chunks.append(b"}")
    else:
        chunks.append(to_json(value).encode("utf-8", "replace"))


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
