from django import forms

from apps.careers.models import Company, InterviewRound, JobRole
from apps.interviews.models import LOOP


class InterviewStartForm(forms.Form):
    round = forms.ChoiceField(
        choices=[*InterviewRound.choices, (LOOP, "Full loop: the role's rounds in order")],
        initial=InterviewRound.ML_FUNDAMENTALS,
    )
    role = forms.ModelChoiceField(
        queryset=JobRole.objects.only("id", "title", "seniority").order_by("title"), required=False,
        help_text="A full loop follows this role's rounds (your target role when empty).",
    )
    company = forms.ModelChoiceField(queryset=Company.objects.only("id", "name").order_by("name"), required=False)
    difficulty = forms.TypedChoiceField(
        choices=[(1, "1 · Easy"), (2, "2 · Medium"), (3, "3 · Hard")], coerce=int, initial=2,
        help_text="Where to start; the interviewer adapts to your answers.",
    )
    num_questions = forms.IntegerField(min_value=1, max_value=10, initial=5, label="Number of questions")
    resume = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(max_length=20000, strip=True, widget=forms.Textarea(attrs={"rows": 10}), label="Your answer")
