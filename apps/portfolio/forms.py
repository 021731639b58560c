from django import forms

from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import ProjectTemplate, Skill


class ProjectForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ProjectTemplate.objects.order_by("title"), required=False,
        help_text="Start from a project in the catalog (optional).",
    )
    title = forms.CharField(max_length=200, required=False, help_text="Leave empty to use the template's title.")
    repo_url = forms.URLField(max_length=500, required=False, label="Repository URL")
    demo_url = forms.URLField(max_length=500, required=False, label="Demo URL")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    status = forms.ChoiceField(choices=PortfolioProject.Status.choices, initial=PortfolioProject.Status.PLANNED)
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Leave empty to use the template's skills.",
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title") and not data.get("template"):
            self.add_error("title", "Give your project a title or pick a template.")
        return data
