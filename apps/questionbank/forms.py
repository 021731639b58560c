"""Forms of the staff curation pages. Field rules live in `validation.py`, shared with the API and import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from apps.careers.models import InterviewRound
from apps.questionbank import selectors
from apps.questionbank.models import Question
from apps.questionbank.validation import (
    clean_question_fields,
    key_points_to_text,
)

BLANK = [("", "Any")]


class QuestionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search prompts and keys"}))
    round = forms.ChoiceField(required=False, choices=BLANK + InterviewRound.choices)
    skill = forms.ChoiceField(required=False)
    difficulty = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                        choices=[*BLANK, (1, "1 easy"), (2, "2 medium"), (3, "3 hard")])
    status = forms.ChoiceField(required=False, choices=BLANK + Question.Status.choices)
    source = forms.ChoiceField(required=False, choices=BLANK + Question.Source.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = BLANK + selectors.skill_choices()

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid value is dropped, with its error shown on the form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class QuestionForm(forms.Form):
    """Create / edit: key points as "weight | text | follow-up question" lines, so each point and the
    question that probes it are written side by side."""

    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    key = forms.CharField(required=False, max_length=120,
                          help_text="Stable id for imports; leave empty to derive one from the prompt.")
    round = forms.ChoiceField(choices=InterviewRound.choices)
    difficulty = forms.TypedChoiceField(coerce=int, initial=2, choices=[(1, "1 easy"), (2, "2 medium"), (3, "3 hard")])
    skills = forms.MultipleChoiceField(required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    status = forms.ChoiceField(choices=Question.Status.choices, initial=Question.Status.DRAFT)
    key_points = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "3 | The most important idea, as a full sentence | "
                                     "The follow-up you would ask if it is missed?\n1 | A detail"}),
        help_text='One key point per line as "weight | key point | follow-up question"; weight 1-3 (3 = essential), '
                  "1 if left out; the follow-up is asked when a candidate misses that point. 3-6 points work best.",
    )
    reference_answer = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 10}),
                                       help_text="Markdown.")
    # Sent by the "Save anyway" button of the near-duplicate warning.
    confirm_duplicate = forms.BooleanField(required=False)

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and "initial" not in kwargs:
            version = question.current_version
            kwargs["initial"] = {
                "prompt": version.prompt if version else "", "key": question.key, "round": question.round,
                "difficulty": question.difficulty, "status": question.status,
                "skills": [s.slug for s in question.skills.all()],
                "key_points": key_points_to_text(version.key_points) if version else "",
                "reference_answer": version.reference_answer if version else "",
            }
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = selectors.skill_choices()
        if question is None:
            self.fields["status"].choices = [c for c in Question.Status.choices if c[0] != Question.Status.RETIRED]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {name: cleaned.get(name) for name in (
            "prompt", "round", "difficulty", "skills", "status", "key_points", "reference_answer")
            if name not in self.errors}
        if cleaned.get("key"):
            raw["key"] = cleaned["key"]
        try:
            self.question_fields = clean_question_fields(raw, partial=True)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class BulkStatusForm(forms.Form):
    ACTIONS = {"publish": Question.Status.PUBLISHED, "retire": Question.Status.RETIRED, "draft": Question.Status.DRAFT}

    ids = forms.TypedMultipleChoiceField(coerce=int)
    action = forms.ChoiceField(choices=[("publish", "Publish"), ("retire", "Retire"), ("draft", "Back to draft")])
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(pk), str(pk)) for pk in Question.objects.values_list("pk", flat=True)]
        self.fields["ids"].error_messages["required"] = "Select at least one question."

    @property
    def status(self) -> str:
        return self.ACTIONS[self.cleaned_data["action"]]


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A .json list of questions or a .csv (see the columns below).")
    payload = forms.CharField(required=False, widget=forms.HiddenInput)
    lines = forms.CharField(required=False, widget=forms.HiddenInput)  # the CSV line of each row, for the report
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("payload"):
            raise ValidationError("Choose a .json or .csv file to import.")
        return cleaned


class TryForm(forms.Form):
    text = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                           label="A candidate's answer")


class DraftRequestForm(forms.Form):
    skill = forms.ChoiceField()
    round = forms.ChoiceField(choices=InterviewRound.choices)
    difficulty = forms.TypedChoiceField(coerce=int, initial=2, choices=[(1, "1 easy"), (2, "2 medium"), (3, "3 hard")])
    count = forms.IntegerField(min_value=1, max_value=10, initial=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = selectors.skill_choices()
