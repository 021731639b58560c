"""Resume text cut at its headings into sections, and sections into embedding-sized chunks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

SectionName = Literal["summary", "skills", "experience", "projects", "education", "other"]


SECTION_NAMES: tuple[SectionName, ...] = ("summary", "skills", "experience", "projects", "education", "other")


_HEADINGS: dict[SectionName, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "profile",
        "professional profile",
        "about",
        "about me",
        "objective",
        "career objective",
        "overview",
        "career summary",
        "introduction",
        "what i do now", "profil", "perfil", "kurzprofil", "résumé", "resumo",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core skills",
        "key skills",
        "skills and tools",
        "skills & tools",
        "technologies",
        "tech stack",
        "tools",
        "tools and technologies",
        "competencies",
        "core competencies",
        "expertise",
        "areas of expertise",
        "skills summary",
        "technical expertise",
        "toolbox", "kenntnisse", "fähigkeiten", "compétences", "competências", "habilidades",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "internships",
        "internship",
        "relevant experience",
        "industry experience",
        "research experience",
        "positions",
        "career", "where i worked", "battle-tested at", "work", "jobs", "experiences", "work experiences",
        "professional background", "professional history", "employment record", "career path", "where i've worked", "berufserfahrung", "erfahrung",
        "expérience professionnelle", "expérience", "experiência profissional", "experiência",
    ),
    "projects": (
        "projects",
        "personal projects",
        "selected projects",
        "key projects",
        "academic projects",
        "side projects",
        "open source",
        "open-source",
        "open source contributions",
        "portfolio",
        "things i built", "projekte", "projets", "projetos",
    ),
    "education": (
        "education",
        "academic background",
        "qualifications",
        "education and training",
        "certifications",
        "courses",
        "coursework",
        "relevant coursework",
        "training",
        "ausbildung", "studium", "formation", "formação", "educação",
    ),
    "other": (
        "publications",
        "awards",
        "achievements",
        "honors",
        "honours",
        "interests",
        "languages",
        "language",
        "volunteering",
        "volunteer experience",
        "references",
        "activities",
        "hobbies",
        "talks",
    ),
}


_HEADING_LOOKUP = {phrase: name for name, phrases in _HEADINGS.items() for phrase in phrases}


@dataclass(frozen=True)
class Section:
    name: SectionName
    text: str


def _heading(line: str) -> tuple[SectionName, str] | None:
    """(section, text on the same line) when `line` is a heading such as "Skills" or "Skills: Python"."""
    if len(line) > 80:
        return None
    inline = re.match(r"^[#*_\s]*([A-Za-z][A-Za-z &/-]{1,40}?)[*_\s]*:[*_\s]*(.+)$", line)
    if inline and inline.group(1).strip().lower() in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[inline.group(1).strip().lower()], inline.group(2).strip()
    bare = re.sub(r"[#*_:|=\-\s]+$", "", re.sub(r"^[#*_|=\-\s]+", "", line)).strip().lower()
    bare = re.sub(r"\s+", " ", bare)
    if bare in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[bare], ""
    parts = [p.strip() for p in bare.split("/")]  # "Berufserfahrung / Experience"
    if len(parts) > 1 and parts[0] in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[parts[0]], ""
    return None


def split_sections(text: str) -> list[Section]:
    """Split resume text at known headings. Text before the first heading counts as the summary."""
    current: SectionName = "summary"
    buckets: dict[SectionName, list[str]] = {name: [] for name in SECTION_NAMES}
    for line in text.split("\n"):
        heading = _heading(line.strip())
        if heading:
            current, rest = heading
            if rest:
                buckets[current].append(rest)
            continue
        buckets[current].append(line)
    sections = []
    for name in SECTION_NAMES:
        body = "\n".join(buckets[name]).strip()
        if body:
            sections.append(Section(name=name, text=re.sub(r"\n{3,}", "\n\n", body)))
    return sections


@dataclass(frozen=True)
class Chunk:
    section: SectionName
    text: str


SHORT_CHUNK_WORDS = 40


def chunk_sections(sections: Iterable[Section], *, max_words: int = 150, max_chunks: int = 8) -> list[Chunk]:
    """Cut sections into embedding-sized chunks along line boundaries (all-MiniLM reads 256 tokens ≈ 190 words).

    Contact details at the top are noise for matching; chunks need a few words to mean anything, so
    a short section (a one-line education entry) joins its neighbour when they fit together. Every
    chunk costs one vector search per match: at most `max_chunks` (the shortest neighbours are
    merged first; the encoder reads the first 256 tokens of an over-long merged chunk).
    """
    chunks: list[Chunk] = []
    for section in sections:
        words_in_chunk = 0
        lines: list[str] = []
        for line in section.text.split("\n"):
            if _is_contact_line(line):
                continue
            count = len(line.split())
            if lines and words_in_chunk + count > max_words:
                chunks.append(Chunk(section.name, "\n".join(lines)))
                lines, words_in_chunk = [], 0
            if count:
                lines.append(line)
                words_in_chunk += count
        if lines:
            chunks.append(Chunk(section.name, "\n".join(lines)))
    chunks = [c for c in chunks if len(c.text.split()) >= 3]
    merged: list[Chunk] = []
    for chunk in chunks:
        previous = merged[-1] if merged else None
        words = len(chunk.text.split())
        if (
            previous
            and min(words, len(previous.text.split())) < SHORT_CHUNK_WORDS
            and words + len(previous.text.split()) <= max_words
        ):
            merged[-1] = Chunk(previous.section, previous.text + "\n" + chunk.text)
        else:
            merged.append(chunk)
    chunks = merged
    while len(chunks) > max_chunks:
        chunks = _merge_shortest_neighbours(chunks)
    return chunks


def _merge_shortest_neighbours(chunks: list[Chunk]) -> list[Chunk]:
    sizes = [len(a.text.split()) + len(b.text.split()) for a, b in itertools.pairwise(chunks)]
    i = sizes.index(min(sizes))
    merged = Chunk(chunks[i].section, chunks[i].text + "\n" + chunks[i + 1].text)
    return [*chunks[:i], merged, *chunks[i + 2 :]]


_CONTACT = re.compile(
    r"@|https?://|www\.|linkedin|github\.com|\+?\d[\d ()-]{7,}\d|^phone|^email", re.IGNORECASE
)


def _is_contact_line(line: str) -> bool:
    return bool(_CONTACT.search(line)) and len(line.split()) <= 12
