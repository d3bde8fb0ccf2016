from __future__ import annotations

from django import forms

from sandbox_runner.services import MAX_CODE_CHARACTERS


class RunForm(forms.Form):
    code = forms.CharField(
        max_length=MAX_CODE_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "autocapitalize": "off", "autocomplete": "off", "class": "code-editor"}),
        error_messages={"required": "Write some code to run.", "max_length": "That is more code than one run takes (100,000 characters)."},
    )
