"""A warm pool: sandboxes that already imported pandas, numpy and matplotlib, waiting.

Each pooled sandbox serves exactly one run and is then destroyed; taking one starts its
replacement in the background. Code that imports none of those libraries gets a cold
sandbox instead, which starts in a few milliseconds and keeps the warm ones for the
runs that need them.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.conf import settings

from sandbox_runner.isolation import Guest, Limits, SandboxUnavailable, uses_heavy_modules

log = logging.getLogger(__name__)


class WarmPool:
    def __init__(self, size: int) -> None:
        self.size = size
        self._ready: list[Guest] = []
        self._lock = threading.Lock()
        self._starting = 0

    def fill(self) -> None:
        """Start sandboxes in the background until the pool holds `size` of them."""
        with self._lock:
            missing = self.size - len(self._ready) - self._starting
            self._starting += max(missing, 0)
        for _ in range(max(missing, 0)):
            threading.Thread(target=self._start_one, daemon=True, name="warm-sandbox").start()

    def _start_one(self) -> None:
        try:
            guest = Guest(warm=True, limits=Limits.for_exercise())
            guest.wait_ready()
        except SandboxUnavailable as error:
            log.warning("warm sandbox failed to start: %s", error)
            guest = None
        with self._lock:
            self._starting -= 1
            if guest is not None:
                self._ready.append(guest)

    def take(self, *, limits: Limits, code: str, check_source: str) -> Guest:
        """Return a sandbox for one run: a warm one when the code needs the heavy libraries and one is ready."""
        guest = None
        if uses_heavy_modules(code, check_source):
            with self._lock:
                for candidate in self._ready:
                    if candidate.limits.disk_mb == limits.disk_mb and candidate.process.poll() is None:
                        guest = candidate
                        self._ready.remove(candidate)
                        break
            self.fill()
        if guest is None:
            return Guest(warm=False, limits=limits)
        guest.limits = limits
        return guest

    def close(self) -> None:
        with self._lock:
            guests, self._ready = self._ready, []
        for guest in guests:
            with contextlib.suppress(Exception):
                guest.close()


_pool: WarmPool | None = None


def pool() -> WarmPool:
    """Return this process's pool (each worker process keeps its own)."""
    global _pool
    if _pool is None:
        _pool = WarmPool(settings.SANDBOX_WARM_POOL_SIZE)
    return _pool
