from django import forms

from apps.roadmap.models import TopicProgress


class EnrollForm(forms.Form):
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, initial=10, label="Hours per week")


class TopicProgressForm(forms.Form):
    status = forms.ChoiceField(choices=TopicProgress.Status.choices)
    confidence = forms.TypedChoiceField(
        choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]], coerce=int, empty_value=None, required=False,
        label="Confidence (1–5)",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)


class PaceForm(forms.Form):
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, label="Hours you can study per week")
