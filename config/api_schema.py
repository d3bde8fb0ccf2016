"""The schema's side of the API contract: unique component names, and the errors every operation documents."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication

# The error components. Each status has its own component, so a client generated from the
# schema gets a named type per failure, with its description.


class ErrorSerializer(serializers.Serializer):
    """An error: `detail` says what went wrong, in a sentence meant for people."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence meant for people.")


class ValidationErrorSerializer(ErrorSerializer):
    """The request is not valid: `detail` sums it up, and each other key is a field (or `non_field_errors`) with its messages."""


class AuthenticationErrorSerializer(ErrorSerializer):
    """Not authenticated: the token is unknown or revoked, or the operation needs an account and none was given."""


class PermissionDeniedErrorSerializer(ErrorSerializer):
    """Refused: a signed-in browser session sent a write without its CSRF token."""


class NotFoundErrorSerializer(ErrorSerializer):
    """Not found, or not yours: what belongs to another account or another browser session answers the same."""


class NotAcceptableErrorSerializer(ErrorSerializer):
    """The Accept header asks for a format this operation does not answer in; it answers JSON."""


class ConflictErrorSerializer(ErrorSerializer):
    """Refused for now: the request conflicts with the current state (e.g. something is still in progress)."""


class RequestTooLargeErrorSerializer(ErrorSerializer):
    """The request body is larger than this site accepts."""


class UnsupportedMediaTypeErrorSerializer(ErrorSerializer):
    """The request body's Content-Type is not one this operation reads."""


class ThrottledErrorSerializer(ErrorSerializer):
    """Too many requests: wait a minute (or the seconds in the Retry-After header) and try again."""


class ServiceUnavailableErrorSerializer(ErrorSerializer):
    """Not available on this site right now, e.g. there is no sandbox to run code in."""


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = {"type": "array", "items": {"type": "string"}, "description": "The messages about this field."}
        return schema


# The error component of each status. ApiSchema adds the statuses any operation of a kind can
# answer; a view declares those only it answers, e.g.
# @extend_schema(responses={201: ..., 409: OpenApiResponse(ConflictErrorSerializer, description="...")}).
ERROR_RESPONSES = {
    400: ValidationErrorSerializer,
    401: AuthenticationErrorSerializer,
    403: PermissionDeniedErrorSerializer,
    404: NotFoundErrorSerializer,
    406: NotAcceptableErrorSerializer,
    409: ConflictErrorSerializer,
    413: RequestTooLargeErrorSerializer,
    415: UnsupportedMediaTypeErrorSerializer,
    429: ThrottledErrorSerializer,
    503: ServiceUnavailableErrorSerializer,
}


def component_name(serializer_class: type) -> str:
    """Name a serializer's component after where it is defined: `TrackListApi.OutputSerializer` is `TrackListOutput`.

    Views nest their own `InputSerializer` and `OutputSerializer`; named after the class alone, all
    of them would collide as `Input` and `Output`.
    """
    qualname = serializer_class.__qualname__.rsplit("<locals>.", 1)[-1]
    return "".join(part.removesuffix("Serializer").removesuffix("Api") for part in qualname.split("."))


class ApiSchema(AutoSchema):
    """Name components uniquely and document the errors every operation can answer."""

    def get_serializer_name(self, serializer: serializers.Serializer, direction: str) -> str:
        return component_name(type(serializer))

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        # The one place that sees every operation's responses, @extend_schema overrides included
        # (they replace get_response_serializers); drf-spectacular is pinned, and a test reads the result.
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if str(code) not in responses:
                error = ERROR_RESPONSES[code]
                described = OpenApiResponse(response=error, description=error.__doc__)
                responses[str(code)] = self._get_response_for_code(described, str(code), direction=direction)
        return responses

    def error_codes(self) -> list[int]:
        """Return the error statuses that this operation can answer whatever its view does."""
        codes = []
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_query = any(parameter["in"] == "query" for parameter in self._get_parameters())
        if has_body or has_query:
            codes.append(400)
        authenticators = self.view.get_authenticators()
        if any(authenticator.authenticate_header(self.view.request) for authenticator in authenticators):
            codes.append(401)  # a token that is unknown or revoked, whatever the operation
        if self.method in ("POST", "PUT", "PATCH", "DELETE") and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        ):
            codes.append(403)  # a signed-in browser session that writes without its CSRF token
        if "{" in self.path or self._get_paginator() is not None:
            codes.append(404)  # an unknown id or slug, or a page past the end
        codes.append(406)  # an Accept header that JSON does not satisfy
        if has_body:
            codes += [413, 415]
        if self.view.get_throttles():
            codes.append(429)
        return codes
