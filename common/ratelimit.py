"""One rate limiter for the whole site: a scope, a rate, and who is asking.

Fixed one-window counters in the shared cache (Redis in production, so every web
server counts together). Each caller names its scope and rate per call, e.g.
`allow(request, scope="sign-in", rate="10/m")`; the rates live in settings.RATE_LIMITS.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read "30/m", "5/h" or "100/10m" (count per window)."""
        count, _, window = text.partition("/")
        multiple = window[:-1] or "1"
        if not count.isdigit() or window[-1:] not in _UNITS or not multiple.isdigit():
            raise ValueError(f"{text!r} is not a rate like 30/m, 5/h or 100/10m")
        return cls(int(count), int(multiple) * _UNITS[window[-1]])


def client_address(request: HttpRequest) -> str:
    """Return the client's address: behind our proxy, the last address it added."""
    address = request.META.get("REMOTE_ADDR", "unknown")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_HTTPS_PROXY and forwarded:
        address = forwarded.split(",")[-1].strip()
    return address


def identity(request: HttpRequest) -> str:
    """Return who is asking: the account when signed in, else the address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_address(request)}"


def allow(request: HttpRequest, *, scope: str, rate: str | Rate | None = None, key: str | None = None) -> bool:
    """Count one request in this scope for this client (or key); return False once the rate is spent."""
    return allow_key(scope=scope, key=key if key is not None else identity(request), rate=rate)


def allow_key(*, scope: str, key: str, rate: str | Rate | None = None) -> bool:
    """Count one request in this scope for this key (see identity()); return False once the rate is spent."""
    rate = rate if isinstance(rate, Rate) else Rate.parse(rate or settings.RATE_LIMITS[scope])
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]  # keys stay short whatever was typed
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds * 2)
        count = 1
    return count <= rate.count


def seconds_until_next_window(rate: Rate) -> int:
    """Return how long until this rate's current window ends (what a 429's Retry-After says)."""
    return max(1, math.ceil(rate.seconds - time.time() % rate.seconds))


class SharedRateThrottle(BaseThrottle):
    """The shared limiter as a DRF throttle: a view sets `rate_scope`, and its 429 (with Retry-After) is in the schema."""

    def allow_request(self, request, view) -> bool:
        self.rate = Rate.parse(settings.RATE_LIMITS[view.rate_scope])
        return allow(request, scope=view.rate_scope, rate=self.rate)

    def wait(self) -> int:
        return seconds_until_next_window(self.rate)
