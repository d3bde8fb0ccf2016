"""Panels that other apps add to the lesson page (the exercise, the quiz, the tutor).

The lessons app renders the page but knows none of those apps: each registers a panel
in its AppConfig.ready(). A panel's context function returns None when it has nothing
to show for a lesson. Panels render outside the cached lesson fragment, so they may
depend on the learner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from lessons.models import Lesson

Slot = Literal["after_sections", "after_lesson"]


@dataclass(frozen=True)
class LessonPanel:
    name: str
    template: str
    slot: Slot
    order: int
    context: Callable[[HttpRequest, Lesson], dict[str, Any] | None]


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    context: dict[str, Any]


_PANELS: dict[str, LessonPanel] = {}


def register_panel(panel: LessonPanel) -> None:
    _PANELS[panel.name] = panel


def panels_for(request: HttpRequest, lesson: Lesson) -> dict[str, list[RenderedPanel]]:
    """Return the panels to show on a lesson page, grouped by slot, in order."""
    slots: dict[str, list[RenderedPanel]] = {"after_sections": [], "after_lesson": []}
    for panel in sorted(_PANELS.values(), key=lambda panel: panel.order):
        context = panel.context(request, lesson)
        if context is not None:
            slots[panel.slot].append(RenderedPanel(panel.template, context))
    return slots
