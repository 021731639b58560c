from django import forms

from apps.accounts.models import User
from apps.careers.models import JobRole


class ProfileForm(forms.ModelForm):
    target_role = forms.ModelChoiceField(
        queryset=JobRole.objects.filter(is_posting=False).order_by("title"), required=False,
        help_text="Readiness, interviews and next steps are tuned to this role.",
    )

    class Meta:
        model = User
        fields = ["display_name", "target_role", "hours_per_week"]
        help_texts = {"hours_per_week": "Used to project when you finish your tracks."}
