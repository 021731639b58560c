"""Finding taxonomy skills in text: the word-by-word dictionary matcher over skill names and synonyms,
with the exact-casing and ambiguous-word rules, and role skill weights from a posting's counts.

Plain Python (no Django); built once per taxonomy version by `apps.roadmap.selectors.skill_matcher`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Where a skill was seen → how much it counts as evidence (the best section wins).
SECTION_EVIDENCE: dict[str, float] = {
    "experience": 1.0,
    "projects": 1.0,
    "education": 0.85,
    "summary": 0.8,
    "other": 0.8,
    "skills": 0.6,
}
# Synonyms that are ordinary words in other casings ("zero", "react"): only their exact casing counts.
EXACT_CASE_TERMS: dict[str, str] = {
    "zero": "ZeRO",
    "react": "ReAct",
    "lambda": "Lambda",
    "helm": "HELM",
    "outlines": "Outlines",
    "accelerate": "Accelerate",
    "go": "Go",
    "r": "R",
    "rust": "Rust",
    "swift": "Swift",
    "dart": "Dart",
    "spark": "Spark",
    "express": "Express",
    "flask": "Flask",
    "rails": "Rails",
    "elm": "Elm",
    "ember": "Ember",
    "next": "Next",
    "nest": "Nest",
    "remix": "Remix",
    "vue": "Vue",
    "chef": "Chef",
    "puppet": "Puppet",
    "jest": "Jest",
    "mocha": "Mocha",
    "prefect": "Prefect",
    "ray": "Ray",
    "c": "C",
    "julia": "Julia",
    "angular": "Angular",
    "unity": "Unity",
    "excel": "Excel",
    "slam": "SLAM",
}
# Phrases that are ordinary words in any casing, never a skill on their own.
AMBIGUOUS_TERMS: frozenset[str] = frozenset({
    "a", "i", "it", "go to", "lead", "design", "data", "cloud", "test", "monitoring", "testing", "research",
    "backend", "requirements", "sampling", "optimization", "optimisation",
})


# --- skills in text ------------------------------------------------------------------------------
# Words: letters and digits with inner dots and trailing +/# ("Node.js", "ASP.NET", "C++", "C#", ".NET").
_WORD = re.compile(r"(?<![A-Za-z0-9])\.?[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*[+#]*")
# What may sit between the words of one phrase: spaces (a line break too: PDFs wrap), a hyphen, a
# slash or an ampersand ("fine-tuning", "CI/CD", "A/B testing", "Weights & Biases").
_JOINER = re.compile(r"^(?:\s*[-/&]\s*|\s+)$")
MAX_PHRASE_WORDS = 6


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


def _key(phrase: str) -> str:
    """Letters, digits and +/#/. of the phrase's words, lower case: "Fine-tuning" = "fine tuning" = "finetuning"."""
    return "".join(word for _, _, word in _words(phrase)).lower()


def _listed_letter(text: str, start: int) -> bool:
    before = text[:start].rstrip(" ")[-1:]
    after = text[start + 1 :].lstrip(" ")[:1]
    return (before in {",", "/", "(", ";", "|", ":", "", "\n"} or text[:start].endswith(("and ", "or "))) and (
        after in {",", "/", ")", ";", "|", "", "\n"} or text[start + 1 :].startswith((" and ", " or ")))


@dataclass(frozen=True)
class SkillEvidence:
    slug: str
    mentions: int
    sections: tuple[str, ...]

    @property
    def weight(self) -> float:
        """How strongly the resume evidences this skill (0.6 listed only … 1.0 used in work)."""
        return max((SECTION_EVIDENCE.get(s, 0.8) for s in self.sections), default=0.0)


class SkillMatcher:
    """Finds taxonomy skills by name and synonym: whole words, case-insensitive, spacing/hyphen-tolerant
    ("fine tuning" = "fine-tuning" = "finetuning"), longest phrase first ("PyTorch Lightning").

    The text is cut into words once and each run of up to MAX_PHRASE_WORDS joined words is looked up
    in a dictionary of phrase keys (a few ms for a resume, whatever the taxonomy's size; one regular
    expression over ~2,000 phrases took ~200 ms). A phrase in `exact_case` counts only in that casing
    ("ReAct" the agent pattern, not "react"), and may share its letters with another skill's phrase
    in any casing ("React" the UI library)."""

    def __init__(
        self, skills: Iterable[Mapping[str, object]], *, exact_case: Mapping[str, str] | None = None
    ) -> None:
        exact_case = EXACT_CASE_TERMS if exact_case is None else exact_case
        self._by_key: dict[str, str] = {}  # lower-case key → slug
        self._by_exact: dict[str, str] = {}  # key in its own casing → slug (exact-case phrases)
        self._longest = 1
        self.names: dict[str, str] = {}
        for skill in skills:
            slug = str(skill["slug"])
            self.names.setdefault(slug, str(skill.get("name") or slug))
            synonyms = skill.get("synonyms") or []
            phrases = [str(skill.get("name", "")), *(str(s) for s in synonyms)]  # type: ignore[union-attr,attr-defined]
            for phrase in phrases:
                phrase = phrase.strip()
                words = _words(phrase)
                key = "".join(w for _, _, w in words).lower()
                if not key or phrase.lower() in AMBIGUOUS_TERMS or len(words) > MAX_PHRASE_WORDS:
                    continue
                self._longest = max(self._longest, len(words))
                cased = exact_case.get(phrase.lower(), "")
                if cased and phrase in (cased, phrase.lower()):
                    self._by_exact.setdefault("".join(w for _, _, w in _words(cased)), slug)
                    continue
                if len(key) < 2 or key in self._by_key:
                    continue
                self._by_key[key] = slug

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, slug) of every skill mention in `text`, in order (for highlighting)."""
        words = _words(text)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            hit = None
            joined, cased = "", ""
            ends: list[tuple[int, str, str]] = []
            for j in range(i, min(len(words), i + self._longest)):
                if j > i and not _JOINER.match(text[words[j - 1][1] : words[j][0]]):
                    break
                cased += words[j][2]
                joined = cased.lower()
                ends.append((j, joined, cased))
            for j, joined, cased in reversed(ends):  # the longest phrase first
                slug = self._by_exact.get(cased) or self._by_key.get(joined)
                if slug:
                    hit = (j, slug)
                    break
            if hit is None:
                i += 1
                continue
            j, slug = hit
            start, end = words[i][0], words[j][1]
            if end - start == 1 and not _listed_letter(text, start):
                i += 1  # "C" or "R" count only as an item of a list ("Python, R, SQL"), not "John R. Smith"
                continue
            found.append((start, end, slug))
            i = j + 1
        return found

    @property
    def slugs(self) -> set[str]:
        return set(self._by_key.values()) | set(self._by_exact.values())

    def find(self, text: str) -> dict[str, int]:
        """{slug: mentions} for every skill named in `text`."""
        counts: dict[str, int] = {}
        for _, _, slug in self.spans(text):
            counts[slug] = counts.get(slug, 0) + 1
        return counts

    def find_in_sections(self, sections: Iterable[tuple[str, str]]) -> dict[str, SkillEvidence]:
        """{slug: evidence} from (section name, text) pairs."""
        mentions: dict[str, int] = {}
        where: dict[str, list[str]] = {}
        for name, text in sections:
            for slug, count in self.find(text).items():
                mentions[slug] = mentions.get(slug, 0) + count
                if name not in where.setdefault(slug, []):
                    where[slug].append(name)
        return {slug: SkillEvidence(slug, mentions[slug], tuple(where[slug])) for slug in mentions}


def posting_skill_weights(counts: Mapping[str, int]) -> dict[str, int]:
    """Role skill weights (1-3) from how often a job posting names each skill."""
    return {slug: 3 if n >= 3 else 2 if n == 2 else 1 for slug, n in counts.items()}
