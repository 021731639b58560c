from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.questionbank.rendering import render_markdown
from apps.questionbank.validation import format_weight

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Markdown rendered and sanitised by nh3 (so marking it safe is safe)."""
    return mark_safe(render_markdown(text))  # nh3 has sanitised it


@register.filter
def weight(value: float) -> str:
    return format_weight(value)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


IMPORT_FIELD_LABELS = {
    "key": "Key", "prompt": "Prompt", "round": "Round", "difficulty": "Difficulty", "skills": "Skills",
    "key_points": "Key points", "follow_up_hints": "Follow-up hints", "reference_answer": "Reference answer",
    "status": "Status", "non_field_errors": "", "__all__": "",
}


@register.filter
def field_label(name: str) -> str:
    """The column or field an import error is about, as staff name it ("key_points" → "Key points")."""
    return IMPORT_FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
