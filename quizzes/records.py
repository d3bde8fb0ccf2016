"""Signed progress records: what an anonymous learner's browser keeps, and the server can trust later.

Each graded answer and each finished attempt comes back with a record: a small JSON
payload signed with the site's key (django.core.signing, its own salt). The payload is
readable (the browser paints progress from it) but cannot be altered or forged. A
record says what was graded, never what the right answer was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.utils import timezone

SALT = "lessonbox.quizzes.progress-record"
VERSION = 1
MAX_RECORD_CHARACTERS = 8_000


class RecordRejected(ValueError):
    """A record that cannot be merged; the message is the reason given back to the browser."""


@dataclass(frozen=True)
class AnswerRecord:
    id: uuid.UUID
    lesson: str
    attempt: uuid.UUID
    question: str
    correct: bool
    at: datetime


@dataclass(frozen=True)
class AttemptRecord:
    id: uuid.UUID  # the attempt's own id: the same attempt is one record wherever it comes from
    lesson: str
    attempt: uuid.UUID
    answers: dict[str, bool]
    correct: int
    total: int
    score: int
    passed: bool
    at: datetime


def sign_answer(*, lesson: str, attempt: uuid.UUID, question: str, correct: bool, at: datetime) -> str:
    """Return the signed record of one graded answer."""
    record_id = uuid.uuid5(attempt, f"answer:{question}")  # one record per question per attempt
    payload = {"v": VERSION, "kind": "answer", "id": str(record_id), "lesson": lesson, "attempt": str(attempt)}
    payload |= {"question": question, "correct": bool(correct), "at": at.isoformat()}
    return signing.dumps(payload, salt=SALT)


def sign_attempt(*, lesson: str, attempt: uuid.UUID, answers: dict[str, bool], total: int, score: int, passed: bool, at: datetime) -> str:
    """Return the signed record of one finished attempt."""
    payload = {"v": VERSION, "kind": "attempt", "id": str(attempt), "lesson": lesson, "attempt": str(attempt)}
    correct = sum(bool(value) for value in answers.values())
    payload |= {"answers": answers, "correct": correct, "total": total, "score": score, "passed": bool(passed), "at": at.isoformat()}
    return signing.dumps(payload, salt=SALT)


def read_record(signed: Any) -> AnswerRecord | AttemptRecord:
    """Verify a signed record and return it; raise RecordRejected saying why it cannot be trusted."""
    if not isinstance(signed, str) or not signed:
        raise RecordRejected("not a record: each record is the string the server signed")
    if len(signed) > MAX_RECORD_CHARACTERS:
        raise RecordRejected(f"too long to be a record (over {MAX_RECORD_CHARACTERS} characters)")
    try:
        payload = signing.loads(signed, salt=SALT)
    except signing.BadSignature:
        raise RecordRejected("the signature does not match: the record was altered, truncated or not made by this site") from None
    except (ValueError, UnicodeDecodeError):
        raise RecordRejected("not a record this site can read") from None
    try:
        return _parse(payload)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordRejected(f"a signed record in an unknown form ({error})") from None


def _parse(payload: dict) -> AnswerRecord | AttemptRecord:
    if payload.get("v") != VERSION:
        raise ValueError(f"version {payload.get('v')!r}")
    common = {"id": uuid.UUID(payload["id"]), "lesson": str(payload["lesson"]), "attempt": uuid.UUID(payload["attempt"]), "at": _time(payload["at"])}
    if payload["kind"] == "answer":
        return AnswerRecord(**common, question=str(payload["question"]), correct=bool(payload["correct"]))
    if payload["kind"] == "attempt":
        answers = {str(key): bool(value) for key, value in dict(payload["answers"]).items()}
        total, score = int(payload["total"]), int(payload["score"])
        if not (0 <= score <= 100 and total >= 0):
            raise ValueError("score out of range")
        return AttemptRecord(**common, answers=answers, correct=int(payload["correct"]), total=total, score=score, passed=bool(payload["passed"]))
    raise ValueError(f"kind {payload['kind']!r}")


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
