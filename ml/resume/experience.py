"""How much real work history a resume shows: dated ranges in the experience section, stated years."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ml.resume.sections import Section

# One side of a date range: an optional month (a word in any of LANGUAGES, or a number) and a year.
_SIDE = r"(?:(?P<{0}m>[^\W\d_]{{3,12}}\.?)\s+|(?P<{0}n>\d{{1,2}})[/.-])?(?P<{0}y>(?:19|20)\d{{2}})"
_RANGE = re.compile(
    _SIDE.format("a")
    + r"\s*(?:-|–|—|to|until)\s*"
    + r"(?:"
    + _SIDE.format("b")
    + r"|(?P<now>present|current|now|today|ongoing|heute|aujourd'hui|atual|actuel|presente|hoy))",
    re.IGNORECASE,
)
# Month names are read by dateparser in these languages ("Sept. 2019", "janvier 2021", "März 2019").
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")


_STATED = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\b(?:\s+of)?(?:\s+[\w/-]+){0,3}?\s+(?:experience|exp\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExperienceEvidence:
    """How much real work history a resume shows (years from dated ranges and stated years)."""

    years: float
    dated_years: float
    stated_years: float
    experience_words: int
    has_experience: bool
    notes: list[str] = field(default_factory=list)


def experience_evidence(sections: Iterable[Section], *, today: date) -> ExperienceEvidence:
    """Years of experience: merged date ranges in the experience section; a stated "N years of
    experience" counts only when an experience section with substance backs it up."""
    by_name = {s.name: s.text for s in sections}
    experience = by_name.get("experience", "")
    words = len(re.findall(r"[A-Za-z]{2,}", experience))
    intervals = []
    for match in _RANGE.finditer(experience):
        start = _month_index(match.group("ay"), match.group("am"), match.group("an"), default_month=1)
        if match.group("now"):
            end = today.year * 12 + today.month - 1
        else:
            end = _month_index(match.group("by"), match.group("bm"), match.group("bn"), default_month=12)
        if start is not None and end is not None and end >= start and end <= today.year * 12 + today.month:
            intervals.append((start, end + 1))
    dated = _merged_length(intervals) / 12
    all_text = "\n".join(by_name.values())
    stated = max((float(m.group("n")) for m in _STATED.finditer(all_text)), default=0.0)
    stated = min(stated, 45.0)
    has_experience = dated > 0 or words >= 40
    notes = []
    if stated and words < 40 and dated == 0:
        notes.append("Stated years of experience are not backed by an experience section.")
    years = max(dated, stated if words >= 40 else 0.0)
    return ExperienceEvidence(
        years=round(years, 1),
        dated_years=round(dated, 1),
        stated_years=stated,
        experience_words=words,
        has_experience=has_experience,
        notes=notes,
    )


def _month_index(
    year: str, month_name: str | None, month_number: str | None, *, default_month: int
) -> int:
    """Months since year 0 of one side of a range; a side without a (readable) month takes `default_month`."""
    month = default_month
    if month_name:
        parsed = _date_parser().get_date_data(f"{month_name} {year}").date_obj
        if parsed is not None and parsed.year == int(year):
            month = parsed.month
    elif month_number and 1 <= int(month_number) <= 12:
        month = int(month_number)
    return int(year) * 12 + month - 1


@functools.cache
def _date_parser() -> Any:
    """One dateparser parser per process (it loads its language data on first use)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(LANGUAGES),
                          settings={"REQUIRE_PARTS": ["month", "year"], "PREFER_DAY_OF_MONTH": "first"})


def _merged_length(intervals: list[tuple[int, int]]) -> int:
    total, current_end = 0, None
    current_start = 0
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total
