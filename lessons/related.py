"""Related lessons: TF-IDF similarity over the catalog, computed at import and stored.

Each lesson becomes a weighted bag of words (title and key terms count more than the
body), trimmed to its most distinctive terms; cosine similarity through an inverted
index then finds its neighbours without comparing every pair. Small nudges prefer the
same track and the lessons that come next, because "keep going" is a reading order too.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

CARDS = 3
TERMS_PER_LESSON = 60
SAME_TRACK_BONUS = 0.04
NEXT_LESSON_BONUS = 0.08  # the very next lesson of the track
SOON_AFTER_BONUS = 0.03  # two or three lessons ahead in the track

_WORD = re.compile(r"[a-z][a-z0-9_]+")
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "use",
        "used",
        "uses",
        "using",
        "very",
        "was",
        "way",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "get",
        "gets",
        "got",
        "make",
        "makes",
        "made",
        "first",
        "second",
        "new",
        "see",
        "seen",
        "take",
        "look",
        "lesson",
        "lessons",
        "learner",
    ]
)


@dataclass(frozen=True)
class LessonText:
    id: int
    track_id: int
    position: int  # place in the catalog: lessons of a track are consecutive
    title: str
    summary: str
    key_terms: str
    body: str


def tokens(text: str) -> list[str]:
    """Return the content words of a text, lower-cased, with a plural 's' folded away."""
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def _weighted_terms(lesson: LessonText) -> Counter:
    counts = Counter(tokens(lesson.body))
    for weight, text in ((4, lesson.title), (3, lesson.key_terms), (2, lesson.summary)):
        for word in tokens(text):
            counts[word] += weight
    return counts


def compute_related(lessons: Iterable[LessonText], *, cards: int = CARDS) -> dict[int, list[tuple[int, float]]]:
    """Return, for each lesson id, up to `cards` (related id, score) pairs, best first."""
    lessons = list(lessons)
    term_counts = {lesson.id: _weighted_terms(lesson) for lesson in lessons}
    document_frequency: Counter = Counter()
    for counts in term_counts.values():
        document_frequency.update(counts.keys())
    total = len(lessons)

    vectors: dict[int, dict[str, float]] = {}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for lesson_id, counts in term_counts.items():
        weights = {term: (1 + math.log(count)) * math.log((1 + total) / (1 + document_frequency[term])) for term, count in counts.items()}
        top = dict(sorted(weights.items(), key=lambda item: item[1], reverse=True)[:TERMS_PER_LESSON])
        norm = math.sqrt(sum(weight * weight for weight in top.values())) or 1.0
        vectors[lesson_id] = {term: weight / norm for term, weight in top.items()}
        for term, weight in vectors[lesson_id].items():
            postings[term].append((lesson_id, weight))

    by_id = {lesson.id: lesson for lesson in lessons}
    related: dict[int, list[tuple[int, float]]] = {}
    for lesson in lessons:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vectors[lesson.id].items():
            for other_id, other_weight in postings[term]:
                if other_id != lesson.id:
                    scores[other_id] += weight * other_weight
        for other_id in list(scores):
            scores[other_id] += _reading_order_bonus(lesson, by_id[other_id])
        best = sorted(scores.items(), key=lambda item: (-item[1], by_id[item[0]].position))[:cards]
        related[lesson.id] = [(other_id, round(score, 6)) for other_id, score in best]
    return related


def _reading_order_bonus(lesson: LessonText, other: LessonText) -> float:
    if other.track_id != lesson.track_id:
        return 0.0
    ahead = other.position - lesson.position
    if ahead == 1:
        return SAME_TRACK_BONUS + NEXT_LESSON_BONUS
    if 1 < ahead <= 3:
        return SAME_TRACK_BONUS + SOON_AFTER_BONUS
    return SAME_TRACK_BONUS
