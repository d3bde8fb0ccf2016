"""A small rate limit for runs: each learner (or browser, or address) gets so many a minute."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def identity(request: HttpRequest) -> str:
    """Return who is running code: the account, else the browser session, else the address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = request.META.get("REMOTE_ADDR", "unknown")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_HTTPS_PROXY and forwarded:
        # Behind our proxy every request comes from it; the client is the last address it added.
        address = forwarded.split(",")[-1].strip()
    return f"address:{address}"


def allow_run(request: HttpRequest) -> bool:
    """Count a run for whoever sent the request; return False when the minute's allowance is spent."""
    return allow_run_for(identity(request))


def allow_run_for(who: str) -> bool:
    """Count a run for this identity (see identity()); return False when the minute's allowance is spent."""
    window = int(time.time() // 60)
    key = f"runs:{who}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.SANDBOX_RUNS_PER_MINUTE
