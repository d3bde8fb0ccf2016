"""Panels that other apps add to the lesson page (the exercise, the quiz, the tutor) and to the lesson map.

The lessons app renders the pages but knows none of those apps: each registers a panel
in its AppConfig.ready(). A panel's context function returns None when it has nothing
to show. Panels render outside the cached fragments, so they may depend on the
learner; but a whole anonymous page may be cached (lessons/page_cache.py), so what a
panel shows an anonymous reader must be the same for all of them.
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


@dataclass(frozen=True)
class MapPanel:
    """A panel on the lesson map, above the tracks."""

    name: str
    template: str
    order: int
    context: Callable[[HttpRequest], dict[str, Any] | None]


_PANELS: dict[str, LessonPanel] = {}
_MAP_PANELS: dict[str, MapPanel] = {}


def register_panel(panel: LessonPanel) -> None:
    _PANELS[panel.name] = panel


def register_map_panel(panel: MapPanel) -> None:
    _MAP_PANELS[panel.name] = panel


def map_panels(request: HttpRequest) -> list[RenderedPanel]:
    """Return the panels to show on the lesson map, in order."""
    rendered = ((panel.template, panel.context(request)) for panel in sorted(_MAP_PANELS.values(), key=lambda panel: panel.order))
    return [RenderedPanel(template, context) for template, context in rendered if context is not None]


def panels_for(request: HttpRequest, lesson: Lesson) -> dict[str, list[RenderedPanel]]:
    """Return the panels to show on a lesson page, grouped by slot, in order."""
    slots: dict[str, list[RenderedPanel]] = {"after_sections": [], "after_lesson": []}
    for panel in sorted(_PANELS.values(), key=lambda panel: panel.order):
        context = panel.context(request, lesson)
        if context is not None:
            slots[panel.slot].append(RenderedPanel(panel.template, context))
    return slots
