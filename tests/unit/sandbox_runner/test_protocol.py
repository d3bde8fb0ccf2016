"""Messages between the worker and the guest: length-prefixed, marshal one way and JSON the other."""

from __future__ import annotations

import base64
import io
import json
import marshal
import struct

import pytest

from sandbox_runner.guest.protocol import receive, send, to_json


def sent(message: dict) -> dict:
    stream = io.BytesIO()
    send(stream, message)
    raw = stream.getvalue()
    (length,) = struct.unpack(">I", raw[:4])
    assert length == len(raw) - 4
    return json.loads(raw[4:])


def test_a_result_with_files_as_base64_bytes_arrives_as_json_strings():
    content = base64.b64encode(b"\x00\x01 spreadsheet")
    message = {
        "status": "ok",
        "stdout": 'quote " backslash \\ newline \n nul \x00 é',
        "files": [{"name": "out.csv", "size": 15, "content": content}, {"name": "big.bin", "size": 10**9, "not_kept": "too large"}],
        "display": {"kind": "table", "rows": [["1", None], [2.5, True]]},
        "empty": [],
        "nothing": {},
    }

    arrived = sent(message)

    assert arrived["files"][0]["content"] == content.decode()
    assert arrived["stdout"] == message["stdout"]
    assert arrived["display"] == {"kind": "table", "rows": [["1", None], [2.5, True]]}
    assert (arrived["empty"], arrived["nothing"]) == ([], {})
    assert json.loads(to_json(message)) == arrived


def test_non_finite_floats_become_null():
    assert sent({"values": [float("nan"), float("inf"), 1.5]}) == {"values": [None, None, 1.5]}


def test_the_guest_reads_what_the_worker_sends_and_refuses_the_rest():
    message = {"type": "run", "code": "print(1)", "limits": {"wall_seconds": 10}}
    body = marshal.dumps(message)

    assert receive(io.BytesIO(struct.pack(">I", len(body)) + body)) == message
    with pytest.raises(EOFError):
        receive(io.BytesIO(b""))
    with pytest.raises(ValueError):
        receive(io.BytesIO(struct.pack(">I", len(marshal.dumps([1]))) + marshal.dumps([1])))
