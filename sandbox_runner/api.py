"""The runs API: start a run, then read its result."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.ratelimit import identity
from config.api import MultiPartParser
from config.api_schema import ConflictErrorSerializer, ServiceUnavailableErrorSerializer, ThrottledErrorSerializer
from sandbox_runner.models import Exercise, Run, RunArtifact, Upload
from sandbox_runner.ownership import session_key_for
from sandbox_runner.services import MAX_CODE_CHARACTERS, RunInFlight, RunRefused, start_run
from sandbox_runner.uploads import UploadRefused, delete_upload, store_upload


class RunSerializer(serializers.Serializer):
    class CheckSerializer(serializers.Serializer):
        title = serializers.CharField()
        passed = serializers.BooleanField()
        message = serializers.CharField(allow_blank=True)

    class ArtifactSerializer(serializers.Serializer):
        name = serializers.CharField()
        size = serializers.IntegerField(help_text="In bytes.")
        url = serializers.SerializerMethodField(help_text="Where the owner downloads it; null when it was not kept.")
        not_kept = serializers.SerializerMethodField(help_text='Why the bytes were not kept (e.g. "too large"); null when kept.')

        def get_url(self, artifact: RunArtifact) -> str | None:
            return artifact.get_absolute_url() if artifact.is_kept else None

        def get_not_kept(self, artifact: RunArtifact) -> str | None:
            return None if artifact.is_kept else artifact.not_kept or "not kept"

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Run.Status.choices)
    exercise = serializers.SlugField(source="exercise.lesson.slug", allow_null=True, default=None)
    stdout = serializers.CharField()
    stderr = serializers.CharField()
    error = serializers.CharField(source="error_message")
    traceback = serializers.CharField()
    display = serializers.JSONField(
        allow_null=True, help_text="The last expression's value: {kind: table, columns, index, rows, shape} or {kind: text, text}."
    )
    figures = ArtifactSerializer(many=True, help_text="PNG images of the figures the code drew.")
    files = ArtifactSerializer(many=True, help_text="Files the code wrote in its work folder.")
    checks = CheckSerializer(many=True)
    duration_s = serializers.FloatField(allow_null=True)
    limits = serializers.JSONField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")


# Said on every operation that creates or reads what an anonymous client owns.
OWNERSHIP = (
    "Without authentication, what this creates belongs to the browser session whose cookie (`sessionid`) the response sets: "
    "only a client that sends that cookie back can read it, and any other client gets 404. "
    "With a token or a signed-in session, it belongs to the account."
)
SESSION_COOKIE = OpenApiParameter(
    "Set-Cookie",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    required=False,
    description="`sessionid=...`, for an anonymous client that had no session yet: send it back to read what it created.",
)


def run_data(run: Run) -> dict:
    artifacts = list(run.artifacts.all())
    run.figures = [artifact for artifact in artifacts if artifact.kind == "figure"]
    run.files = [artifact for artifact in artifacts if artifact.kind == "file"]
    return RunSerializer(run).data


class RunInFlightErrorSerializer(ConflictErrorSerializer):
    """Refused: this owner's previous run is still queued or running; one runs at a time."""

    class RunInFlightSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        api_url = serializers.CharField()

    run_in_flight = RunInFlightSerializer(allow_null=True, help_text="The run still going, to read until it finishes.")


class RunCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=MAX_CODE_CHARACTERS, trim_whitespace=False)
        exercise = serializers.SlugField(required=False, help_text="The slug of the lesson whose exercise this code answers.")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        url = serializers.CharField(source="get_absolute_url")
        api_url = serializers.SerializerMethodField()

        def get_api_url(self, run: Run) -> str:
            return f"/api/runs/{run.pk}/"

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            409: OpenApiResponse(RunInFlightErrorSerializer, description="Your previous run is still going: one runs at a time."),
            429: OpenApiResponse(ThrottledErrorSerializer, description="Too many runs in the last minute from this account or address."),
            503: OpenApiResponse(ServiceUnavailableErrorSerializer, description="Code cannot run on this site (no sandbox)."),
        },
        parameters=[SESSION_COOKIE],
        summary="Run code in the sandbox (asynchronously)",
        description=f"The run is queued; read `api_url` until its status is no longer queued or running. {OWNERSHIP}",
    )
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        exercise = None
        if slug := given.validated_data.get("exercise"):
            exercise = Exercise.objects.live().filter(lesson__slug=slug, lesson__is_archived=False).first()
            if exercise is None:
                raise ValidationError({"exercise": [f"No lesson {slug!r} has an exercise."]})
        try:
            run = start_run(
                code=given.validated_data["code"],
                user=request.user,
                session_key=session_key_for(request),
                rate_key=identity(request),
                exercise=exercise,
            )
        except RunInFlight as refused:
            going = {"id": refused.run.pk, "api_url": f"/api/runs/{refused.run.pk}/"} if refused.run else None
            return Response({"detail": refused.message, "run_in_flight": going}, status=refused.status_code)
        except RunRefused as refused:
            return Response({"detail": refused.message}, status=refused.status_code)
        return Response(self.OutputSerializer(run).data, status=201)


class RunDetailApi(APIView):
    @extend_schema(
        responses=RunSerializer,
        summary="A run's status and, once finished, its output, figures, files and checks",
        description=(
            "Readable by its owner only: the account that created it, or, for a run created without authentication, "
            "a client that sends back the `sessionid` cookie set when it was created. Anyone else gets 404, as for a run that does not exist."
        ),
    )
    def get(self, request: Request, run_id: int) -> Response:
        runs = Run.objects.for_owner_of(request).select_related("exercise__lesson")
        return Response(run_data(get_object_or_404(runs, pk=run_id)))


class UploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    path = serializers.CharField(source="sandbox_path", help_text="Where runs read it, e.g. data/uploads/sales.csv")
    size = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class UploadListApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        responses=UploadSerializer(many=True),
        summary="Your uploaded data files",
        description="The account's uploads, or those of this browser session (its `sessionid` cookie); empty for a client with neither.",
    )
    def get(self, request: Request) -> Response:
        uploads = Upload.objects.for_owner_of(request)
        return Response(UploadSerializer(uploads, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: UploadSerializer},
        parameters=[SESSION_COOKIE],
        summary="Upload a CSV or Excel file for your runs to read",
        description=f"Runs by the same owner read it at `path` until it expires. {OWNERSHIP}",
    )
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            upload = store_upload(file=given.validated_data["file"], user=request.user, session_key=session_key_for(request))
        except UploadRefused as refused:
            raise ValidationError({"file": [str(refused)]}) from None
        return Response(UploadSerializer(upload).data, status=201)


class UploadDetailApi(APIView):
    @extend_schema(responses={204: None}, summary="Delete one of your uploaded files", description="Only its owner can; anyone else gets 404.")
    def delete(self, request: Request, upload_id: int) -> Response:
        delete_upload(upload=get_object_or_404(Upload.objects.for_owner_of(request), pk=upload_id))
        return Response(status=204)
