"""The read-only catalog API: tracks, lessons and one lesson with its map."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lessons.models import Lesson, Track
from lessons.services import search_lessons


class CatalogPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """Return the page size asked for; refuse one that is not a whole number from 1 to 200 (rather than quietly using 50)."""
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]})
        return int(given)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "The page to return, from 1; a page past the end answers 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Results per page, up to {self.max_page_size}; {self.page_size} by default.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class TrackListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        summary = serializers.CharField()
        order = serializers.IntegerField()
        lesson_count = serializers.IntegerField()
        url = serializers.CharField(source="get_absolute_url")

    @extend_schema(responses=OutputSerializer(many=True), summary="List the tracks in catalog order")
    def get(self, request: Request) -> Response:
        tracks = (
            Track.objects.published()
            .in_catalog_order()
            .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.published(), to_attr="published_lessons"))
        )
        for track in tracks:
            track.lesson_count = len(track.published_lessons)
        return Response(self.OutputSerializer(tracks, many=True).data)


class LessonSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    minutes = serializers.IntegerField()
    track = serializers.SlugField(source="track.slug")
    track_title = serializers.CharField(source="track.title")
    position = serializers.IntegerField(source="catalog_position")
    url = serializers.CharField(source="get_absolute_url")


class LessonListApi(APIView):
    pagination_class = CatalogPagination  # for the schema: the answer is a page, not a bare list

    class FilterSerializer(serializers.Serializer):
        # Blank is allowed and means "no filter", as a plain HTML form with an empty field sends it.
        track = serializers.RegexField(
            r"^[-a-zA-Z0-9_]*$", required=False, allow_blank=True, help_text="Only lessons of this track (its slug); an unknown track answers 400."
        )
        search = serializers.CharField(
            required=False, allow_blank=True, max_length=200, help_text="Words that must all appear in the title, summary, key terms or text."
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses=LessonSummarySerializer(many=True),
        summary="List lessons in catalog order",
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        track = filters.validated_data.get("track")
        search = filters.validated_data.get("search", "").strip()
        lessons = search_lessons(search, limit=None) if search else Lesson.objects.published().in_catalog_order().select_related("track")
        if track:
            if not Track.objects.published().filter(slug=track).exists():
                raise ValidationError({"track": [f"There is no track {track!r}; /api/tracks/ lists them."]})
            lessons = lessons.filter(track__slug=track)
        paginator = CatalogPagination()
        page = paginator.paginate_queryset(lessons, request, view=self)
        return paginator.get_paginated_response(LessonSummarySerializer(page, many=True).data)


class LessonDetailApi(APIView):
    class OutputSerializer(LessonSummarySerializer):
        class SectionSerializer(serializers.Serializer):
            position = serializers.IntegerField()
            heading = serializers.CharField()
            anchor = serializers.CharField()
            url = serializers.CharField(source="get_absolute_url")

        class KeyTermSerializer(serializers.Serializer):
            term = serializers.CharField()
            definition = serializers.CharField()
            anchor = serializers.CharField()

        of = serializers.IntegerField(help_text="How many lessons the catalog has: position of of.")
        big_idea = serializers.CharField()
        sections = SectionSerializer(many=True)
        key_terms = KeyTermSerializer(many=True)
        related = LessonSummarySerializer(many=True)
        previous = LessonSummarySerializer(allow_null=True)
        next = LessonSummarySerializer(allow_null=True)

    @extend_schema(responses=OutputSerializer, summary="One lesson: its position, learning path, key terms and related lessons")
    def get(self, request: Request, slug: str) -> Response:
        lesson = get_object_or_404(Lesson.objects.published().select_related("track").prefetch_related("sections", "key_terms"), slug=slug)
        lesson.of = Lesson.objects.published().count()
        lesson.related = lesson.related_lessons()
        neighbours = lesson.neighbours()
        lesson.previous, lesson.next = neighbours["previous"], neighbours["next"]
        return Response(self.OutputSerializer(lesson, context={"request": request}).data)
