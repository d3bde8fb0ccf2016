"""CSRF for pages that anonymous readers get from the shared page cache."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt


def csrf_protect_signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Enforce CSRF for signed-in learners only.

    Anonymous pages are cached whole and shared, so they cannot carry a per-browser
    token; what an anonymous post changes belongs to that browser alone (its runs, its
    conversation with the tutor), never to an account.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            rejection = CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(request, None, (), {})
            if rejection is not None:
                return rejection
        return view(request, *args, **kwargs)

    return wrapped
