"""Taking quizzes and keeping progress: the work that spans attempts, questions and learners."""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from common.db import insert_unless_present, values_by
from lessons.models import LESSON_TEXT_FIELDS, Section
from lessons.services import catalog_version
from quizzes import grading
from quizzes.models import AnswerResult, Attempt, AttemptResult, GivenAnswer, LessonProgress, Question, Quiz
from quizzes.records import AnswerRecord, AttemptRecord, RecordRejected, read_record, sign_answer, sign_attempt

MAX_SYNC_RECORDS = 2_000


class AnswerRefused(ValueError):
    """The answer cannot be graded (no such question, a finished attempt, an invalid answer)."""


@dataclass
class GradedAnswer:
    answer: GivenAnswer
    question: Question
    record: str
    attempt_record: str | None = None  # set when this answer finished the attempt
    already_answered: bool = False


@dataclass
class SyncReport:
    accepted: int = 0  # valid records, whether new or already merged before
    new_attempts: int = 0  # finished attempts this sync added to the account
    rejected: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class AnswerKey:
    """What grading an answer needs of a published lesson's quiz, read once per import."""

    quiz: Quiz  # with its lesson, without the lesson's text
    questions: dict[str, Question]  # the live questions by key, in order
    # Each section a question can name (its heading), as the API links it: title, anchor and url.
    section_links: dict[str, dict[str, str]]


# This process's unpickled answer keys, by lesson, each with the stamp it was cached under.
# Unpickling a key's questions costs more than grading; a look at its small stamp in the
# cache says whether the copy here is still the one there (a new import, a cleared cache).
_answer_keys: dict[str, tuple[str, str, AnswerKey]] = {}


def answer_key(lesson_slug: str) -> AnswerKey | None:
    """Return the answer key of a published lesson's quiz, or None when it has none; cached until the next import changes the catalog."""
    key = f"quizzes:answer-key:{catalog_version()}:{lesson_slug}"
    copy = _answer_keys.get(lesson_slug)
    if copy is not None and copy[0] == key and cache.get(f"{key}:stamp") == copy[1]:
        return copy[2]
    stamped = cache.get(key)
    if stamped is None:
        quiz = Quiz.objects.select_related("lesson").defer(*(f"lesson__{name}" for name in LESSON_TEXT_FIELDS))
        quiz = quiz.filter(lesson__slug=lesson_slug, lesson__is_archived=False).first()
        if quiz is None:
            return None
        found = AnswerKey(
            quiz=quiz,
            questions={question.key: question for question in quiz.questions.live().order_by("position")},
            section_links={
                heading: {"title": section.heading, "anchor": section.anchor, "url": section.get_absolute_url()}
                for heading, section in sections_by_heading(quiz.lesson).items()
            },
        )
        stamped = (secrets.token_hex(8), found)
        cache.set_many({key: stamped, f"{key}:stamp": stamped[0]}, settings.LESSON_CACHE_SECONDS)
    _answer_keys[lesson_slug] = (key, *stamped)
    return stamped[1]


def live_questions(quiz: Quiz) -> dict[str, Question]:
    """Return the quiz's live questions by key, in order: those of its answer key, cached until the next import."""
    key = answer_key(quiz.lesson.slug)
    if key is None or key.quiz.pk != quiz.pk:  # the quiz of an archived lesson has no answer key
        return {question.key: question for question in quiz.questions.live().order_by("position")}
    return key.questions


def sections_by_heading(lesson) -> dict[str, Section]:
    """Return a lesson's sections by heading (what a question's `section` names); cached like the answer key."""
    key = f"quizzes:sections:{lesson.pk}:{catalog_version()}"
    sections = cache.get(key)
    if sections is None:
        sections = {
            section.heading: section
            for section in lesson.sections.select_related("lesson").defer(*(f"lesson__{name}" for name in LESSON_TEXT_FIELDS))
        }
        cache.set(key, sections, settings.LESSON_CACHE_SECONDS)
    return sections


@dataclass(frozen=True)
class LearnerQuestions:
    """Where one learner stands on a lesson's quiz, for other apps (the tutor) to take into account."""

    unfinished: list[Question] = field(default_factory=list)  # the questions of their unfinished attempt
    missed: list[Question] = field(default_factory=list)  # not right in their last finished attempt (when none is open)


def learner_questions(*, lesson, user=None, browser_key: str = "") -> LearnerQuestions:
    """Return the questions of the learner's unfinished attempt at the lesson's quiz, or else those they missed in their last one.

    The learner is the signed-in user, or else the anonymous browser with that key.
    """
    owned = Attempt.objects.for_owner(user=user, browser_key=browser_key).filter(quiz__lesson=lesson).select_related("quiz")
    attempt = owned.open().order_by("-started_at").first()
    if attempt is not None:
        live = live_questions(attempt.quiz)
        return LearnerQuestions(unfinished=[live[key] for key in attempt.question_keys if key in live])
    attempt = owned.finished().order_by("-finished_at").first()
    if attempt is None:
        return LearnerQuestions()
    right = set(attempt.answers.filter(is_correct=True).values_list("question__key", flat=True))
    missed = [key for key in counted_keys(attempt) if key not in right]
    # Archived questions too: the learner answered them, and may ask why they were wrong.
    questions = {question.key: question for question in attempt.quiz.questions.filter(key__in=missed)}
    return LearnerQuestions(missed=[questions[key] for key in missed if key in questions])


def choices_for(attempt: Attempt, question: Question) -> list[str]:
    """Return the question's choices in this attempt's order: shuffled per attempt, stable within it."""
    choices = list(question.choices)
    random.Random(f"{attempt.seed}:{question.key}").shuffle(choices)  # noqa: S311 - an order, not a secret
    return choices


def start_attempt(*, quiz: Quiz, user=None, browser_key: str = "") -> tuple[Attempt, bool]:
    """Return the owner's open attempt at the quiz, or a new one; and whether it was created."""
    owned = Attempt.objects.for_owner(user=user, browser_key=browser_key).filter(quiz=quiz).open()
    existing = owned.order_by("-started_at").first()
    if existing is not None:
        return existing, False
    keys = list(quiz.questions.live().order_by("position").values_list("key", flat=True))
    signed_in = user is not None and user.is_authenticated
    attempt = Attempt.objects.create(
        quiz=quiz,
        learner=user if signed_in else None,
        browser_key="" if signed_in else browser_key,
        question_keys=keys,
        question_count=len(keys),
        seed=secrets.randbelow(2**31),
    )
    return attempt, True


def next_question(attempt: Attempt) -> Question | None:
    """Return the first question of the attempt not yet answered, or None when all are."""
    answered = set(attempt.answers.values_list("question__key", flat=True))
    waiting = [key for key in attempt.question_keys if key not in answered]
    if not waiting:
        return None
    live = {question.key: question for question in attempt.quiz.questions.live().filter(key__in=waiting)}
    # A question an import removed mid-attempt is skipped, not asked.
    return next((live[key] for key in waiting if key in live), None)


def counted_keys(attempt: Attempt, *, answered: set[str] | None = None, live: Collection[str] | None = None) -> list[str]:
    """Return the attempt's questions that count toward its score: answered, or still in the quiz (live, when the caller knows)."""
    if answered is None:
        answered = set(attempt.answers.values_list("question__key", flat=True))
    if live is None:
        live = set(attempt.quiz.questions.live().filter(key__in=attempt.question_keys).values_list("key", flat=True))
    return [key for key in attempt.question_keys if key in answered or key in live]


def grade_answer(*, attempt: Attempt, question_key: str, given: Any, answer_key: AnswerKey | None = None) -> GradedAnswer:
    """Grade one answer on the server, store it, and return it with its signed record.

    Graded against the answer key of the attempt's quiz: the caller's, when it has it
    (answer_key()), or else loaded here. Answering a question already answered in
    this attempt returns the stored grading: a retried request never changes a result.
    """
    if answer_key is None:
        answer_key = _answer_key_of(attempt)
        if answer_key is None:
            raise AnswerRefused("This quiz's lesson is no longer on the site.")
    if attempt.quiz_id != answer_key.quiz.pk:
        raise ValueError("That answer key is of another quiz than the attempt's.")
    if attempt.is_finished:
        raise AnswerRefused("This attempt is finished; start a new one to answer again.")
    if question_key not in attempt.question_keys:
        raise AnswerRefused(f"There is no question {question_key!r} in this quiz.")
    question = answer_key.questions.get(question_key)
    if question is None:
        raise AnswerRefused(f"The question {question_key!r} was removed from this quiz.")
    try:
        cleaned = grading.clean_answer(question, given)
    except grading.InvalidAnswer as error:
        raise AnswerRefused(str(error)) from None
    answer = GivenAnswer(attempt=attempt, question=question, given=cleaned, is_correct=grading.is_correct(question, cleaned))
    if attempt.learner_id:
        with transaction.atomic():  # the answer and the learner's result of it, or neither
            inserted = insert_unless_present(answer)
            if inserted:
                insert_unless_present(answer_result(attempt, answer))
    else:
        inserted = insert_unless_present(answer)
    if not inserted:  # answered before (a retry, or two posts at once): the first grading stands
        answer = GivenAnswer.objects.get(attempt=attempt, question=question)
        return GradedAnswer(answer, question, answer_record(attempt, answer), already_answered=True)
    graded = GradedAnswer(answer, question, answer_record(attempt, answer))
    # Counted after the insert committed: of two last answers posted at once, the later sees both.
    if not _has_unanswered_questions(attempt, answer_key.questions):
        graded.attempt_record = finish_attempt(attempt=attempt, live=answer_key.questions.keys())
    return graded


def _answer_key_of(attempt: Attempt) -> AnswerKey | None:
    return answer_key(attempt.quiz.lesson.slug)  # grade_answer's parameter of that name hides the function there


def answer_result(attempt: Attempt, answer: GivenAnswer) -> AnswerResult:
    return AnswerResult(
        learner_id=attempt.learner_id,
        quiz_id=attempt.quiz_id,
        attempt_id=attempt.public_id,
        question_key=answer.question.key,
        is_correct=answer.is_correct,
        answered_at=answer.answered_at,
    )


def _has_unanswered_questions(attempt: Attempt, questions: dict[str, Question]) -> bool:
    answered = set(values_by(GivenAnswer, "attempt", attempt.pk, column="question"))
    return any(questions[key].pk not in answered for key in attempt.question_keys if key in questions)


def finish_attempt(*, attempt: Attempt, live: Collection[str] | None = None) -> str:
    """Score the attempt (unanswered questions count as wrong), save it, and return its signed record.

    live: the keys of the quiz's live questions, when the caller has them (its answer key).
    """
    answers = dict(attempt.answers.values_list("question__key", "is_correct"))
    total = len(counted_keys(attempt, answered=set(answers), live=live))
    correct = sum(answers.values())
    score = round(100 * correct / total) if total else 0
    fields = {"finished_at": timezone.now(), "correct_count": correct, "question_count": total, "score_percent": score}
    fields["is_passed"] = score >= attempt.quiz.pass_percent
    # Compare-and-set: of two requests finishing the same attempt, one scores it. With the
    # learner's result and progress in the same transaction: all of it or none, one commit.
    with transaction.atomic():
        scored = Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(**fields)
        if scored:
            for name, value in fields.items():
                setattr(attempt, name, value)
            if attempt.learner_id:
                _record_attempt_result(learner_id=attempt.learner_id, attempt=attempt, from_browser=False)
                recompute_progress(learner_id=attempt.learner_id, quiz_ids=[attempt.quiz_id])
    if not scored:
        attempt.refresh_from_db()
    return attempt_record(attempt, answers=answers)


def attempt_record(attempt: Attempt, *, answers: dict[str, bool] | None = None) -> str:
    """Return the signed record of a finished attempt."""
    if answers is None:
        answers = {answer.question.key: answer.is_correct for answer in attempt.answers.select_related("question")}
    return sign_attempt(
        lesson=attempt.quiz.lesson.slug,
        attempt=attempt.public_id,
        answers=answers,
        total=attempt.question_count,
        score=attempt.score_percent or 0,
        passed=attempt.is_passed,
        at=attempt.finished_at,
    )


def answer_record(attempt: Attempt, answer: GivenAnswer) -> str:
    """Return the signed record of one graded answer."""
    return sign_answer(
        lesson=attempt.quiz.lesson.slug, attempt=attempt.public_id, question=answer.question.key, correct=answer.is_correct, at=answer.answered_at
    )


def _record_attempt_result(*, learner_id: int, attempt: Attempt, from_browser: bool) -> None:
    result = AttemptResult(
        learner_id=learner_id,
        quiz_id=attempt.quiz_id,
        attempt_id=attempt.public_id,
        score_percent=attempt.score_percent or 0,
        correct_count=attempt.correct_count,
        question_count=attempt.question_count,
        is_passed=attempt.is_passed,
        finished_at=attempt.finished_at,
        from_browser=from_browser,
    )
    insert_unless_present(result)


def recompute_progress(*, learner_id: int, quiz_ids: Iterable[int]) -> None:
    """Derive the learner's standing on these quizzes from their attempt results.

    A pure function of the set of results: best is the highest score, completion the
    first pass, last the latest attempt (ties broken by score, then id, so the order
    records arrived in never matters).
    """
    quiz_ids = set(quiz_ids)
    if not quiz_ids:
        return
    standing: dict[int, dict[str, Any]] = {}
    rows = AttemptResult.objects.filter(learner_id=learner_id, quiz_id__in=quiz_ids).order_by()
    for quiz_id, score, at, passed, attempt_id in rows.values_list("quiz_id", "score_percent", "finished_at", "is_passed", "attempt_id"):
        row = standing.setdefault(quiz_id, {"attempts": 0, "best": score, "completed": None, "latest": (at, score, attempt_id)})
        row["attempts"] += 1
        row["best"] = max(row["best"], score)
        row["latest"] = max(row["latest"], (at, score, attempt_id))
        if passed and (row["completed"] is None or at < row["completed"]):
            row["completed"] = at
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                learner_id=learner_id,
                quiz_id=quiz_id,
                attempts=row["attempts"],
                best_score=row["best"],
                last_score=row["latest"][1],
                last_attempt_at=row["latest"][0],
                completed_at=row["completed"],
            )
            for quiz_id, row in standing.items()
        ],
        update_conflicts=True,
        unique_fields=["learner", "quiz"],
        update_fields=["attempts", "best_score", "last_score", "last_attempt_at", "completed_at"],
    )


@dataclass
class BrowserRecords:
    """What a browser's signed records vouch for, once verified."""

    attempts: dict[uuid.UUID, tuple[AttemptRecord, int]] = field(default_factory=dict)  # by attempt: the record and its quiz id
    answers: dict[tuple[uuid.UUID, str], tuple[AnswerRecord, int]] = field(default_factory=dict)  # by attempt and question
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"index", "reason"} in the order sent


def read_browser_records(records: list[Any]) -> BrowserRecords:
    """Verify a browser's signed records one by one; return the attempts and answers they vouch for, and the rejected.

    A record counts once however often it is sent. An attempt record also vouches for
    each of its answers, so a browser that kept only the attempt loses none of them.
    """
    verified = BrowserRecords()
    parsed: list[tuple[int, AnswerRecord | AttemptRecord]] = []
    for index, signed in enumerate(records):
        try:
            parsed.append((index, read_record(signed)))
        except RecordRejected as error:
            verified.rejected.append({"index": index, "reason": str(error)})
    quizzes = dict(
        Quiz.objects.filter(lesson__slug__in={record.lesson for _, record in parsed}, lesson__is_archived=False).values_list("lesson__slug", "id")
    )
    for index, record in parsed:
        quiz_id = quizzes.get(record.lesson)
        if quiz_id is None:
            verified.rejected.append({"index": index, "reason": f"the lesson {record.lesson!r} has no quiz on this site any more"})
        elif isinstance(record, AttemptRecord):
            verified.attempts[record.attempt] = (record, quiz_id)
        else:
            verified.answers[(record.attempt, record.question)] = (record, quiz_id)
    verified.rejected.sort(key=lambda item: item["index"])
    for record, quiz_id in verified.attempts.values():
        for key, correct in record.answers.items():
            vouched = AnswerRecord(record.id, record.lesson, record.attempt, key, correct, record.at)
            verified.answers.setdefault((record.attempt, key), (vouched, quiz_id))
    return verified


def merge_browser_progress(*, user, records: list[Any]) -> SyncReport:
    """Verify a browser's signed records and merge them into the account; return what happened to each.

    Each record is judged alone: a bad one is rejected with its reason while the others
    merge. Merging only adds facts to a set, so it is idempotent, order-independent,
    never lowers a score and never loses a completion.
    """
    verified = read_browser_records(records)
    report = SyncReport(rejected=verified.rejected)
    new_attempts = [
        AttemptResult(
            learner=user,
            quiz_id=quiz_id,
            attempt_id=record.attempt,
            score_percent=record.score,
            correct_count=record.correct,
            question_count=record.total,
            is_passed=record.passed,
            finished_at=record.at,
            from_browser=True,
        )
        for record, quiz_id in verified.attempts.values()
    ]
    new_answers = [
        AnswerResult(
            learner=user, quiz_id=quiz_id, attempt_id=record.attempt, question_key=record.question, is_correct=record.correct, answered_at=record.at
        )
        for record, quiz_id in verified.answers.values()
    ]
    with transaction.atomic():
        known = set(AttemptResult.objects.filter(learner=user, attempt_id__in=verified.attempts).values_list("attempt_id", flat=True))
        AttemptResult.objects.bulk_create(new_attempts, ignore_conflicts=True, batch_size=500)
        AnswerResult.objects.bulk_create(new_answers, ignore_conflicts=True, batch_size=500)
        recompute_progress(learner_id=user.pk, quiz_ids={quiz_id for _, quiz_id in verified.attempts.values()})
    report.accepted = len(records) - len(report.rejected)
    report.new_attempts = len(verified.attempts) - len(known)
    return report


def claim_browser_attempts(*, user, browser_key: str) -> int:
    """Move a browser's anonymous attempts to the account that signed in on it; return how many moved.

    Finished attempts become the account's results at once; an open attempt goes on
    where it stopped. The browser's records of the same attempts merge to the same rows.
    """
    with transaction.atomic():
        attempts = list(Attempt.objects.select_for_update().filter(learner=None, browser_key=browser_key))
        if not attempts:
            return 0
        Attempt.objects.filter(pk__in=[attempt.pk for attempt in attempts]).update(learner=user, browser_key="")
        AnswerResult.objects.bulk_create(
            [
                AnswerResult(
                    learner=user,
                    quiz_id=attempt.quiz_id,
                    attempt_id=attempt.public_id,
                    question_key=answer.question.key,
                    is_correct=answer.is_correct,
                    answered_at=answer.answered_at,
                )
                for attempt in attempts
                for answer in attempt.answers.select_related("question")
            ],
            ignore_conflicts=True,
        )
        for attempt in attempts:
            if attempt.is_finished:
                _record_attempt_result(learner_id=user.pk, attempt=attempt, from_browser=False)
        recompute_progress(learner_id=user.pk, quiz_ids={attempt.quiz_id for attempt in attempts if attempt.is_finished})
    return len(attempts)
