"""Whole-page cache for anonymous readers of catalog and lesson pages.

Most readers are anonymous and see exactly the same bytes, so their pages are kept
whole and served before sessions, CSRF or templates run. Signed-in learners always get
a freshly rendered page (it may show their own progress). A page is cached only when
its view opted in with @cache_for_anonymous and the response did not touch the
session or set a cookie; keys carry the catalog version, so every import retires them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from lessons.services import catalog_version

_OPT_IN = "_lessonbox_cache_for_anonymous"


def cache_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose anonymous GET responses may be served from the page cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, _OPT_IN, True)
        return response

    return wrapped


def _cache_key(request: HttpRequest) -> str | None:
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    variant = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    # Hashed: a long query string would make a key over the 250 characters cache backends accept.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{catalog_version()}:{variant}:{path}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _cache_key(request)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return response
        response = self.get_response(request)
        if key is not None and self._is_cacheable(request, response):
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            cache.set(key, (response.status_code, headers, response.content), settings.LESSON_CACHE_SECONDS)
        return response

    @staticmethod
    def _is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        return (
            getattr(response, _OPT_IN, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies  # a CSRF or session cookie: that page belongs to one browser
            and not (user is not None and user.is_authenticated)
        )
