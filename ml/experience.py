"""Years of *technical* experience: the dated entries of a resume's experience section that are tech
jobs. A bookshop assistant or a graphic designer turned bootcamp graduate has no professional years
in the field yet, so a senior posting must not look like their level (ml.matching's seniority fit).
Plain Python, no Django."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from ml import resume_text
from ml.skill_text import SkillMatcher

# Job titles of the field: an entry naming one counts even when it names no taxonomy skill.
TECH_TITLE = re.compile(
    r"\b(?:engineer(?:ing)?|developer|programmer|scientist|analyst|devops|sre|sysadmin|system administrator|"
    r"architect|data|software|machine learning|ml|ai|qa|tester|test automation|researcher|research assistant|"
    r"product (?:manager|owner|lead)|cto|tech lead|technical|security|web|mobile|cloud|platform|it)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")


def _entries(lines: list[str]) -> list[tuple[int, int]]:
    """(first line, end line) of each dated entry: its date line, the title line just above when that
    line is not a bullet and holds no dates, and the lines below up to the next entry."""
    dated = [i for i, line in enumerate(lines) if resume_text._RANGE.search(line)]
    starts = []
    for i in dated:
        above = i - 1
        if above >= 0 and lines[above].strip() and not _BULLET.match(lines[above]) and above not in dated:
            starts.append(above)
        else:
            starts.append(i)
    bounds = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        bounds.append((start, max(end, dated[n] + 1)))
    return bounds


def tech_experience_text(text: str, matcher: SkillMatcher) -> str:
    """The experience section without its dated entries that are not tech jobs."""
    lines = text.splitlines()
    drop: set[int] = set()
    for start, end in _entries(lines):
        entry = "\n".join(lines[start:end])
        if not matcher.find(entry) and not TECH_TITLE.search(entry):
            drop.update(range(start, end))
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def experience_evidence(sections: Iterable[resume_text.Section], matcher: SkillMatcher, *,
                        today: date) -> resume_text.ExperienceEvidence:
    """`ml.resume_text.experience_evidence` over the tech entries of the experience section only."""
    kept = [replace(s, text=tech_experience_text(s.text, matcher)) if s.name == "experience" else s
            for s in sections]
    return resume_text.experience_evidence(kept, today=today)
