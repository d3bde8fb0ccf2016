"""The quiz.yaml part of a lesson folder: validation, saving and export."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lessons.authoring.parsing import ParsedLesson, read_yaml_file
from lessons.authoring.parts import ParseContext
from lessons.authoring.yamlfile import FieldReader
from lessons.authoring.yamlwrite import dump_yaml
from lessons.models import Lesson
from quizzes.models import Question, Quiz

QUESTION_ID = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
COMMON_FIELDS = {"id", "type", "prompt", "explanation", "section"}
FIELDS_BY_KIND = {
    "single": {"choices", "answer"},
    "multiple": {"choices", "answers"},
    "true_false": {"answer"},
    "number": {"answer", "tolerance"},
    "text": {"accept"},
}
QUIZ_FIELDS = {"pass_percent", "questions"}


@dataclass
class ParsedQuestion:
    key: str
    kind: str
    prompt: str
    explanation: str = ""
    section: str = ""
    choices: list[str] = field(default_factory=list)
    answer: Any = None
    tolerance: float | None = None


@dataclass
class ParsedQuiz:
    pass_percent: int
    questions: list[ParsedQuestion]


class QuizPart:
    name = "quiz"

    def parse(self, folder: Path, lesson: ParsedLesson, context: ParseContext) -> ParsedQuiz | None:
        quiz_file = folder / "quiz.yaml"
        path = context.relative(quiz_file)
        data = read_yaml_file(
            quiz_file, context, missing="is missing: every lesson has an end-of-lesson quiz", empty="is empty: the quiz has no questions"
        )
        if data is None:
            return None
        fields = FieldReader(data, path=path, problems=context.problems, allowed=QUIZ_FIELDS)
        quiz = ParsedQuiz(pass_percent=fields.integer("pass_percent", required=False, default=70, minimum=0, maximum=100), questions=[])
        items = fields.sequence("questions", required=False)
        if not items and isinstance(fields.mapping.get("questions", []), list | None):
            context.problems.add(
                path, "the quiz has no questions: add at least one under questions:", line=fields.line("questions"), field="questions"
            )
        seen: dict[str, int] = {}
        for index, (item, line) in enumerate(items):
            question = _parse_question(item, line, index, path, lesson, context, seen)
            if question is not None:
                quiz.questions.append(question)
        return quiz

    def fingerprint(self, parsed: ParsedQuiz) -> Any:
        return asdict(parsed)

    def save(self, lesson: Lesson, parsed: ParsedQuiz | None) -> dict[str, Counter]:
        counts: Counter = Counter()
        quiz = Quiz.objects.filter(lesson=lesson).first()
        if parsed is None:
            if quiz is not None:
                counts["archived"] += quiz.questions.live().update(is_archived=True)
            return {"questions": counts}
        if quiz is None:
            quiz = Quiz.objects.create(lesson=lesson, pass_percent=parsed.pass_percent)
        elif quiz.pass_percent != parsed.pass_percent:
            quiz.pass_percent = parsed.pass_percent
            quiz.save(update_fields=["pass_percent"])
        existing = {question.key: question for question in quiz.questions.all()}
        to_create, to_update = [], []
        for position, given in enumerate(parsed.questions, start=1):
            values = {
                "position": position,
                "kind": given.kind,
                "prompt": given.prompt,
                "choices": given.choices,
                "answer": given.answer,
                "tolerance": given.tolerance,
                "explanation": given.explanation,
                "section_heading": given.section,
                "is_archived": False,
            }
            question = existing.pop(given.key, None)
            if question is None:
                to_create.append(Question(quiz=quiz, key=given.key, **values))
            else:
                differs = {name for name, value in values.items() if getattr(question, name) != value}
                if differs:
                    for name in differs:
                        setattr(question, name, values[name])
                    to_update.append(question)
                # A question that only moved is not a change the author made to it.
                counts["changed"] += bool(differs - {"position"})
        # Move questions that left the quiz out of the way of positions in use.
        gone = [question for question in existing.values() if not question.is_archived]
        for question in gone:
            question.is_archived = True
        counts["archived"] += len(gone)
        Question.objects.bulk_update(
            [*to_update, *gone], ["position", "kind", "prompt", "choices", "answer", "tolerance", "explanation", "section_heading", "is_archived"]
        )
        Question.objects.bulk_create(to_create)
        counts["added"] += len(to_create)
        return {"questions": counts}

    def export(self, lesson: Lesson, folder: Path) -> None:
        quiz = Quiz.objects.filter(lesson=lesson).first()
        if quiz is None:
            return
        questions = [_question_fields(question) for question in quiz.questions.live().order_by("position")]
        (folder / "quiz.yaml").write_text(dump_yaml({"pass_percent": quiz.pass_percent, "questions": questions}), encoding="utf-8")


def _question_fields(question: Question) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": question.key, "type": question.kind, "prompt": question.prompt}
    if question.kind in ("single", "multiple"):
        fields["choices"] = question.choices
    answer_field = {"multiple": "answers", "text": "accept"}.get(question.kind, "answer")
    fields[answer_field] = question.answer
    if question.tolerance is not None:
        fields["tolerance"] = question.tolerance
    if question.explanation:
        fields["explanation"] = question.explanation
    if question.section_heading:
        fields["section"] = question.section_heading
    return fields


def _parse_question(
    item: Any, line: int | None, index: int, path: str, lesson: ParsedLesson, context: ParseContext, seen: dict[str, int]
) -> ParsedQuestion | None:
    prefix = f"questions[{index}]."
    kind = item.get("type") if isinstance(item, dict) else None
    if isinstance(item, dict) and "id" in item and isinstance(item["id"], str):
        prefix = f"questions[{index}] ({item['id']})."
    allowed = COMMON_FIELDS | FIELDS_BY_KIND.get(kind, set().union(*FIELDS_BY_KIND.values()))
    fields = FieldReader(item, path=path, problems=context.problems, allowed=allowed, prefix=prefix, line=line)
    key = fields.text("id", max_length=100)
    if key and not QUESTION_ID.match(key):
        fields.problem("id", "use letters, digits and dashes (it must stay stable: progress refers to it)")
    elif key in seen:
        fields.problem("id", f"{key!r} is already the id of the question on line {seen[key]}; ids must be unique")
    elif key:
        seen[key] = fields.line("id")
    if kind is None and not fields.has("type"):
        fields.problem("type", "is missing (single, multiple, true_false, number or text)")
        return None
    if kind not in FIELDS_BY_KIND:
        fields.problem("type", f"{kind!r} is not a question type; use single, multiple, true_false, number or text")
        return None
    question = ParsedQuestion(
        key=key,
        kind=kind,
        prompt=fields.text("prompt", max_length=2000),
        explanation=fields.text("explanation", required=False, max_length=4000),
        section=fields.text("section", required=False, max_length=300),
    )
    if question.section and question.section not in lesson.headings:
        known = "; ".join(repr(heading) for heading in lesson.headings) or "none"
        fields.problem("section", f"{question.section!r} is not a section heading of this lesson (headings: {known})")

    if kind in ("single", "multiple"):
        question.choices = fields.text_list("choices", min_items=2)
        choice_set = set(question.choices)

        def not_a_choice(value: str) -> str | None:
            return None if value in choice_set or not choice_set else f"{value!r} is not one of the choices"

        if kind == "single":
            question.answer = fields.text("answer", scalars=True)
            if question.answer and choice_set and question.answer not in choice_set:
                fields.problem("answer", f"{question.answer!r} is not one of the choices")
        else:
            question.answer = fields.text_list("answers", min_items=1, check=not_a_choice)
    elif kind == "true_false":
        question.answer = fields.boolean("answer")
    elif kind == "number":
        question.answer = fields.number("answer")
        question.tolerance = fields.number("tolerance", required=False, minimum=0)
        if question.tolerance is not None:
            question.tolerance = float(question.tolerance)
    else:
        question.answer = fields.text_list("accept", min_items=1)
    return question
