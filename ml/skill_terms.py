"""Skill-like terms the taxonomy does not know yet ("free terms"), found in postings and resumes.

Staff see them ranked by how often they appear and promote the real ones into the taxonomy. A
term is kept when it looks like a technology name: CamelCase or an inner capital (GraphQL, FastAPI),
digits or tech punctuation (Next.js, C#, S3, Vue3), or a short all-capital acronym (AWS, SOC2),
and no taxonomy phrase covers it. Plain Python, no Django.
"""

from __future__ import annotations

import re

from ml.skill_text import SkillMatcher

MAX_TERMS = 40
_TOKEN = re.compile(r"(?<![\w@/.#+-])([A-Za-z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9+#]+)*[+#]*)(?![\w@/])")
_TECHY = re.compile(
    r"^(?:[A-Z]{2,6}[0-9]?|[A-Za-z]+[a-z][A-Z][A-Za-z0-9]*|[A-Za-z]+[0-9]+[A-Za-z0-9]*|"
    r"[A-Za-z0-9]+(?:\.(?:js|ts|io|py|net|rs|jl)|[+#]{1,2}))$"
)
# Capitalised words and acronyms that are not technologies (degrees, titles, places, months, HR words).
STOPWORDS: frozenset[str] = frozenset(w.lower() for w in ["CEO", "CTO", "CFO", "COO", "VP", "HR", "PR", "USA", "US", "UK", "EU", "UAE", "NYC", "SF", "LA", "IT", "MBA", "BSC", "MSC", "BS", "MS", "BA", "MA", "PHD", "GPA", "CV", "FAQ", "ETA", "ASAP", "FYI", "EOD", "OKR", "OKRS", "KPI", "KPIS", "ROI", "B2B", "B2C", "SAAS", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "AM", "PM", "EST", "PST", "CET", "UTC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT", "OCT", "NOV", "DEC", "AND", "OR", "THE", "FOR", "WITH", "OUR", "YOU", "WE", "IN", "ON", "OF", "TO", "AT", "NA", "TBD", "LLC", "INC", "LTD", "GMBH", "PVT", "LINKEDIN", "IOS2", "EEO", "DEI", "WFH", "PTO", "AI", "ML"])


def _is_techy(token: str) -> bool:
    return bool(_TECHY.match(token)) and token.lower() not in STOPWORDS and not token.isdigit()


def free_terms(text: str, matcher: SkillMatcher, *, limit: int = MAX_TERMS) -> dict[str, int]:
    """{term as first written: mentions} for technology-looking terms no taxonomy phrase covers."""
    covered = [(start, end) for start, end, _ in matcher.spans(text)]
    counts: dict[str, int] = {}
    display: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(1).rstrip(".-")
        if len(token) < 2 or len(token) > 40 or not _is_techy(token):
            continue
        start, end = match.start(1), match.start(1) + len(token)
        if any(s <= start and end <= e for s, e in covered):
            continue
        if matcher.find(token):
            continue
        key = term_key(token)
        display.setdefault(key, token)
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts, key=lambda key: (-counts[key], key))[:limit]
    return {display[key]: counts[key] for key in ranked}


def term_key(term: str) -> str:
    """The stable key of a term: lower case, spaces and hyphens dropped ("Next.js" = "next.js")."""
    return re.sub(r"[\s\-]+", "", term.strip().lower())[:80]

