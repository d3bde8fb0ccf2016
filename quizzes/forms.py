"""Reading a learner's answer from a posted form, whatever the question's type."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from quizzes.models import Question


def given_answer(question: Question, data: QueryDict) -> Any:
    """Return the answer a form posted for this question, in the shape grading expects."""
    if question.kind == Question.Kind.MULTIPLE:
        return data.getlist("answer")
    return data.get("answer", "")
