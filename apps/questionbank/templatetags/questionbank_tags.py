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
