"""What every API endpoint shares: one JSON error body, and request bodies bounded like Django's own.

The schema's side of the same contract (component names, documented errors) is in config/api_schema.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        super().__init__(f"The request body is larger than this site accepts ({megabytes:.1f} MB).")


# Errors: one body for all of them.


def field_errors(errors: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """Yield (field, messages) pairs, naming nested fields with dots ("rows.2.name") so every value is a list of strings."""
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from field_errors(value, prefix=f"{name}.")
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if item:
                    yield from field_errors(item, prefix=f"{name}.{index}.")
        elif isinstance(value, list):
            yield name, [str(item) for item in value]
        else:
            yield name, [str(value)]


def validation_error_body(errors: Any) -> dict[str, Any]:
    """Return a 400 body: a readable `detail` and, beside it, each field with its messages."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
    fields = dict(field_errors(errors))
    summary = "; ".join(messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}" for name, messages in fields.items() if messages)
    return {"detail": summary or "The request is not valid.", **fields}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every API error with a JSON body that has a `detail` sentence (and field messages for a 400)."""
    if isinstance(exc, RequestDataTooBig):
        # Django's own limit, hit while DRF parses a form: a 413, not the HTML 400 Django would send.
        exc = RequestTooLarge()
    # Imported here: DRF's views module reads the parser settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(response.data)
    return response


# Request bodies: Django's DATA_UPLOAD_MAX_MEMORY_SIZE also bounds what DRF's parsers read.


def refuse_large_body(parser_context: dict[str, Any] | None) -> None:
    """Raise RequestTooLarge when the request says its body is longer than DATA_UPLOAD_MAX_MEMORY_SIZE, before reading it."""
    request = (parser_context or {}).get("request")
    if request is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestTooLarge


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        refuse_large_body(parser_context)
        return super().parse(stream, media_type, parser_context)


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # Django caps a multipart body's form fields but streams files to disk whatever their size: check the whole.
        refuse_large_body(parser_context)
        return super().parse(stream, media_type, parser_context)
