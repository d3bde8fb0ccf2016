"""Anonymous learners are their browser: a random key kept in the session's data.

Django's login() rotates the session key but keeps its data, so this key survives
signing in; that is what lets work made before signing in (quiz attempts, runs,
uploads) move to the account instead of vanishing. Apps register what to move.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

SESSION_FIELD = "lessonbox_browser_key"
log = logging.getLogger(__name__)

Claim = Callable[..., int]  # claim(*, user, browser_key) -> rows moved
_CLAIMS: dict[str, Claim] = {}


def browser_key(request: HttpRequest, *, create: bool = False) -> str:
    """Return this browser's key ("" when it has none and create is False).

    A session that began before browser keys existed is known by its session key, so
    what it made then still belongs to it; that key is then kept as its browser key.
    """
    session = getattr(request, "session", None)
    if session is None:
        return ""
    key = session.get(SESSION_FIELD) or session.session_key or ""
    if create and not session.get(SESSION_FIELD):
        key = key or secrets.token_urlsafe(24)
        session[SESSION_FIELD] = key
    return key


def register_claim(name: str, claim: Claim) -> None:
    """Register what an app moves from a browser to the account that signs in on it."""
    _CLAIMS[name] = claim


def claim_browser_work(*, user, browser_key: str) -> dict[str, int]:
    """Move everything an anonymous browser made to the account; return rows moved per app."""
    if not browser_key:
        return {}
    return {name: claim(user=user, browser_key=browser_key) for name, claim in sorted(_CLAIMS.items())}


@receiver(user_logged_in, dispatch_uid="common.browser.claim_on_sign_in")
def _claim_on_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None:
        return
    moved = claim_browser_work(user=user, browser_key=browser_key(request))
    if any(moved.values()):
        log.info("moved a browser's work to account %s: %s", user.pk, moved)
