"""The question form of the tutor panel."""

from __future__ import annotations

from django import forms

from tutor.services import MAX_QUESTION_CHARS, TutorInputError, clean_question


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        max_length=MAX_QUESTION_CHARS,
        error_messages={
            "required": "Type a question about this lesson.",
            "max_length": f"Keep your question under {MAX_QUESTION_CHARS:,} characters.",
        },
    )

    def clean_question(self) -> str:
        try:
            return clean_question(self.cleaned_data["question"])
        except TutorInputError as error:
            raise forms.ValidationError(str(error)) from None
