"""The learner dashboard: from the server when signed in, from the browser's saved records otherwise.

An anonymous learner's progress exists only as records their browser keeps, signed by
this site. The page asks the browser for them (static/js/progress-dashboard.js), and
the server verifies each one exactly as a sync would and answers with the dashboard's
markup, so both kinds of learner see the same page computed by the same code.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from common.browser import browser_key
from common.ratelimit import allow
from progress.learner import browser_dashboard, browser_facts, continue_for_learner, learner_dashboard, next_lesson
from progress.learner_charts import activity_calendar_svg
from quizzes.services import MAX_SYNC_RECORDS


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # The same page for every anonymous reader: the browser brings its own records.
        return render(request, "progress/learner.html", {"signed_in": False})
    return render(request, "progress/learner.html", _dashboard_context(learner_dashboard(user=request.user), signed_in=True))


# These two read a body (a browser's records, too long for an address) and change
# nothing, so they need no CSRF token: anonymous pages carry none, which keeps them cacheable.
@csrf_exempt
@require_POST
def browser_dashboard_fragment(request: HttpRequest) -> HttpResponse:
    records = _posted_records(request)
    if isinstance(records, HttpResponse):
        return records
    board = browser_dashboard(records=records, browser_key=browser_key(request))
    return render(request, "progress/learner.html#dashboard", _dashboard_context(board, signed_in=request.user.is_authenticated))


@csrf_exempt
@require_POST
def browser_continue_fragment(request: HttpRequest) -> HttpResponse:
    """Answer "continue where you left off" for the lesson map, or 204 when there is nothing to continue."""
    records = _posted_records(request)
    if isinstance(records, HttpResponse):
        return records
    facts = browser_facts(records=records, browser_key=browser_key(request))
    lesson = next_lesson(facts) if facts.last_active else None
    if lesson is None:
        return HttpResponse(status=204)
    return render(request, "progress/_learner_continue.html", {"next_lesson": lesson})


def _posted_records(request: HttpRequest) -> list[Any] | HttpResponse:
    """Return the records in a JSON body {"records": [...]}, or the response that refuses them."""
    if not allow(request, scope="progress-browser"):
        return HttpResponse("Too many requests for your progress in a minute; reload the page in a moment.", status=429, content_type="text/plain")
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.PROGRESS_SYNC_MAX_BYTES:
        return HttpResponse(f"At most {settings.PROGRESS_SYNC_MAX_BYTES // 1024} KB of records.", status=413, content_type="text/plain")
    try:
        records = json.loads(request.body)["records"]
    except (ValueError, KeyError, TypeError):
        return HttpResponse('Send JSON: {"records": [the signed records]}.', status=400, content_type="text/plain")
    if not isinstance(records, list):
        return HttpResponse("records must be a list.", status=400, content_type="text/plain")
    if len(records) > MAX_SYNC_RECORDS:
        return HttpResponse(f"At most {MAX_SYNC_RECORDS} records.", status=413, content_type="text/plain")
    return records


def _dashboard_context(board, *, signed_in: bool) -> dict[str, Any]:
    active, shown = board.active_days_shown, len(board.days)
    summary = f"Active on {active} of the last {shown} days; a darker square is a day with more graded answers, attempts and runs."
    return {
        "board": board,
        "signed_in": signed_in,
        "chart": activity_calendar_svg(board.days, title=f"Your activity over the last {len(board.weeks)} weeks", description=summary),
        "time_zone": settings.TIME_ZONE,
    }


def continue_panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """Return the lesson map's "continue" panel: the lesson for a signed-in learner, a slot the browser fills otherwise."""
    if not request.user.is_authenticated:
        return {"signed_in": False}  # the same for every anonymous reader: the map stays cacheable
    lesson = continue_for_learner(user=request.user)
    return {"signed_in": True, "next_lesson": lesson} if lesson else None
