"""Who owns a run or an upload: a signed-in learner, or else one anonymous browser.

Runs and uploads share this rule, so it lives here once: a QuerySet mixin that reads it, and
the fields that write it. An anonymous owner is its browser's key (common.browser), stored
in the rows' ``session_key`` column: unlike Django's session key it survives signing in,
which then moves the rows to the account (claim_browser_runs_and_uploads).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection, models
from django.http import HttpRequest

from common.browser import browser_key


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def owner_fields(*, user, session_key: str) -> dict[str, Any]:
    """Return the learner and session_key values that record this owner on a new row."""
    if _signed_in(user):
        return {"learner": user, "session_key": ""}
    return {"learner": None, "session_key": session_key}


def session_key_for(request: HttpRequest) -> str:
    """Return the key of the browser that owns an anonymous learner's rows (creating it if needed)."""
    if request.user.is_authenticated:
        return ""
    return browser_key(request, create=True)


def lock_owner(*, user, session_key: str) -> None:
    """Hold a lock for this owner until the current transaction ends, so their check-then-write steps run one at a time."""
    if connection.vendor == "postgresql":
        owner = f"user:{user.pk}" if _signed_in(user) else f"session:{session_key}"
        key = int.from_bytes(hashlib.blake2b(owner.encode(), digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite: every transaction here starts IMMEDIATE (see settings), which already takes the
    # database's single write lock, so writers run one at a time.


class OwnedQuerySet(models.QuerySet):
    """For models with a nullable ``learner`` and a ``session_key`` for anonymous owners."""

    def for_owner(self, *, user, session_key: str | None):
        """Return the rows of a signed-in learner, or of an anonymous browser session (none without one)."""
        if _signed_in(user):
            return self.filter(learner=user)
        if not session_key:
            return self.none()
        return self.filter(learner=None, session_key=session_key)

    def for_owner_of(self, request: HttpRequest):
        """Return the rows that belong to whoever sent this request."""
        return self.for_owner(user=request.user, session_key=browser_key(request))
