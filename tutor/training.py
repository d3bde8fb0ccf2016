"""Train the answerability model from a SQuAD 2.0 style file, reproducibly.

The label of a question is whether the offline engine's answer passages would be a
right answer: the passage answers it and the passages chosen contain a gold answer.
So the model learns when to trust retrieval, not just whether an answer exists.

Two more readings of the same questions bring the training closer to what a tutor
meets. SQuAD 2.0's unanswerable questions are all near misses written from their
passage's own words, while a tutor also meets questions about things the lesson never
talks about: so each question is also asked of a passage from another article
(deterministically chosen), where it is unanswerable. And a lesson has many sections,
not one passage: so each question is also asked of its whole article, every passage
of which becomes a section.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tutor.answerability import AnswerabilityModel, fit_logistic
from tutor.offline import FEATURE_SIGNS, FEATURES, judge
from tutor.passages import LessonText, build_lesson_text
from tutor.squad import SquadQuestion, covers, escape_markdown, load_squad, passage_lesson

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
        judgement = judge(passage_lesson(question, cache), question.question, model=FEATURES_ONLY, vocabulary_prior=False)
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


def asked_elsewhere(questions: list[SquadQuestion]) -> list[SquadQuestion]:
    """Each question asked of a passage from another article, where it has no answer."""
    moved = []
    for index, question in enumerate(questions):
        for step in range(1, len(questions)):
            other = questions[(index + step * 37) % len(questions)]
            if other.title != question.title:
                moved.append(SquadQuestion(f"{question.id}-elsewhere", other.title, other.context, question.question, ()))
                break
    return moved


def asked_of_whole_article(questions: list[SquadQuestion]) -> list[Example]:
    """Each question asked of its whole article read as a lesson, one section per passage."""
    passages: dict[str, list[str]] = {}
    for question in questions:
        article = passages.setdefault(question.title, [])
        if question.context not in article:
            article.append(question.context)
    lessons = {
        title: build_lesson_text(
            title.replace("_", " "),
            "",
            [(f"Part {number}", f"part-{number}", escape_markdown(text)) for number, text in enumerate(texts, start=1)],
            [],
        )
        for title, texts in passages.items()
    }
    found = []
    for question in questions:
        judgement = judge(lessons[question.title], question.question, model=FEATURES_ONLY, vocabulary_prior=False)
        text = " ".join(passage.text for passage in judgement.passages)
        found.append(Example(question, judgement.features, question.answerable and covers(text, question.answers)))
    return found


TIE = 0.01
THRESHOLD_STEP = 0.05


def train(path: Path, *, l2: float = 1.0) -> AnswerabilityModel:
    """Fit the model on the file at path and pick its threshold; deterministic for the same file.

    The threshold makes answered + refused largest on the file's own questions: the
    measure the tutor is judged by.
    """
    questions = load_squad(path)
    rows = examples(questions)
    elsewhere = examples(asked_elsewhere(questions))
    every = rows + elsewhere + asked_of_whole_article(questions)
    means, scales, weights, bias = fit_logistic(
        [row.features for row in every], [int(row.retrieved_answer) for row in every], FEATURES, signs=FEATURE_SIGNS, l2=l2
    )
    model = AnswerabilityModel(FEATURES, tuple(means), tuple(scales), tuple(weights), bias, 0.5, {})
    # The curve of answered + refused is flat near its top, so its highest point moves
    # with noise: take the middle of the thresholds within TIE of the best. That range is
    # wide (about 0.15), so the middle is not known better than to a few hundredths:
    # rounded to THRESHOLD_STEP, it stays put when a change to the features barely moves it.
    sums = {step / 100: sum(rates(model, rows, step / 100)) for step in range(5, 96)}
    top = max(sums.values())
    plateau = sorted(threshold for threshold, total in sums.items() if total >= top - TIE)
    middle = plateau[len(plateau) // 2]
    best = (round(round(middle / THRESHOLD_STEP) * THRESHOLD_STEP, 2), top)
    answered, refused = rates(model, rows, best[0])
    _, refused_elsewhere = rates(model, elsewhere, best[0])
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    trained_on = {
        "file": Path(path).name,
        "sha256": digest,
        "questions": len(rows),
        "answerable": sum(1 for row in rows if row.question.answerable),
        "answered": round(answered, 3),
        "refused": round(refused, 3),
        "refused_when_asked_elsewhere": round(refused_elsewhere, 3),
    }
    return AnswerabilityModel(FEATURES, tuple(means), tuple(scales), tuple(weights), bias, best[0], trained_on)
