"""A pool of started sandboxes, each used for exactly one run and then destroyed.

Two kinds wait: warm ones that already imported pandas, numpy and matplotlib (for code
that uses them, which would otherwise pay those imports on every run), and light ones
that imported nothing (for everything else, which then skips the sandbox's start-up).
After a run the caller refills the pool in the background.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

from django.conf import settings

from sandbox_runner.isolation import Guest, Limits, SandboxUnavailable, uses_heavy_modules

log = logging.getLogger(__name__)


class WarmPool:
    def __init__(self, size: int, light_size: int = 0) -> None:
        self.sizes = {True: size, False: light_size}  # warm -> how many to keep
        self._ready: list[Guest] = []
        self._starting = {True: 0, False: 0}
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._spawner: threading.Thread | None = None

    def fill(self) -> None:
        """Start sandboxes in the background until the pool holds its sizes of each kind."""
        with self._lock:
            self._ready = [guest for guest in self._ready if guest.process.poll() is None]
            for warm, size in self.sizes.items():
                missing = size - sum(guest.warm == warm for guest in self._ready) - self._starting[warm]
                for _ in range(max(missing, 0)):
                    self._starting[warm] += 1
                    self._requests.put(warm)
            if self._spawner is None and any(self._starting.values()):
                # One long-lived thread starts every pooled sandbox: bubblewrap's
                # --die-with-parent follows the thread that started it, so a thread that
                # ended would take its sandboxes with it.
                self._spawner = threading.Thread(target=self._spawn_forever, daemon=True, name="sandbox-spawner")
                self._spawner.start()

    def _spawn_forever(self) -> None:
        while True:
            self._start_one(self._requests.get())

    def _start_one(self, warm: bool) -> None:
        try:
            guest = Guest(warm=warm, limits=Limits.for_exercise())
            guest.wait_ready()
            guest.confine()
        except SandboxUnavailable as error:
            log.warning("a pooled sandbox failed to start: %s", error)
            guest = None
        with self._lock:
            self._starting[warm] -= 1
            if guest is not None:
                self._ready.append(guest)

    def take(self, *, limits: Limits, code: str, check_source: str) -> Guest:
        """Return a sandbox for one run: a warm one when the code needs the heavy libraries and one is ready.

        The pool is refilled by the caller after the run (fill()), so a replacement that
        imports pandas does not compete for the CPU with the run it replaces.
        """
        guest = None
        warm = uses_heavy_modules(code, check_source)
        with self._lock:
            for candidate in self._ready:
                # Same limits only: a pooled sandbox's disk and cgroup limits were set when it started.
                if candidate.warm == warm and candidate.limits == limits and candidate.process.poll() is None:
                    guest = candidate
                    self._ready.remove(candidate)
                    break
        return guest or Guest(warm=warm, limits=limits)

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
        _pool = WarmPool(settings.SANDBOX_WARM_POOL_SIZE, settings.SANDBOX_LIGHT_POOL_SIZE)
    return _pool
