"""API tokens: a client without a browser signs in once and then sends `Authorization: Token <key>`."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.ratelimit import SharedRateThrottle


class TokenApi(APIView):
    throttle_classes = [SharedRateThrottle]
    rate_scope = "api-token"  # guessing passwords costs a minute per few tries

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(
            max_length=254, help_text="The name the account signs in with (its username; an email address where the site signs in by email)."
        )
        password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(source="key", help_text="Send it on every request as `Authorization: Token <token>`.")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        auth=[],
        summary="Get the account's API token",
        description=(
            "Trade an account's sign-in name and password for its API token. The account has one token, "
            "shared by all its clients, until it is revoked. Wrong credentials answer 400. Rate limited per client address."
        ),
    )
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        # Backends map `username` to the user model's USERNAME_FIELD, whatever it is.
        user = authenticate(request, username=given.validated_data["username"], password=given.validated_data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": ["No active account has that name and password."]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer(token).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the account's API token",
        description="Every client that uses the token loses access; `POST` makes a new one. Needs the account (its token, or a signed-in browser session).",
    )
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated("Send the token to revoke (Authorization: Token <token>), or sign in.")
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
