"""A tiny course whose text plainly answers a few questions: the tutor's tests need answers that do not hang on the engine's fine judgement."""

from __future__ import annotations

from pathlib import Path

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson

COVERED = "What causes the tides?"
OFF_TOPIC = "Who won the football world cup in 1998?"

TRACK = """title: "The sea"
summary: "How the sea moves."
order: 1
"""

TIDES = """---
title: "Tides and waves"
summary: "Why the sea rises and falls, and what makes waves."
minutes: 5
big_idea: "The Moon pulls the sea; the wind ruffles it."
key_terms:
  - term: tide
    definition: "The regular rise and fall of the sea, about twice a day."
---
The sea never stands still: it rises and falls, and its surface is never flat.

## Tides

The Moon's gravity causes the tides. The Moon pulls the sea toward it, so the water rises on the side of the Earth that faces the Moon. High tide comes about twice a day.

## Waves

The wind makes waves on the surface of the sea. Stronger and longer winds make bigger waves.
"""

QUIZ = """pass_percent: 50
questions:
  - id: tide-cause
    type: single
    prompt: "Which force causes the tides?"
    choices: ["The gravity of the Moon", "The wind", "The saltiness of the water"]
    answer: "The gravity of the Moon"
    explanation: "The Moon's gravity pulls the sea toward it; that pull causes the tides."
    section: "Tides"
  - id: wave-maker
    type: text
    prompt: "What makes waves on the surface of the sea?"
    accept: ["wind", "the wind"]
    explanation: "Waves are made by the wind blowing over the water."
    section: "Waves"
  - id: tides-per-day
    type: number
    prompt: "About how many high tides come in a day?"
    answer: 2
    explanation: "High tide comes about twice a day."
"""

VOLCANOES = """---
title: "Volcanoes"
summary: "Where lava comes from."
minutes: 4
big_idea: "Molten rock rises where the crust is weak."
key_terms:
  - term: magma
    definition: "Molten rock under the ground."
---
## Lava

Lava is magma that reaches the surface through a volcano.
"""

VOLCANO_QUIZ = """questions:
  - id: lava
    type: text
    prompt: "What is magma called once it reaches the surface?"
    accept: ["lava"]
    section: "Lava"
"""


def write_sea_course(root: Path) -> Path:
    """Write the course under root and return its folder."""
    track = root / "sea-course" / "the-sea"
    (track / "01-tides").mkdir(parents=True)
    (track / "02-volcanoes").mkdir(parents=True)
    (track / "track.yaml").write_text(TRACK)
    (track / "01-tides" / "lesson.md").write_text(TIDES)
    (track / "01-tides" / "quiz.yaml").write_text(QUIZ)
    (track / "02-volcanoes" / "lesson.md").write_text(VOLCANOES)
    (track / "02-volcanoes" / "quiz.yaml").write_text(VOLCANO_QUIZ)
    return root / "sea-course"


def import_sea_course(root: Path) -> Lesson:
    """Import the course and return its tides lesson."""
    import_catalog(write_sea_course(root))
    return Lesson.objects.get(slug="tides")
