"""Resume ↔ role matching: the score that ranks roles and the match vectors that retrieve them (skills

Plain Python (no Django, no LLM). The apps adapt rows to these types: skills arrive as dicts
`{slug, name, synonyms}`, roles as `RoleCandidate` with the cosine similarity of the role's
embedding to the resume's embedding (pgvector computes it).

The score (0-100) of a role for a resume, documented in docs/matching.md:

    score = 100 × seniority_fit × discipline_fit × (W_SEMANTIC × semantic + W_SKILLS × skill_overlap)

- semantic: the cosine similarity of the role to the resume's embedding (the normalised mean of
  its chunk embeddings, so the whole resume counts and no single sentence carries a role),
  rescaled from the range where all-MiniLM cosines live ([SEMANTIC_LOW, SEMANTIC_HIGH] → [0, 1]).
- skill_overlap: Σ weight × evidence of the role's skills the resume shows / Σ weight of all the
  role's skills. Evidence is 1 for a skill used in experience or projects, less for a skill that
  is only listed (a keyword list is a claim; a project is evidence).
- seniority fit (`evidence_factor`): mid/senior/staff roles expect years of experience; a resume
  short of them is scaled down (never below a floor), and a resume with no work experience at
  all is capped on senior and staff roles, so a keyword-stuffed CV cannot top them. A resume with
  more years than an intern/junior/mid role asks for is scaled down too (a junior posting is not
  the top match for a senior resume).
- discipline fit: `ml.disciplines.discipline_factor` of the resume's affinity to the role's
  discipline (its own field 1.0; another field down to 0.55).

Each part is shown to the learner (`RoleScore.parts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ml import disciplines as disc
from ml.embeddings import EMBEDDING_DIM
from ml.skill_text import (  # noqa: F401 - re-exported: the matcher's old import path
    AMBIGUOUS_TERMS,
    EXACT_CASE_TERMS,
    SECTION_EVIDENCE,
    SkillEvidence,
    SkillMatcher,
    posting_skill_weights,
)

W_SEMANTIC = 0.45
W_SKILLS = 0.55
SEMANTIC_LOW = 0.15
SEMANTIC_HIGH = 0.70

# The match vector (see `role_match_vector`): the role's text embedding, one slot per taxonomy skill,
# one per seniority, and one that makes every role vector the same length. Its inner product with a
# resume's `resume_query_vector` is the linear part of the score; with equal lengths, ranking by
# cosine is ranking by that product, so one HNSW probe (cosine, a metric the graph navigates well)
# finds the roles that score best on text AND skills.
SKILL_SLOTS = 448  # 406 skills today; past this, slots share positions (skill_position)
SENIORITIES: tuple[str, ...] = ("intern", "junior", "mid", "senior", "staff")
SENIORITY_SLOTS = 8  # room for more levels without a new column
DISCIPLINE_SLOTS = disc.DISCIPLINE_SLOTS
MATCH_DIM = EMBEDDING_DIM + SKILL_SLOTS + SENIORITY_SLOTS + DISCIPLINE_SLOTS + 1
# Role-side scales; the query side is divided by the same, so the product does not depend on them.
# They set the geometry the HNSW graph is built and searched in: skills scaled up so that a query
# (a resume shows more skills than a role lists) looks like a role, seniority and discipline small so
# that levels and fields stay one connected graph. Chosen with bench/matching.py at 100,000 roles
# (docs/benchmarks.md): skills 1.2 / 1.75 / 2.5 gave probe recall 0.69 / 0.97 / 0.94 at ef_search 200;
# seniority 0.2 / 0.45 / 0.8 gave 0.94 / 0.97 / 0.35 (521 dims). At 865 dims the discipline slot was
# the lever: 0.45 made each field an island the search rarely left (a resume whose best roles span
# two fields lost most of one; recall@10 0.90), 0.1 keeps 0.97-0.98; seniority 0.15 / 0.25 / 0.45 gave
# 0.87 / 0.95 / 0.98.
TEXT_SCALE = W_SEMANTIC / (SEMANTIC_HIGH - SEMANTIC_LOW)
SKILL_SCALE = 1.75
SENIORITY_SCALE = 0.45
DISCIPLINE_SCALE = 0.1
# The longest a role vector can be before the last slot pads it (a single-skill role).
MATCH_NORM = (TEXT_SCALE**2 + SKILL_SCALE**2 + SENIORITY_SCALE**2 + DISCIPLINE_SCALE**2) ** 0.5
TYPICAL_TOP_LINEAR = 0.6

REQUIRED_YEARS: dict[str, float] = {"intern": 0, "junior": 0, "mid": 2, "senior": 5, "staff": 8}
SENIORITY_FLOOR: dict[str, float] = {"mid": 0.75, "senior": 0.5, "staff": 0.4}
NO_EXPERIENCE_CAP: dict[str, int] = {"senior": 35, "staff": 30}
# The most years a level is written for; each year beyond costs OVER_SLOPE (down to OVER_FLOOR):
# a junior posting is not the top match for someone with 5 years, nor an intern one for a graduate.
TOP_YEARS: dict[str, float] = {"intern": 1, "junior": 2, "mid": 6}
OVER_SLOPE = 0.06
OVER_FLOOR = 0.6

# --- the score -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResumeProfile:
    """What matching needs to know about a resume."""

    skills: Mapping[str, float]  # slug → evidence weight in (0, 1]
    years_experience: float = 0.0
    has_experience: bool = False
    disciplines: Mapping[str, float] = field(default_factory=dict)  # discipline → affinity (best = 1)
    # The linear part (0.45 semantic + 0.55 skills) of this resume's best roles: where the query vector's
    # additive seniority and discipline terms are calibrated (see `query_tail`).
    top_linear: float = 0.6


@dataclass(frozen=True)
class RoleCandidate:
    role_id: int
    seniority: str
    similarity: float  # cosine similarity of the role's embedding to the resume's embedding
    skills: Mapping[str, int]  # slug → weight (1-3)
    discipline: str = ""


@dataclass(frozen=True)
class RoleScore:
    role_id: int
    score: int
    semantic: float
    skill_overlap: float
    evidence_factor: float
    matched_skills: list[str]
    missing_skills: list[str]
    reasons: list[str] = field(default_factory=list)
    discipline_factor: float = 1.0
    discipline: str = ""

    @property
    def parts(self) -> dict[str, int]:
        """The score's parts as 0-100 (semantic and skills are the fit; seniority and discipline scale it)."""
        return {
            "semantic": round(100 * self.semantic),
            "skills": round(100 * self.skill_overlap),
            "seniority": round(100 * self.evidence_factor),
            "discipline": round(100 * self.discipline_factor),
        }


def resume_vector(chunk_embeddings: Sequence[Sequence[float]]) -> list[float] | None:
    """The resume's embedding: the normalised mean of its chunk embeddings (None without chunks).

    A mean over every chunk means one sentence, or one section, cannot carry a role.
    """
    if not chunk_embeddings:
        return None
    dims = len(chunk_embeddings[0])
    total = [0.0] * dims
    for vector in chunk_embeddings:
        for i, value in enumerate(vector):
            total[i] += float(value)
    norm = sum(v * v for v in total) ** 0.5
    return [v / norm for v in total] if norm else None


def semantic_fit(similarity: float | None) -> float:
    """The role↔resume cosine similarity rescaled to [0, 1]."""
    if similarity is None:
        return 0.0
    return min(1.0, max(0.0, (similarity - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW)))


def skill_overlap(
    resume_skills: Mapping[str, float], role_skills: Mapping[str, int]
) -> tuple[float, list[str], list[str]]:
    """(weighted overlap in [0, 1], matched slugs, missing slugs), both heaviest first."""
    total = sum(role_skills.values())
    if not total:
        return 0.0, [], []
    ordered = sorted(role_skills.items(), key=lambda item: (-item[1], item[0]))
    matched = [slug for slug, _ in ordered if slug in resume_skills]
    missing = [slug for slug, _ in ordered if slug not in resume_skills]
    gained = sum(weight * min(1.0, resume_skills[slug]) for slug, weight in ordered if slug in resume_skills)
    return gained / total, matched, missing


def evidence_factor(seniority: str, profile: ResumeProfile) -> tuple[float, int | None, list[str]]:
    """(multiplier, optional score cap, reasons) for how the resume's experience fits the seniority."""
    reasons: list[str] = []
    required = REQUIRED_YEARS.get(seniority, 0)
    factor = 1.0
    if required:
        floor = SENIORITY_FLOOR.get(seniority, 0.75)
        ratio = min(1.0, profile.years_experience / required)
        factor = floor + (1 - floor) * ratio
        if ratio < 1:
            reasons.append(
                f"{seniority.title()} role: about {required:g}+ years expected, "
                f"the resume shows {profile.years_experience:g}."
            )
    top = TOP_YEARS.get(seniority)
    if top is not None and profile.years_experience > top:
        over = max(OVER_FLOOR, 1 - OVER_SLOPE * (profile.years_experience - top))
        factor *= over
        if over < 0.97:
            reasons.append(
                f"{seniority.title()} role written for up to about {top:g} years; "
                f"the resume shows {profile.years_experience:g}."
            )
    cap = None
    if not profile.has_experience and seniority in NO_EXPERIENCE_CAP:
        cap = NO_EXPERIENCE_CAP[seniority]
        reasons.append("No work experience found: senior roles are capped.")
    return factor, cap, reasons


def discipline_fit(profile: ResumeProfile, discipline: str) -> tuple[float, list[str]]:
    """(multiplier, reasons) for a role of `discipline` given the resume's discipline affinities."""
    key = disc.normalise(discipline)
    if not key or not profile.disciplines or key not in profile.disciplines:
        return 1.0, []
    affinity = profile.disciplines[key]
    factor = disc.discipline_factor(affinity)
    reasons = []
    if factor < 0.9:
        own = disc.best_discipline(profile.disciplines)
        reasons.append(f"{disc.label(key)} role; your resume reads as {disc.label(own)} "
                       f"({round(100 * affinity)}% as close to this field).")
    return factor, reasons


def score_role(profile: ResumeProfile, candidate: RoleCandidate) -> RoleScore:
    semantic = semantic_fit(candidate.similarity)
    overlap, matched, missing = skill_overlap(profile.skills, candidate.skills)
    factor, cap, reasons = evidence_factor(candidate.seniority, profile)
    field_factor, field_reasons = discipline_fit(profile, candidate.discipline)
    score = round(100 * factor * field_factor * (W_SEMANTIC * semantic + W_SKILLS * overlap))
    if cap is not None:
        score = min(score, cap)
    return RoleScore(
        role_id=candidate.role_id,
        score=max(0, min(100, score)),
        semantic=round(semantic, 4),
        skill_overlap=round(overlap, 4),
        evidence_factor=round(factor, 4),
        matched_skills=matched,
        missing_skills=missing,
        reasons=field_reasons + reasons,
        discipline_factor=round(field_factor, 4),
        discipline=disc.normalise(candidate.discipline),
    )


def rank_roles(
    profile: ResumeProfile, candidates: Iterable[RoleCandidate], *, k: int = 10
) -> list[RoleScore]:
    """The `k` best roles, best first (ties: closer text first, then the older role)."""
    scored = [score_role(profile, c) for c in candidates]
    scored.sort(key=lambda s: (-s.score, -s.semantic, s.role_id))
    return scored[:k]


@dataclass(frozen=True)
class CompanyScore:
    company_id: int
    score: int
    best_role_id: int
    role_ids: list[int]
    skills: list[str] = field(default_factory=list)  # the resume's skills its roles ask for, most asked first


def rank_companies(
    role_scores: Sequence[RoleScore], role_companies: Mapping[int, Iterable[int]]
) -> list[CompanyScore]:
    """Companies ranked by their best role's score, then their next roles' scores; each names the
    roles behind its fit and the resume's skills those roles ask for."""
    roles: dict[int, list[RoleScore]] = {}
    for role in sorted(role_scores, key=lambda s: (-s.score, s.role_id)):
        for company_id in role_companies.get(role.role_id, ()):
            roles.setdefault(company_id, []).append(role)
    ranked = []
    for company_id, theirs in roles.items():
        asked: dict[str, int] = {}
        for role in theirs:
            for slug in role.matched_skills:
                asked[slug] = asked.get(slug, 0) + 1
        skills = sorted(asked, key=lambda slug: (-asked[slug], slug))
        ranked.append(CompanyScore(company_id, theirs[0].score, theirs[0].role_id, [r.role_id for r in theirs], skills))
    scores = {c.company_id: [r.score for r in roles[c.company_id]] for c in ranked}
    return sorted(ranked, key=lambda c: ([-v for v in scores[c.company_id][:3]], c.company_id))


# --- the match vector (candidate retrieval) ------------------------------------------------------
def skill_position(slot: int) -> int:
    """Where a skill's slot lands in the vector: slots past SKILL_SLOTS share positions (slot mod
    SKILL_SLOTS). Slots are given in catalog order, which groups skills by category, so skills sharing
    a position are far apart in the taxonomy (a frontend skill with a maths one); the exact score
    separates them again."""
    return slot % SKILL_SLOTS


def role_match_vector(embedding: Sequence[float], skill_weights: Mapping[int, int], seniority: str,
                      discipline: str = "") -> list[float]:
    """A role's retrieval vector: its (unit) embedding × TEXT_SCALE, its skill weights as shares of the
    total × SKILL_SCALE (by `skill_position`), SENIORITY_SCALE in its seniority's slot, DISCIPLINE_SCALE
    in its discipline's slot, and a last slot that brings every role vector to length MATCH_NORM."""
    if len(embedding) != EMBEDDING_DIM:
        raise ValueError(f"expected a {EMBEDDING_DIM}-dim embedding, got {len(embedding)}")
    text = [float(v) for v in embedding]
    norm = sum(v * v for v in text) ** 0.5 or 1.0
    vector = [TEXT_SCALE * v / norm for v in text]
    skills = [0.0] * SKILL_SLOTS
    total = sum(weight for slot, weight in skill_weights.items() if slot >= 0)
    for slot, weight in skill_weights.items():
        if slot >= 0 and total:
            skills[skill_position(slot)] += SKILL_SCALE * weight / total
    levels = [0.0] * SENIORITY_SLOTS
    if seniority in SENIORITIES:
        levels[SENIORITIES.index(seniority)] = SENIORITY_SCALE
    fields = [0.0] * DISCIPLINE_SLOTS
    field_slot = disc.slot(discipline)
    if field_slot is not None:
        fields[field_slot] = DISCIPLINE_SCALE
    vector += skills + levels + fields
    pad = max(0.0, MATCH_NORM**2 - sum(v * v for v in vector)) ** 0.5
    return [*vector, pad]


def resume_query_vector(
    embedding: Sequence[float], skill_evidence: Mapping[int, float], profile: ResumeProfile
) -> list[float]:
    """The vector whose inner product with `role_match_vector` ranks roles as the score does.

    Embedding part: the rescaled semantic term (up to a constant). Skill slots: the evidence, so the
    product is W_SKILLS × the weighted overlap, exactly (unless two of the skills share a position).
    Seniority and discipline slots: the additive equivalent of that level's and that field's factor
    (and cap) for this resume. The padding slot is 0. Left out: the clipping of the semantic term and
    the factors' multiplicative shape, which is why the selector fetches more candidates than it
    shows and scores them exactly.
    """
    vector = [float(v) for v in embedding]  # × W_SEMANTIC / (HIGH - LOW) / TEXT_SCALE = × 1
    skills = [0.0] * SKILL_SLOTS
    for slot, evidence in skill_evidence.items():
        if slot >= 0:
            skills[skill_position(slot)] += QUERY_SKILL_FACTOR * min(1.0, float(evidence))
    return vector + skills + query_tail(profile)


# A skill slot of the query vector holds this × min(1, evidence).
QUERY_SKILL_FACTOR = W_SKILLS / SKILL_SCALE


def query_tail(profile: ResumeProfile) -> list[float]:
    """The query vector after the skill slots: each seniority's additive term, each discipline's, then
    the padding slot (0)."""
    # f × linear ≈ linear + (f - 1) × top for the roles near the top (linear ≈ top): calibrated per
    # resume, because the discipline factor spans 0.3-1 and a fixed `top` misplaced whole disciplines.
    top = min(0.9, max(0.2, profile.top_linear or TYPICAL_TOP_LINEAR))
    levels = [0.0] * SENIORITY_SLOTS
    for i, seniority in enumerate(SENIORITIES):
        factor, cap, _ = evidence_factor(seniority, profile)
        expected = top * factor
        if cap is not None:
            expected = min(expected, cap / 100)
        levels[i] = (expected - top) / SENIORITY_SCALE
    fields = [0.0] * DISCIPLINE_SLOTS
    for i, slug in enumerate(disc.SLUGS):
        factor, _ = discipline_fit(profile, slug)
        fields[i] = (top * factor - top) / DISCIPLINE_SCALE
    return [*levels, *fields, 0.0]
