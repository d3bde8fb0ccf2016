"""A small lesson about the sea, read straight into passages: its text plainly answers a few questions,
states one negation, and has one section that shares no word with them."""

from __future__ import annotations

from tutor.passages import LessonText, build_lesson_text

TIDES = {
    "title": "Tides",
    "intro": "The sea rises and falls every day.",
    "sections": [
        (
            "Tides",
            "tides",
            "The Moon's gravity causes the tides. High tide comes twice a day, about every 12 hours and 25 minutes.\n\n"
            "Spring tides happen when the Sun and the Moon line up.",
        ),
        (
            "Measuring the sea",
            "measuring-the-sea",
            "A tide gauge records the height of the water. Sailors read tide tables before they leave the harbour. The tables do not predict storms.",
        ),
        ("The harbour café", "the-harbour-cafe", "The café on the quay sells hot chocolate and scones. It opens at nine."),
    ],
    "key_terms": [("spring tide", "A tide with a larger range than usual, when the Sun and Moon line up.")],
}


def sea_lesson() -> LessonText:
    return build_lesson_text(TIDES["title"], TIDES["intro"], TIDES["sections"], TIDES["key_terms"])
