"""A job posting pasted by a learner: checked, its title and seniority read, its important terms
found (taxonomy skills and free terms) and marked in the text as found or missing in a resume, the
way ATS checkers show it. Plain Python, no Django."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ml.skill_terms import free_terms, term_key
from ml.skill_text import SkillMatcher, posting_skill_weights

MAX_CHARS = 50_000
MIN_WORDS = 5


class PostingError(ValueError):
    """A posting we cannot read: the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_posting(text: object) -> str:
    """The posting's text, or PostingError for an empty, binary or over-long one."""
    if not isinstance(text, str):
        raise PostingError("Paste the posting as text.")
    if len(text) > MAX_CHARS:
        raise PostingError(f"This posting is {len(text):,} characters; paste at most {MAX_CHARS:,} "
                           "(the description and requirements are enough).")
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or ch == "\ufffd")
    if "\x00" in text or controls > max(3, len(text) // 200):
        raise PostingError("This looks like a binary file, not a job posting: paste the posting's text.")
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    if not cleaned:
        raise PostingError("The posting is empty: paste the job description.")
    if len(re.findall(r"[A-Za-z]{2,}", cleaned)) < MIN_WORDS:
        raise PostingError("This posting has too few words to compare: paste the whole job description.")
    return cleaned


def posting_title(text: str) -> str:
    """The posting's first short line (most postings start with the job title)."""
    for line in text.splitlines():
        line = line.strip(" #*-:\t")
        if line:
            return line[:120] if len(line) <= 120 else ""
    return ""


_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("intern", r"\bintern(?:ship)?\b"),
    ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad|associate)\b"),
    ("staff", r"\b(?:staff|principal|distinguished|head of|director)\b"),
    ("senior", r"\b(?:senior|sr\.?|lead)\b"),
)
_YEARS = re.compile(r"(\d{1,2})\s*(?:\+|-\s*\d{1,2}|to\s+\d{1,2})?\s*(?:\+\s*)?years?", re.IGNORECASE)


def required_years(text: str) -> float | None:
    """The smallest "N+ years" a posting asks for (None when it names none)."""
    found = [int(m.group(1)) for m in _YEARS.finditer(text) if int(m.group(1)) <= 20]
    return float(min(found)) if found else None


def posting_seniority(title: str, text: str) -> str:
    """intern/junior/mid/senior/staff from the title's words, else from the years asked for (mid)."""
    for level, pattern in _LEVEL_WORDS:
        if re.search(pattern, title, re.IGNORECASE):
            return level
    years = required_years(text)
    if years is None:
        head = text[:400]
        for level, pattern in _LEVEL_WORDS:
            if re.search(pattern, head, re.IGNORECASE):
                return level
        return "mid"
    return "junior" if years < 2 else "mid" if years < 5 else "senior" if years < 8 else "staff"


@dataclass(frozen=True)
class Term:
    """An important term of the posting: a taxonomy skill (slug set) or a free term."""

    term: str  # as the posting writes it first
    slug: str  # taxonomy skill, or "" for a free term
    weight: int  # 1-3 from how often the posting names it
    mentions: int


def important_terms(text: str, matcher: SkillMatcher) -> list[Term]:
    """The posting's skills (heaviest first), then its free terms."""
    spans = matcher.spans(text)
    first: dict[str, str] = {}
    for start, end, slug in spans:
        first.setdefault(slug, text[start:end])
    counts = matcher.find(text)
    weights = posting_skill_weights(counts)
    skills = [Term(first[slug], slug, weights[slug], counts[slug]) for slug in counts]
    free = [Term(term, "", posting_skill_weights({term: n})[term], n) for term, n in free_terms(text, matcher).items()]
    skills.sort(key=lambda t: (-t.weight, -t.mentions, t.term.lower()))
    free.sort(key=lambda t: (-t.mentions, t.term.lower()))
    return skills + free


def term_in_text(term: str, text: str) -> bool:
    """Whether a free term appears in the text as a whole word (case-insensitive)."""
    return re.search(r"(?<![\w.])" + re.escape(term) + r"(?![\w+#])", text, re.IGNORECASE) is not None


@dataclass(frozen=True)
class Segment:
    """A run of posting text; `state` is "found", "missing" or "" (plain text)."""

    text: str
    state: str = ""
    term: str = ""


def highlight(text: str, matcher: SkillMatcher, found: Callable[[str, str], bool],
              free: Iterable[str] = ()) -> list[Segment]:
    """The posting cut into segments, each term marked found/missing by `found(slug, term)`."""
    marks = [(s, e, slug) for s, e, slug in matcher.spans(text)]
    keys = {term_key(t) for t in free}
    if keys:
        taken = [(s, e) for s, e, _ in marks]
        for term in free:
            for m in re.finditer(r"(?<![\w.])" + re.escape(term) + r"(?![\w+#])", text):
                if not any(s < m.end() and m.start() < e for s, e in taken):
                    marks.append((m.start(), m.end(), ""))
    marks.sort()
    segments: list[Segment] = []
    cursor = 0
    for start, end, slug in marks:
        if start < cursor:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        surface = text[start:end]
        segments.append(Segment(surface, "found" if found(slug, surface) else "missing", slug or surface))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def weights_of(terms: Iterable[Term]) -> Mapping[str, int]:
    """The posting's taxonomy skills as role skill weights."""
    return {t.slug: t.weight for t in terms if t.slug}
