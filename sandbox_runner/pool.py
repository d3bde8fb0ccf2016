"""A pool of started sandboxes, each used for exactly one run and then destroyed.

Two kinds wait: warm ones that already imported pandas, numpy and matplotlib (for code
that uses them, which would otherwise pay those imports on every run), and light ones
that imported nothing (for everything else, which then skips the sandbox's start-up).
After a run the caller refills the pool in the background.

One long-lived thread starts every pooled sandbox, and it never ends while the pool is
open: a sandbox that fails to start (a missing runtime, a full disk, anything) is logged
and retried after a pause that doubles up to a minute, and runs meanwhile start their
own sandbox as they would with no pool.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

from django.conf import settings

from sandbox_runner.isolation import Guest, Limits, uses_heavy_modules

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.25
LAST_RETRY_SECONDS = 60.0


class WarmPool:
    def __init__(self, size: int, light_size: int = 0) -> None:
        self.sizes = {True: size, False: light_size}  # warm -> how many to keep
        self._ready: list[Guest] = []
        self._starting = {True: 0, False: 0}
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._spawner: threading.Thread | None = None
        self._closed = threading.Event()
        self.failures = 0  # consecutive failed starts (0 once one succeeds)

    def fill(self) -> None:
        """Start sandboxes in the background until the pool holds its sizes of each kind."""
        with self._lock:
            ended = [guest for guest in self._ready if guest.process.poll() is not None]
            self._ready = [guest for guest in self._ready if guest not in ended]
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
        for guest in ended:
            guest.close()  # its folders and cgroups, which a sandbox that died on its own still has

    def is_spawning(self) -> bool:
        """Say whether the thread that starts pooled sandboxes is alive."""
        return self._spawner is not None and self._spawner.is_alive()

    def _spawn_forever(self) -> None:
        while not self._closed.is_set():
            warm = self._requests.get()
            if self._closed.is_set():
                break  # woken by close()
            try:
                started = self._start_one(warm)
            except BaseException:  # nothing may end this thread while the pool is open
                log.exception("the sandbox pool could not start a sandbox")
                started = False
            if started:
                self.failures = 0
                continue
            self.failures += 1
            self._requests.put(warm)  # still wanted: try again after a pause
            self._closed.wait(min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (self.failures - 1)))

    def _start_one(self, warm: bool) -> bool:
        guest = None
        try:
            guest = Guest(warm=warm, limits=Limits.for_exercise())
            guest.wait_ready()
            guest.confine()
        except Exception as error:
            if guest is not None:
                guest.close()
            log.warning("a pooled sandbox failed to start (attempt %d in a row): %s", self.failures + 1, error)
            return False
        with self._lock:
            if self._closed.is_set():
                guest.close()
                return True
            self._starting[warm] -= 1
            self._ready.append(guest)
        return True

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
        """Stop starting sandboxes and close the ones waiting."""
        self._closed.set()
        self._requests.put(False)  # wake the spawner so it sees the pool is closed
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
