"""Human labels for career data shown on pages: interview rounds and salary ranges.

Amounts are formatted by Babel (currency symbol, digit grouping), so a page reads "$120,000–$300,000 a
year (US)" or, on compact cards, "$120K–$300K a year (US)", never "120000–300000 USD". Rupees use Indian
grouping ("₹15,00,000", "₹15L"); other currencies the site's language.
"""

from __future__ import annotations

from functools import cache

from babel.core import Locale
from babel.numbers import format_compact_currency, format_currency, format_decimal
from django.conf import settings
from django.utils.translation import to_locale

from apps.careers.models import InterviewRound

ROUND_LABELS: dict[str, str] = dict(InterviewRound.choices)
PERIODS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}
CURRENCY_LOCALES = {"INR": "en_IN"}  # lakh grouping for rupees


def round_label(value: str) -> str:
    """`ml_fundamentals` → "ML fundamentals"; an unknown id still reads as words."""
    return ROUND_LABELS.get(value) or str(value).replace("_", " ").capitalize()


@cache
def _locale(currency: str = "") -> Locale:
    return Locale.parse(CURRENCY_LOCALES.get(currency) or to_locale(settings.LANGUAGE_CODE))


def money(amount: int, currency: str, *, compact: bool = False) -> str:
    """A whole amount with its currency symbol: "$120,000" ("$120K" compact); no symbol without a currency."""
    currency = currency.upper()
    locale = _locale(currency)
    if not currency:
        return format_decimal(amount, locale=locale)
    if compact:
        return format_compact_currency(amount, currency, locale=locale, fraction_digits=1)
    whole = locale.currency_formats["standard"].pattern.replace(".00", "")  # "¤#,##0.00" -> "¤#,##0"
    return format_currency(amount, currency, format=whole, locale=locale, currency_digits=False)


def salary_range(*, low: int | None, high: int | None, currency: str = "", period: str = "year",
                 region: str = "", compact: bool = False) -> str:
    """"$120,000–$300,000 a year (US)"; "from …" or "up to …" with one bound; "" with none."""
    def amount_of(value: int) -> str:
        return money(value, currency, compact=compact)

    if low is not None and high is not None:
        amount = amount_of(low) if low == high else f"{amount_of(low)}–{amount_of(high)}"
    elif low is not None:
        amount = f"from {amount_of(low)}"
    elif high is not None:
        amount = f"up to {amount_of(high)}"
    else:
        return ""
    text = f"{amount} {PERIODS.get(period or 'year', f'per {period}')}"
    return f"{text} ({region})" if region else text
