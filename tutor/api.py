"""The tutor API: ask a question about one lesson, get an answer grounded in it (or a plain refusal)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.browser import browser_key
from common.ratelimit import SharedRateThrottle
from lessons.models import LESSON_TEXT_FIELDS, Lesson
from tutor.replies import Reason
from tutor.services import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, TutorInputError, ask, clean_question

QUESTION_ERRORS = {
    "required": 'Send the question to ask: {{"question": "..."}}.',  # braces doubled: DRF formats its messages
    "blank": "Type a question about this lesson.",
    "max_length": f"Keep your question under {MAX_QUESTION_CHARS:,} characters.",
}
REASONS = [
    (Reason.ANSWERED, "answered from the lesson"),
    (Reason.NOT_COVERED, "the lesson does not answer it"),
    (Reason.STEERING, "the question tried to change the tutor's rules"),
    (Reason.QUIZ_POINTER, "a question of your unfinished quiz: the section to read, not the answer"),
    (Reason.QUIZ_REVIEW, "a quiz question you missed: its explanation and the section behind it"),
    (Reason.SMALL_TALK, "a greeting, thanks or a request too vague to answer: an invitation to ask"),
]


class TutorTurnSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_QUESTION_CHARS, help_text="A question asked earlier on this lesson.")
    answer = serializers.CharField(required=False, allow_blank=True, help_text="The tutor's answer to it.")


class CitationSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="The section's title.")
    anchor = serializers.CharField(help_text="Its anchor on the lesson page: /lessons/<slug>/#<anchor>.")
    quote = serializers.CharField(allow_blank=True, help_text="The lesson's own words the answer rests on; empty for a quiz pointer.")


class SeeAlsoSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.CharField()


class TutorApi(APIView):
    throttle_classes = [SharedRateThrottle]
    rate_scope = "tutor"

    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=MAX_QUESTION_CHARS, error_messages=QUESTION_ERRORS)
        history = TutorTurnSerializer(
            many=True,
            required=False,
            help_text=f"Earlier turns on this lesson, oldest first, for follow-ups (the last {MAX_HISTORY_TURNS} are read).",
        )

        def validate_question(self, value: str) -> str:
            try:
                return clean_question(value)
            except TutorInputError as error:
                raise ValidationError(str(error)) from None

    class OutputSerializer(serializers.Serializer):
        answer = serializers.CharField(help_text="A few sentences for the learner: the answer, or why there is none.")
        covered = serializers.BooleanField(help_text="Whether the lesson covers the question.")
        reason = serializers.ChoiceField(choices=REASONS)
        engine = serializers.CharField(
            help_text=(
                "What wrote the answer: offline, the configured model, quiz for quiz pointers and reviews, "
                "or lesson for the overview, the key terms and small talk."
            )
        )
        citations = CitationSerializer(many=True, help_text="The sections the answer used, in lesson order.")
        see_also = SeeAlsoSerializer(many=True, help_text="When not covered: other lessons that cover it.")
        latency_ms = serializers.IntegerField(help_text="How long the answer took, in milliseconds.")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Ask the tutor a question about one lesson",
        description=(
            "The tutor answers only from the lesson's text and names the sections it used; when the lesson does not cover "
            "the question it says so and does not guess. Questions are logged with the lesson for its authors."
        ),
    )
    def post(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        lesson = Lesson.objects.published().defer(*LESSON_TEXT_FIELDS).filter(slug=slug).first()
        if lesson is None:
            raise NotFound(f"There is no lesson {slug!r}.")
        reply = ask(
            lesson,
            given.validated_data["question"],
            given.validated_data.get("history", []),
            user=request.user,
            browser_key=browser_key(request),
        )
        return Response(self.OutputSerializer(reply.to_json()).data)
