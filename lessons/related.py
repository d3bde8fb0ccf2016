"""Related lessons: TF-IDF similarity over the catalog, computed at import and stored.

Each lesson becomes a weighted bag of words (title and key terms count more than the
body), trimmed to its most distinctive terms; cosine similarity is a sparse matrix
product, computed a block of rows at a time so memory stays flat at any catalog size. Small boosts prefer the
same track and the lessons that come next, because "keep going" is a reading order too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

CARDS = 3
TERMS_PER_LESSON = 60
_CHUNK = 256  # rows of the similarity matrix computed at a time, to bound memory
# Multipliers, so reading order only reorders lessons that share content, never
# makes an unrelated lesson "related".
SAME_TRACK_BOOST = 1.15
NEXT_LESSON_BOOST = 1.5  # the very next lesson of the track (on top of the same track)
SOON_AFTER_BOOST = 1.2  # two or three lessons ahead in the track

_WORD = re.compile(r"[a-z][a-z0-9_]+")
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each even every few for from further had has have having
he her here hers him his how i if in into is it its itself just let like may me might more most much must my
no nor not now of off on once one only or other our out over own same she should so some such than that the
their them then there these they this those through to too under until up us use used uses using very was way
we well were what when where which while who whom why will with would you your yours get gets got make makes
made first second new see seen take look lesson lessons learner
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


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
    lessons = sorted(lessons, key=lambda lesson: lesson.position)
    if not lessons:
        return {}
    term_counts = [_weighted_terms(lesson) for lesson in lessons]
    document_frequency: Counter = Counter()
    for counts in term_counts:
        document_frequency.update(counts.keys())
    total = len(lessons)

    # Rows are unit TF-IDF vectors trimmed to each lesson's most distinctive terms.
    vocabulary: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, counts in enumerate(term_counts):
        weights = {term: (1 + math.log(count)) * math.log((1 + total) / (1 + document_frequency[term])) for term, count in counts.items()}
        top = sorted(weights.items(), key=lambda item: item[1], reverse=True)[:TERMS_PER_LESSON]
        norm = math.sqrt(sum(weight * weight for _, weight in top)) or 1.0
        for term, weight in top:
            rows.append(row)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(weight / norm)
    matrix = sparse.csr_matrix((np.array(values, dtype=np.float32), (rows, columns)), shape=(total, max(len(vocabulary), 1)))
    transposed = matrix.T.tocsc()

    track = np.array([lesson.track_id for lesson in lessons])
    position = np.array([lesson.position for lesson in lessons])
    related: dict[int, list[tuple[int, float]]] = {}
    for start in range(0, total, _CHUNK):
        stop = min(start + _CHUNK, total)
        scores = (matrix[start:stop] @ transposed).toarray()
        scores *= _reading_order_boost(track[start:stop, None], position[start:stop, None], track[None, :], position[None, :])
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # never related to itself
        keep = min(cards, total - 1)
        for offset, row_scores in enumerate(scores):
            if keep <= 0:
                related[lessons[start + offset].id] = []
                continue
            best = np.argpartition(-row_scores, keep - 1)[:keep]
            best = best[np.lexsort((position[best], -row_scores[best]))]
            related[lessons[start + offset].id] = [(lessons[index].id, round(float(row_scores[index]), 6)) for index in best if row_scores[index] > 0]
    return related


def _reading_order_boost(track: np.ndarray, position: np.ndarray, other_track: np.ndarray, other_position: np.ndarray) -> np.ndarray:
    """Return the boost toward the same track and the lessons just ahead, for arrays of pairs."""
    same_track = track == other_track
    ahead = other_position - position
    boost = np.where(same_track, SAME_TRACK_BOOST, 1.0)
    boost *= np.where(same_track & (ahead == 1), NEXT_LESSON_BOOST, 1.0)
    boost *= np.where(same_track & (ahead > 1) & (ahead <= 3), SOON_AFTER_BOOST, 1.0)
    return boost
