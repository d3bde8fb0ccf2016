"""The quiz and progress API: questions without answers, grading one answer, attempts, and syncing browser progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.browser import browser_key
from common.db import get_by
from common.ratelimit import SharedRateThrottle
from lessons.models import LESSON_TEXT_FIELDS
from quizzes.models import Attempt, LessonProgress, Quiz
from quizzes.services import (
    MAX_SYNC_RECORDS,
    AnswerKey,
    AnswerRefused,
    answer_key,
    attempt_record,
    choices_for,
    finish_attempt,
    grade_answer,
    merge_browser_progress,
    sections_by_heading,
    start_attempt,
)

OWNERSHIP = (
    "An attempt started without signing in belongs to this browser: the `sessionid` cookie set in the response. "
    "Only a client that sends that cookie back (or the signed-in account it moved to) can answer or finish it."
)


def _quiz(slug: str) -> Quiz:
    quiz = Quiz.objects.select_related("lesson").defer(*(f"lesson__{name}" for name in LESSON_TEXT_FIELDS))
    quiz = quiz.filter(lesson__slug=slug, lesson__is_archived=False).first()
    if quiz is None:
        raise NotFound(f"No lesson {slug!r} has a quiz.")
    return quiz


def _answer_key(slug: str) -> AnswerKey:
    key = answer_key(slug)
    if key is None:
        raise NotFound(f"No lesson {slug!r} has a quiz.")
    return key


def _attempt(request: Request, quiz: Quiz, attempt_id: uuid.UUID) -> Attempt:
    """Return the caller's attempt at this quiz, its quiz set to the one given (no query for it)."""
    attempt = get_by(Attempt, "public_id", attempt_id)
    if attempt is None or attempt.quiz_id != quiz.pk or not attempt.belongs_to(user=request.user, browser_key=browser_key(request)):
        raise NotFound(f"No attempt {attempt_id} at this quiz belongs to you. {OWNERSHIP}")
    attempt.quiz = quiz
    return attempt


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField(source="key")
    type = serializers.CharField(source="kind")
    prompt = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), help_text="Empty for true_false, number and text questions.")


class SectionLinkSerializer(serializers.Serializer):
    title = serializers.CharField(source="heading")
    anchor = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class AttemptQuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    prompt = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), help_text="In this attempt's order.")
    answered = serializers.BooleanField()


class MissedSerializer(serializers.Serializer):
    question = serializers.CharField()
    section = SectionLinkSerializer(allow_null=True)


class RejectedSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The record's place in the request, from 0.")
    reason = serializers.CharField()


class QuizDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        lesson = serializers.CharField(source="lesson.slug")
        title = serializers.CharField(source="lesson.title")
        pass_percent = serializers.IntegerField()
        question_count = serializers.IntegerField()
        questions = QuestionSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, summary="A lesson's quiz: its questions, never their answers")
    def get(self, request: Request, slug: str) -> Response:
        quiz = _quiz(slug)
        quiz.questions_list = list(quiz.questions.live().order_by("position"))
        data = {
            "lesson": quiz.lesson,
            "pass_percent": quiz.pass_percent,
            "question_count": len(quiz.questions_list),
            "questions": quiz.questions_list,
        }
        return Response(self.OutputSerializer(data).data)


class AttemptApi(APIView):
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=["start", "finish"], help_text="start resumes your open attempt if you have one.")
        attempt = serializers.UUIDField(required=False, help_text="The attempt to finish (finish only).")

    class OutputSerializer(serializers.Serializer):
        attempt = serializers.UUIDField()
        created = serializers.BooleanField(help_text="False when start resumed an open attempt.")
        finished = serializers.BooleanField()
        questions = AttemptQuestionSerializer(many=True, help_text="The attempt's questions, in order.")
        score = serializers.IntegerField(allow_null=True, help_text="Percent, once finished.")
        correct = serializers.IntegerField(allow_null=True)
        total = serializers.IntegerField()
        passed = serializers.BooleanField(allow_null=True)
        missed = MissedSerializer(many=True, help_text="Once finished: questions not right, with the section to review.")
        record = serializers.CharField(allow_null=True, help_text="Once finished: the signed record of the attempt, for the browser to keep.")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, 201: OutputSerializer},
        summary="Start (or resume) or finish an attempt",
        description=OWNERSHIP,
    )
    def post(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        quiz = _quiz(slug)
        if given.validated_data["action"] == "start":
            attempt, created = start_attempt(quiz=quiz, user=request.user, browser_key=browser_key(request, create=True))
            return Response(self._output(attempt, created=created), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        if "attempt" not in given.validated_data:
            raise ValidationError({"attempt": ["Name the attempt to finish."]})
        attempt = _attempt(request, quiz, given.validated_data["attempt"])
        record = finish_attempt(attempt=attempt) if not attempt.is_finished else attempt_record(attempt)
        return Response(self._output(attempt, created=False, record=record))

    def _output(self, attempt: Attempt, *, created: bool, record: str | None = None) -> dict:
        answered = set(attempt.answers.values_list("question__key", flat=True))
        questions = {question.key: question for question in attempt.quiz.questions.live().filter(key__in=attempt.question_keys)}
        items = [
            {
                "id": key,
                "type": questions[key].kind,
                "prompt": questions[key].prompt,
                "choices": choices_for(attempt, questions[key]),
                "answered": key in answered,
            }
            for key in attempt.question_keys
            if key in questions
        ]
        missed = []
        if attempt.is_finished:
            sections = sections_by_heading(attempt.quiz.lesson)
            right = set(attempt.answers.filter(is_correct=True).values_list("question__key", flat=True))
            missed = [
                {
                    "question": key,
                    "section": SectionLinkSerializer(sections[questions[key].section_heading]).data
                    if questions[key].section_heading in sections
                    else None,
                }
                for key in questions
                if key not in right
            ]
        return {
            "attempt": attempt.public_id,
            "created": created,
            "finished": attempt.is_finished,
            "questions": items,
            "score": attempt.score_percent,
            "correct": attempt.correct_count if attempt.is_finished else None,
            "total": attempt.question_count,
            "passed": attempt.is_passed if attempt.is_finished else None,
            "missed": missed,
            "record": record,
        }


class AnswerApi(APIView):
    throttle_classes = [SharedRateThrottle]
    rate_scope = "quiz-answers"

    class InputSerializer(serializers.Serializer):
        attempt = serializers.UUIDField()
        question = serializers.CharField(max_length=100, help_text="The question's id.")
        answer = serializers.JSONField(
            help_text="single: the choice's text; multiple: a list of choice texts; true_false: true or false; number: a number; text: a string."
        )

    class OutputSerializer(serializers.Serializer):
        question = serializers.CharField()
        correct = serializers.BooleanField()
        already_answered = serializers.BooleanField(help_text="The question was answered before in this attempt: its first grading stands.")
        explanation = serializers.CharField(allow_blank=True)
        section = SectionLinkSerializer(allow_null=True)
        record = serializers.CharField(help_text="The signed record of this graded answer, for the browser to keep.")
        attempt_finished = serializers.BooleanField()
        attempt_record = serializers.CharField(allow_null=True, help_text="Set when this answer finished the attempt.")

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, summary="Grade one answer", description=OWNERSHIP)
    def post(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        key = _answer_key(slug)
        attempt = _attempt(request, key.quiz, given.validated_data["attempt"])
        try:
            graded = grade_answer(
                attempt=attempt, question_key=given.validated_data["question"], given=given.validated_data["answer"], answer_key=key
            )
        except AnswerRefused as refused:
            raise ValidationError({"answer": [str(refused)]}) from None
        # The OutputSerializer's shape, built directly: on the busiest path of the API, the
        # serializer took longer than grading (the schema tests hold the two together).
        data = {
            "question": graded.question.key,
            "correct": graded.answer.is_correct,
            "already_answered": graded.already_answered,
            "explanation": graded.question.explanation,
            "section": key.section_links.get(graded.question.section_heading),
            "record": graded.record,
            "attempt_finished": graded.attempt_record is not None or attempt.is_finished,
            "attempt_record": graded.attempt_record,
        }
        return Response(data)


class ProgressItemSerializer(serializers.Serializer):
    lesson = serializers.CharField(source="quiz.lesson.slug")
    best_score = serializers.IntegerField()
    last_score = serializers.IntegerField()
    attempts = serializers.IntegerField()
    completed = serializers.BooleanField(source="is_completed")
    completed_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)


def progress_data(user) -> dict:
    items = LessonProgress.objects.for_learner(user).select_related("quiz__lesson").order_by("quiz__lesson__catalog_position")
    return {"lessons": ProgressItemSerializer(items, many=True).data}


class ProgressApi(APIView):
    class OutputSerializer(serializers.Serializer):
        lessons = ProgressItemSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, summary="Your progress: best and last score, attempts and completion per lesson")
    def get(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated("Sign in to keep progress on the server; without an account it stays in your browser as signed records.")
        return Response(progress_data(request.user))


class ProgressSyncApi(APIView):
    throttle_classes = [SharedRateThrottle]
    rate_scope = "progress-sync"

    class InputSerializer(serializers.Serializer):
        records = serializers.ListField(child=serializers.JSONField(), help_text=f"Signed records, at most {MAX_SYNC_RECORDS} per request.")

    class OutputSerializer(serializers.Serializer):
        accepted = serializers.IntegerField(help_text="Valid records: newly merged or merged before (a record counts once).")
        new_attempts = serializers.IntegerField()
        rejected = RejectedSerializer(many=True)
        progress = ProgressApi.OutputSerializer()

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Merge this browser's signed progress records into your account",
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated("Sign in first: records merge into an account.")
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.PROGRESS_SYNC_MAX_BYTES:
            return Response(
                {"detail": f"A sync takes at most {settings.PROGRESS_SYNC_MAX_BYTES // 1024} KB; send the records in smaller batches."}, status=413
            )
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        records = given.validated_data["records"]
        if len(records) > MAX_SYNC_RECORDS:
            return Response({"detail": f"A sync takes at most {MAX_SYNC_RECORDS} records; send them in smaller batches."}, status=413)
        report = merge_browser_progress(user=request.user, records=records)
        data = {
            "accepted": report.accepted,
            "new_attempts": report.new_attempts,
            "rejected": report.rejected,
            "progress": progress_data(request.user),
        }
        return Response(data)
