"""The OpenAPI schema: unique and meaningful component names, every error documented, the ownership rule stated."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from config.api_schema import component_name


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_generates_valid_and_without_a_single_warning(tmp_path):
    # Two serializers that would share a component name are a warning, and so a failure here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "PaginatedLessonSummaryList" in yaml.safe_load((tmp_path / "schema.yaml").read_text())["components"]["schemas"]


def test_nested_serializers_are_named_after_the_view_that_holds_them():
    class TrackListApi(APIView):
        class OutputSerializer(serializers.Serializer):
            slug = serializers.SlugField()

    class RunSerializer(serializers.Serializer):
        class CheckSerializer(serializers.Serializer):
            title = serializers.CharField()

    assert component_name(TrackListApi.OutputSerializer) == "TrackListOutput"
    assert component_name(RunSerializer.CheckSerializer) == "RunCheck"
    assert component_name(RunSerializer) == "Run"


def test_two_views_with_nested_output_serializers_get_two_components():
    class AlphaApi(APIView):
        class OutputSerializer(serializers.Serializer):
            alpha = serializers.IntegerField()

        @extend_schema(responses=OutputSerializer)
        def get(self, request):
            """Return alpha."""

    class BetaApi(APIView):
        class OutputSerializer(serializers.Serializer):
            beta = serializers.CharField()

        @extend_schema(responses=OutputSerializer)
        def get(self, request):
            """Return beta."""

    patterns = [path("api/alpha/", AlphaApi.as_view()), path("api/beta/", BetaApi.as_view())]

    components = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)["components"]["schemas"]

    assert components["AlphaOutput"]["properties"].keys() == {"alpha"}
    assert components["BetaOutput"]["properties"].keys() == {"beta"}


def test_two_serializers_that_would_share_a_component_name_are_caught():
    def item_view(field: serializers.Field) -> type[APIView]:
        class ItemApi(APIView):
            class OutputSerializer(serializers.Serializer):
                value = field

            @extend_schema(responses=OutputSerializer)
            def get(self, request):
                """Return an item."""

        return ItemApi

    patterns = [path("api/a/", item_view(serializers.IntegerField()).as_view()), path("api/b/", item_view(serializers.CharField()).as_view())]
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    # What `spectacular --fail-on-warn` (the first test here) turns into a failure.
    assert any('identical names "ItemOutput"' in warning for warning in GENERATOR_STATS._warn_cache)
    GENERATOR_STATS.reset()


def response_ref(schema: dict, route: str, method: str, status: str) -> str:
    """Return the component a response refers to; `[Name]` for an array of them."""
    body = schema["paths"][route][method]["responses"][status]["content"]["application/json"]["schema"]
    if body.get("type") == "array":
        return f"[{body['items']['$ref'].rsplit('/', 1)[-1]}]"
    return body["$ref"].rsplit("/", 1)[-1]


def test_each_operation_documents_its_own_response_body(schema):
    assert response_ref(schema, "/api/tracks/", "get", "200") == "[TrackListOutput]"
    assert response_ref(schema, "/api/uploads/", "get", "200") == "[Upload]"
    assert response_ref(schema, "/api/lessons/", "get", "200") == "PaginatedLessonSummaryList"
    assert response_ref(schema, "/api/lessons/{slug}/", "get", "200") == "LessonDetailOutput"
    assert response_ref(schema, "/api/runs/", "post", "201") == "RunCreateOutput"
    assert response_ref(schema, "/api/runs/{run_id}/", "get", "200") == "Run"
    assert response_ref(schema, "/api/auth/token/", "post", "200") == "TokenOutput"
    assert response_ref(schema, "/api/lessons/{slug}/tutor/", "post", "200") == "TutorOutput"
    page = schema["components"]["schemas"]["PaginatedLessonSummaryList"]
    assert {"count", "next", "previous", "results"} <= page["properties"].keys()


def test_every_error_an_operation_can_answer_is_documented_with_its_body(schema):
    expected = {
        ("/api/tracks/", "get"): {"401"},
        ("/api/lessons/", "get"): {"400", "401", "404"},
        ("/api/lessons/{slug}/", "get"): {"401", "404"},
        ("/api/lessons/{slug}/tutor/", "post"): {"400", "401", "403", "404", "413", "415", "429"},
        ("/api/runs/", "post"): {"400", "401", "403", "409", "413", "415", "429", "503"},
        ("/api/runs/{run_id}/", "get"): {"401", "404"},
        ("/api/uploads/", "get"): {"401"},
        ("/api/uploads/", "post"): {"400", "401", "403", "413", "415"},
        ("/api/uploads/{upload_id}/", "delete"): {"401", "403", "404"},
        ("/api/auth/token/", "post"): {"400", "401", "403", "413", "415", "429"},
        ("/api/auth/token/", "delete"): {"401", "403", "429"},
        ("/api/quizzes/{slug}/", "get"): {"401", "404"},
        ("/api/quizzes/{slug}/attempts/", "post"): {"400", "401", "403", "404", "413", "415"},
        ("/api/quizzes/{slug}/answers/", "post"): {"400", "401", "403", "404", "413", "415", "429"},
        ("/api/progress/", "get"): {"401"},
        ("/api/progress/sync/", "post"): {"400", "401", "403", "413", "415", "429"},
    }
    documented = {(route, method) for route, operations in schema["paths"].items() for method in operations}
    assert documented == set(expected)

    for (route, method), errors in expected.items():
        codes = {code for code in schema["paths"][route][method]["responses"] if code >= "400"}
        assert codes == errors | {"406"}, (route, method)
        for code in codes:
            assert response_ref(schema, route, method, code).endswith("Error"), (route, method, code)


def test_error_components_have_a_detail_and_a_400_names_its_fields(schema):
    components = schema["components"]["schemas"]

    for name in ("NotFoundError", "AuthenticationError", "ThrottledError", "RequestTooLargeError", "ServiceUnavailableError"):
        assert components[name]["required"] == ["detail"]
    assert components["ValidationError"]["additionalProperties"]["type"] == "array"


def test_schema_states_how_to_authenticate_and_who_owns_an_anonymous_run(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert schema["components"]["securitySchemes"]["cookieAuth"]["name"] == "sessionid"
    create = schema["paths"]["/api/runs/"]["post"]
    assert "sessionid" in create["description"]
    assert "gets 404" in create["description"]
    assert "Set-Cookie" in create["responses"]["201"]["headers"]
    assert "sessionid" in schema["paths"]["/api/runs/{run_id}/"]["get"]["description"]
    assert "security" not in schema
    assert "security" not in schema["paths"]["/api/auth/token/"]["post"]  # no credentials needed to get one


def test_schema_endpoint_serves_the_same_schema(client):
    served = yaml.safe_load(client.get("/api/schema/").content)

    assert response_ref(served, "/api/tracks/", "get", "200") == "[TrackListOutput]"
