"""Train the answerability model from a SQuAD 2.0 style file, reproducibly.

The label of a question is whether the offline engine's answer passages would be a
right answer: the passage answers it and the passages chosen contain a gold answer.
So the model learns when to trust retrieval, not just whether an answer exists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tutor.answerability import AnswerabilityModel, fit_logistic
from tutor.offline import FEATURES, judge
from tutor.passages import LessonText
from tutor.squad import SquadQuestion, covers, load_squad, passage_lesson

# Refusing an unanswerable question matters more than answering one more: the
# threshold is the one that answers most while refusing at least this share.
REFUSAL_FLOOR = 0.8

# A model that only extracts features: every probability is one half.
FEATURES_ONLY = AnswerabilityModel(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), (0.0,) * len(FEATURES), 0.0, 0.5, {})


@dataclass(frozen=True)
class Example:
    question: SquadQuestion
    features: dict[str, float]
    retrieved_answer: bool  # the engine's passages contain a gold answer


def examples(questions: list[SquadQuestion]) -> list[Example]:
    cache: dict[str, LessonText] = {}
    found = []
    for question in questions:
        judgement = judge(passage_lesson(question, cache), question.question, model=FEATURES_ONLY)
        text = " ".join(passage.text for passage in judgement.passages)
        found.append(Example(question, judgement.features, question.answerable and covers(text, question.answers)))
    return found


def rates(model: AnswerabilityModel, rows: list[Example], threshold: float) -> tuple[float, float]:
    """Return (answered, refused): shares of answerable questions answered right, of unanswerable refused."""
    answerable = [row for row in rows if row.question.answerable] or [None]
    unanswerable = [row for row in rows if not row.question.answerable] or [None]
    answered = sum(1 for row in answerable if row and row.retrieved_answer and model.probability(row.features) >= threshold)
    refused = sum(1 for row in unanswerable if row and model.probability(row.features) < threshold)
    return answered / len(answerable), refused / len(unanswerable)


def train(path: Path, *, l2: float = 1.0) -> AnswerabilityModel:
    """Fit the model on the file at path and pick its threshold; deterministic for the same file."""
    rows = examples(load_squad(path))
    means, scales, weights, bias = fit_logistic([row.features for row in rows], [int(row.retrieved_answer) for row in rows], FEATURES, l2=l2)
    model = AnswerabilityModel(FEATURES, tuple(means), tuple(scales), tuple(weights), bias, 0.5, {})
    best = (0.5, -1.0)
    for step in range(5, 96):
        threshold = step / 100
        answered, refused = rates(model, rows, threshold)
        if refused >= REFUSAL_FLOOR and answered > best[1]:
            best = (threshold, answered)
    answered, refused = rates(model, rows, best[0])
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    trained_on = {
        "file": Path(path).name,
        "sha256": digest,
        "questions": len(rows),
        "answerable": sum(1 for row in rows if row.question.answerable),
        "answered": round(answered, 3),
        "refused": round(refused, 3),
    }
    return AnswerabilityModel(FEATURES, tuple(means), tuple(scales), tuple(weights), bias, best[0], trained_on)
