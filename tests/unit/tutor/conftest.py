"""A small course on two unrelated subjects, for asking the tutor through the database."""

from __future__ import annotations

from pathlib import Path

import pytest

TIDES_LESSON = """---
title: "Why the sea has tides"
summary: "The Moon, the Sun and the rhythm of high water."
minutes: 8
big_idea: "Tides are the ocean answering the Moon's pull."
key_terms:
  - term: neap tide
    definition: "A tide with the smallest range, when the Sun and the Moon pull at right angles."
---
The sea rises and falls twice a day.

## What pulls the water

The Moon's gravity pulls the ocean towards it, raising a bulge of water on the side facing the Moon.

## Reading a tide table

A tide table lists the times of high and low water for one harbour.
Most coasts have two high tides a day, about 12 hours and 25 minutes apart.
"""

BREAD_LESSON = """---
title: "Baking a first loaf"
summary: "Flour, water, yeast, salt and patience."
minutes: 12
big_idea: "Time does most of the work in bread."
key_terms:
  - term: proving
    definition: "Leaving shaped dough to rise before it is baked."
---
Bread needs only four ingredients.

## Letting the dough rise

Yeast eats the sugars in the flour and gives off gas, which makes the dough rise.
Let the dough rise for about two hours at room temperature, until it has doubled in size.

## Baking

Bake the loaf at 230 degrees for 35 minutes, until the crust is deep brown.
"""


TIDES_QUIZ = """pass_percent: 50
questions:
  - id: tides-a-day
    type: number
    prompt: "How many high tides do most coasts have in a day?"
    answer: 2
    explanation: "Two high tides a day, about 12 hours and 25 minutes apart."
    section: "Reading a tide table"
  - id: what-pulls
    type: single
    prompt: "What pulls the ocean into a bulge?"
    choices: ["The Moon's gravity", "The wind", "The Earth's spin"]
    answer: "The Moon's gravity"
    explanation: "The Moon's gravity pulls the ocean towards it."
    section: "What pulls the water"
"""

BREAD_QUIZ = """pass_percent: 50
questions:
  - id: rise-time
    type: number
    prompt: "For about how many hours should the dough rise at room temperature?"
    answer: 2
    explanation: "About two hours, until it has doubled."
    section: "Letting the dough rise"
"""


def write_course(root: Path, lessons: dict[str, tuple[str, str]]) -> Path:
    track = root / "nature"
    track.mkdir(parents=True)
    (track / "track.yaml").write_text('title: "Everyday science"\nsummary: "Things around us."\norder: 1\n')
    for number, (slug, (text, quiz)) in enumerate(lessons.items(), start=1):
        folder = track / f"{number:02d}-{slug}"
        folder.mkdir()
        (folder / "lesson.md").write_text(text)
        (folder / "quiz.yaml").write_text(quiz)
    return root


@pytest.fixture
def science_course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "content", {"tides": (TIDES_LESSON, TIDES_QUIZ), "first-loaf": (BREAD_LESSON, BREAD_QUIZ)})


@pytest.fixture(autouse=True)
def fresh_lesson_texts():
    """Forget the lesson texts other tests cached in this process (their databases are gone)."""
    from tutor.index import _cached_text

    _cached_text.cache_clear()
