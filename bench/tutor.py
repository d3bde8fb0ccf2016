"""Benchmark the offline tutor: latency per question on a long lesson and a 20,000-word one.

Usage: .venv/bin/python bench/tutor.py [--repeat 3]

Reads the demo course from content/ (no database). The questions are those of the
demo course's evaluation set (tutor/evaluation/demo_course.yaml), answerable and not,
all asked of the longest demo lesson and of a 20,000-word lesson made of the whole
course's sections one after another. Also times building each lesson's index and
loading it back from its stored JSON, and the retrieval an OpenAI-compatible model's reply
starts with (the passages it is shown). Target: median under 20 ms per question.
The 2,500-lesson catalog's index build is timed by bench/import_catalog.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from lessons.authoring.importer import lesson_anchors  # noqa: E402
from lessons.authoring.parsing import parse_catalog  # noqa: E402
from tutor.engines import OfflineEngine  # noqa: E402
from tutor.evalset import load_demo_set  # noqa: E402
from tutor.index import lesson_text_from_files  # noqa: E402
from tutor.llm import retrieve  # noqa: E402
from tutor.passages import LessonText, build_lesson_text  # noqa: E402

TARGET_MS = 20.0


def word_count(lesson) -> int:
    return len(" ".join([lesson.intro, *(section.markdown for section in lesson.sections)]).split())


def long_lesson(lessons, words: int) -> tuple[LessonText, int]:
    """One lesson made of the course's sections in order (again from the start if need be),
    until it holds the given number of words."""
    sections, total = [], 0
    while True:
        for lesson in lessons:
            anchors, _ = lesson_anchors(lesson)
            for section, anchor in zip(lesson.sections, anchors, strict=True):
                sections.append((section.heading, f"{anchor}-{len(sections) + 1}", section.markdown))
                total += len(section.markdown.split())
                if total >= words:
                    return build_lesson_text("The whole course", "", sections, []), total


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def latencies(lesson: LessonText, questions: list[str], repeat: int) -> list[float]:
    engine = OfflineEngine()
    found = []
    for _ in range(repeat):
        for question in questions:
            elapsed, _reply = timed(engine.reply, lesson, question, [])
            found.append(elapsed)
    return found


def retrieval_latencies(lesson: LessonText, questions: list[str], repeat: int) -> list[float]:
    """Time choosing the passages a model would be shown (the local part of a model's reply)."""
    found = []
    for _ in range(repeat):
        for question in questions:
            elapsed, _passages = timed(retrieve, lesson, question, [])
            found.append(elapsed)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="How many times to ask each question (default 3).")
    parser.add_argument("--words", type=int, default=20000, help="Size of the long lesson (default 20,000 words).")
    arguments = parser.parse_args()

    lessons = parse_catalog(ROOT / "content").lessons
    questions = [
        item.question
        for entry in load_demo_set(ROOT / "tutor" / "evaluation" / "demo_course.yaml")
        for item in [*entry.answerable, *entry.unanswerable]
    ]
    longest = max(lessons, key=word_count)

    rows = []
    build_ms, longest_text = timed(lesson_text_from_files, longest)
    rows.append((f"longest demo lesson ({longest.slug}, {word_count(longest):,} words)", longest_text, build_ms))
    build_ms, (big_text, words) = timed(long_lesson, lessons, arguments.words)
    rows.append((f"one lesson of {words:,} words (the course's sections in a row)", big_text, build_ms))

    print(f"offline tutor: {len(questions)} questions of the demo evaluation set, each asked {arguments.repeat} times; engine time per question")
    print(f"{'lesson':64}{'passages':>9}{'build ms':>10}{'load ms':>9}{'median ms':>11}{'p95 ms':>9}{'model retrieval median, p95 ms':>32}")
    verdicts = []
    for label, text, build_ms in rows:
        data = text.to_json()
        load_ms, loaded = timed(LessonText.from_json, data)
        values = latencies(loaded, questions, arguments.repeat)
        median = statistics.median(values)
        verdicts.append(median < TARGET_MS)
        retrieval = retrieval_latencies(loaded, questions, arguments.repeat)
        print(
            f"{label:64}{len(text.passages):9d}{build_ms:10.1f}{load_ms:9.1f}{median:11.2f}{percentile(values, 0.95):9.2f}"
            f"{statistics.median(retrieval):24.2f}, {percentile(retrieval, 0.95):.2f}"
        )
    print(f"target: median under {TARGET_MS:.0f} ms per question — {'met' if all(verdicts) else 'MISSED'}")


if __name__ == "__main__":
    main()
