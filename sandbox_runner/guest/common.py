"""Small pieces every guest module shares (kept import-free: each import costs every run)."""

from __future__ import annotations

import os

WORK = os.environ.get("LESSONBOX_WORK", "/work")
CELL = "<exercise>"  # the learner's code's file name in tracebacks, shown as "Your code"


class suppress:
    """contextlib.suppress without importing contextlib (milliseconds on every run)."""

    def __init__(self, *exceptions: type[BaseException]) -> None:
        self.exceptions = exceptions

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, self.exceptions)
