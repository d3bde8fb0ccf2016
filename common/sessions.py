"""Database sessions, read with one prepared SELECT (common.db.get_by) instead of a query built per request.

Every request that carries a session cookie loads its session; with the ORM that is a
few tenths of a millisecond of query building before the view starts. Same table, same
rows, same expiry rule as django.contrib.sessions.backends.db: only the read differs.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from common.db import get_by


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = get_by(self.model, "session_key", self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None  # as Django's own store does: a new session starts on the next write
            return None
        return session
