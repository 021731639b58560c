"""Human labels for career data shown on pages: interview rounds and salary ranges.

Amounts are formatted by Babel for the site's language (currency symbol, digit grouping), so a
page reads "$120,000–$300,000 a year (US)", never "120000–300000 USD".
"""

from __future__ import annotations

from functools import cache

from babel.core import Locale
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import to_locale

from apps.careers.models import InterviewRound

ROUND_LABELS: dict[str, str] = dict(InterviewRound.choices)
PERIODS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}


def round_label(value: str) -> str:
    """`ml_fundamentals` → "ML fundamentals"; an unknown id still reads as words."""
    return ROUND_LABELS.get(value) or str(value).replace("_", " ").capitalize()


@cache
def _locale() -> Locale:
    return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def money(amount: int, currency: str) -> str:
    """A whole amount with its currency symbol: (120000, "USD") → "$120,000"."""
    if currency:  # an unknown code stands in for the symbol: "XYZ5,000"
        return format_currency(amount, currency.upper(), format="¤#,##0", locale=_locale(), currency_digits=False)
    return format_decimal(amount, locale=_locale())


def salary_range(*, low: int | None, high: int | None, currency: str = "", period: str = "year",
                 region: str = "") -> str:
    """"$120,000–$300,000 a year (US)"; "from …" or "up to …" with one bound; "" with none."""
    if low is not None and high is not None:
        amount = money(low, currency) if low == high else f"{money(low, currency)}–{money(high, currency)}"
    elif low is not None:
        amount = f"from {money(low, currency)}"
    elif high is not None:
        amount = f"up to {money(high, currency)}"
    else:
        return ""
    text = f"{amount} {PERIODS.get(period or 'year', f'per {period}')}"
    return f"{text} ({region})" if region else text
