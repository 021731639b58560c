"""Reads for resume pages and the API, including the pgvector query behind matching.

The match of a resume against every role (`role_candidates`), in one statement: one HNSW probe
with the resume's query vector over the roles' match vectors, whose product is the linear part of the match score (text similarity and weighted skill overlap, plus a seniority
term; see `ml.matching.resume_query_vector`). The `candidates` best are then scored exactly
(`ml.matching.score_role`), and `resume_match_result` adds the explanation (skills, and the
roadmap topics and projects that teach each missing skill).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.careers.models import Company, JobRole, RoleSkill
from apps.core.exceptions import NotFound
from apps.resumes.models import Resume, ResumeSkill
from apps.resumes.retrieval import (  # noqa: F401 - re-exported for bench/ and tests
    CANDIDATE_MARGIN,
    CANDIDATES,
    EF_SEARCH,
    Candidates,
    _halfvec_literal,
    _prepared_cursor,
    _PreparingCursor,
    _query_ctes,
    _query_params,
    candidate_sql,
    query_vector_for,
    resume_match_inputs,
    resume_profile,
    role_candidates,
)
from apps.roadmap.models import ProjectTemplate, Skill, Stage, Topic, Track
from apps.roadmap.selectors import skill_matcher  # noqa: F401 - the matcher lives with the skills; kept here for callers
from ml import matching

TOPICS_PER_GAP = 3
PROJECTS_PER_GAP = 2
LEVELS = ("beginner", "intermediate", "advanced")  # easiest project first


def resume_list(*, user: User) -> QuerySet[Resume]:
    return Resume.objects.filter(user=user).order_by("-created_at", "-id")


def resume_get(*, user: User, resume_id: int) -> Resume:
    """The learner's own resume; anyone else's is a 404 (never reveal it exists)."""
    resume = Resume.objects.filter(user=user, pk=resume_id).first()
    if resume is None:
        raise NotFound("Resume not found.")
    return resume


def resume_skill_slugs(*, resume: Resume) -> list[str]:
    return list(
        ResumeSkill.objects.filter(resume=resume).order_by("-evidence", "-mentions", "skill__slug")
        .values_list("skill__slug", flat=True)
    )


def resume_skills(*, resume: Resume) -> list[Skill]:
    """The taxonomy skills found in the resume, best evidenced first."""
    return list(Skill.objects.filter(resume_skills__resume=resume)
                .order_by("-resume_skills__evidence", "-resume_skills__mentions", "name"))


@dataclass(frozen=True)
class SkillRef:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class CompanyRef:
    id: int
    slug: str
    name: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class RoleRef:
    """The role fields a match shows (read in the same query as the explanation)."""

    id: int
    slug: str
    title: str
    seniority: str
    is_posting: bool
    company: CompanyRef | None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def seniority_label(self) -> str:
        return str(JobRole.Seniority(self.seniority).label) if self.seniority in JobRole.Seniority.values else ""


@dataclass(frozen=True)
class GapTopic:
    """A roadmap topic that teaches a missing skill (links to `roadmap:topic`)."""

    id: int
    title: str
    track: str  # track slug
    track_title: str


@dataclass(frozen=True)
class GapProject:
    """A portfolio project template that practises a missing skill."""

    id: int
    title: str
    level: str


@dataclass
class SkillGap:
    """A role skill the resume does not show, with where to learn it."""

    skill: SkillRef
    weight: int
    topics: list[GapTopic] = field(default_factory=list)
    projects: list[GapProject] = field(default_factory=list)


@dataclass
class RoleMatch:
    role: RoleRef
    score: matching.RoleScore
    matched: list[SkillRef] = field(default_factory=list)
    gaps: list[SkillGap] = field(default_factory=list)


@dataclass
class CompanyFit:
    """A company's fit: its best roles for the resume (with their scores) and the resume's skills they ask for."""

    company: CompanyRef
    score: matching.CompanyScore
    roles: list[tuple[RoleRef, int]]
    skills: list[SkillRef]


COMPANY_ROLES_SHOWN = 3
COMPANY_SKILLS_SHOWN = 5


@dataclass
class MatchResult:
    roles: list[RoleMatch]
    companies: list[CompanyFit]


def resume_match_result(*, resume: Resume, k: int = 10, explain: bool = True, exact: bool = False,
                        candidates: int = CANDIDATES, ef_search: int = EF_SEARCH, companies: int = 0) -> MatchResult:
    """The whole match: candidates, scores, and (with `explain`) skills, gaps, topics and projects.

    Two statements whatever the number of roles, chunks or gaps: the candidates (with the resume's
    skills), then the explanation of the top `k` (roles, skills, topics, projects, companies).
    """
    found = role_candidates(resume=resume, candidates=max(candidates, k + CANDIDATE_MARGIN),
                            ef_search=ef_search, exact=exact)
    profile = resume_profile(resume=resume, skills=found.resume_skills)
    all_scores = matching.rank_roles(profile, found.roles, k=len(found.roles))
    top = all_scores[:k]
    company_scores = matching.rank_companies(all_scores, found.companies)[:companies] if companies else []
    missing = sorted({slug for s in top for slug in s.missing_skills}) if explain else []
    shown = sorted({slug for s in top for slug in s.matched_skills} | set(missing)) if explain else []
    company_roles = {rid for c in company_scores for rid in c.role_ids[:COMPANY_ROLES_SHOWN]}
    company_skills = {slug for c in company_scores for slug in c.skills[:COMPANY_SKILLS_SHOWN]}
    with _prepared_cursor() as cursor:
        cursor.execute(explanation_sql(), {
            "roles": sorted({s.role_id for s in top} | company_roles), "skills": sorted(set(shown) | company_skills),
            "missing": missing, "companies": [c.company_id for c in company_scores], "levels": list(LEVELS),
            "topics": TOPICS_PER_GAP + 2, "projects": PROJECTS_PER_GAP,
        })
        role_rows, skill_rows, topic_rows, project_rows, company_rows = cursor.fetchone()
    company_by_id = {row[0]: CompanyRef(*row) for row in company_rows or []}
    roles = {}
    for row in role_rows or []:
        company = CompanyRef(row["company_id"], row["company_slug"], row["company_name"]) if row["company_id"] else None
        roles[row["id"]] = RoleRef(row["id"], row["slug"], row["title"], row["seniority"], row["is_posting"], company)
    matches = [RoleMatch(role=roles[s.role_id], score=s) for s in top if s.role_id in roles]
    if explain:
        _explain(matches, found, skill_rows or [], topic_rows or [], project_rows or [])
    skills = {slug: SkillRef(skill_id, slug, name) for skill_id, slug, name in skill_rows or []}
    score_of = {s.role_id: s.score for s in all_scores}
    ranked_companies = [
        CompanyFit(company=company_by_id[c.company_id], score=c,
                   roles=[(roles[rid], score_of[rid]) for rid in c.role_ids[:COMPANY_ROLES_SHOWN] if rid in roles],
                   skills=[skills[slug] for slug in c.skills[:COMPANY_SKILLS_SHOWN] if slug in skills])
        for c in company_scores if c.company_id in company_by_id
    ]
    return MatchResult(roles=matches, companies=ranked_companies)


def resume_matches(*, resume: Resume, k: int = 10, explain: bool = True, exact: bool = False) -> list[RoleMatch]:
    """The `k` best roles for the resume, best first."""
    return resume_match_result(resume=resume, k=k, explain=explain, exact=exact).roles


def explanation_sql() -> str:
    """One statement for what the page shows around the scores: the top roles (with their posting
    company), the skills named, for each missing skill its first roadmap topics and easiest projects
    (limited per skill by a window, so the catalog's size does not matter), and the ranked companies."""
    role, company, skill = JobRole._meta.db_table, Company._meta.db_table, Skill._meta.db_table
    topic, project = Topic._meta.db_table, ProjectTemplate._meta.db_table
    stage, track = Stage._meta.db_table, Track._meta.db_table
    topic_skill = Topic.skills.through._meta.db_table
    project_skill = ProjectTemplate.skills.through._meta.db_table
    return f"""
        SELECT
          (SELECT json_agg(json_build_object(
                    'id', r.id, 'slug', r.slug, 'title', r.title, 'seniority', r.seniority,
                    'is_posting', r.is_posting, 'company_id', c.id, 'company_slug', c.slug, 'company_name', c.name))
             FROM {role} r LEFT JOIN {company} c ON c.id = r.company_id
            WHERE r.id = ANY(%(roles)s::bigint[])),
          (SELECT json_agg(json_build_array(s.id, s.slug, s.name))
             FROM {skill} s WHERE s.slug = ANY(%(skills)s::text[])),
          (SELECT json_agg(json_build_array(x.slug, x.id, x.title, x.track, x.track_title) ORDER BY x.slug, x.rank)
             FROM (SELECT s.slug, t.id, t.title, tr.slug AS track, tr.title AS track_title,
                          row_number() OVER (PARTITION BY ts.skill_id
                                             ORDER BY tr."order", tr.id, st."order", t."order", t.id) AS rank
                     FROM {topic_skill} ts JOIN {skill} s ON s.id = ts.skill_id
                     JOIN {topic} t ON t.id = ts.topic_id JOIN {stage} st ON st.id = t.stage_id
                     JOIN {track} tr ON tr.id = st.track_id
                    WHERE s.slug = ANY(%(missing)s::text[])) x
            WHERE x.rank <= %(topics)s),
          (SELECT json_agg(json_build_array(x.slug, x.id, x.title, x.level) ORDER BY x.slug, x.rank)
             FROM (SELECT s.slug, p.id, p.title, p.level,
                          row_number() OVER (PARTITION BY ps.skill_id
                                             ORDER BY array_position(%(levels)s::text[], p.level::text), p.title, p.id)
                            AS rank
                     FROM {project_skill} ps JOIN {skill} s ON s.id = ps.skill_id
                     JOIN {project} p ON p.id = ps.projecttemplate_id
                    WHERE s.slug = ANY(%(missing)s::text[])) x
            WHERE x.rank <= %(projects)s),
          (SELECT json_agg(json_build_array(c.id, c.slug, c.name))
             FROM {company} c WHERE c.id = ANY(%(companies)s::bigint[]))
    """  # noqa: S608 - table names come from model metadata, values are parameters


def _explain(matches: list[RoleMatch], candidates: Candidates, skill_rows: list, topic_rows: list,
             project_rows: list, weights: dict[str, int] | None = None) -> None:
    role_weights_by_id = {c.role_id: c.skills for c in candidates.roles}
    skills = {slug: SkillRef(skill_id, slug, name) for skill_id, slug, name in skill_rows}
    topics: dict[str, list[GapTopic]] = {}
    for slug, *topic in topic_rows:
        bucket = topics.setdefault(slug, [])
        if len(bucket) < TOPICS_PER_GAP and all(t.title != topic[1] for t in bucket):  # same topic, other track
            bucket.append(GapTopic(*topic))
    projects: dict[str, list[GapProject]] = {}
    for slug, *project in project_rows:
        projects.setdefault(slug, []).append(GapProject(*project))
    for match in matches:
        match.matched = [skills[s] for s in match.score.matched_skills if s in skills]
        role_weights = weights if weights is not None else role_weights_by_id.get(match.role.pk, {})
        match.gaps = [
            SkillGap(skill=skills[s], weight=role_weights.get(s, 1), topics=topics.get(s, []),
                     projects=projects.get(s, []))
            for s in match.score.missing_skills if s in skills
        ]


def skill_gaps(*, missing: dict[str, int]) -> list[SkillGap]:
    """Missing skills (slug → weight, heaviest first) with the topics and projects that teach them (one statement)."""
    slugs = sorted(missing)
    with _prepared_cursor() as cursor:
        cursor.execute(explanation_sql(), {
            "roles": [], "skills": slugs, "missing": slugs, "companies": [], "levels": list(LEVELS),
            "topics": TOPICS_PER_GAP + 2, "projects": PROJECTS_PER_GAP,
        })
        _, skill_rows, topic_rows, project_rows, _ = cursor.fetchone()
    match = RoleMatch(role=None, score=matching.RoleScore(0, 0, 0, 0, 1, [], list(missing)))  # type: ignore[arg-type]
    _explain([match], Candidates(roles=[], companies={}, resume_skills={}), skill_rows or [], topic_rows or [],
             project_rows or [], weights=missing)
    return match.gaps


def resume_interview_skills(resume: Resume, role: JobRole | None = None) -> list[str]:
    """Skill slugs to interview this learner on: the resume's skills (best evidenced first), then the
    role's skills the resume is missing (heaviest first). For the interviews app's question picking."""
    have = resume_skill_slugs(resume=resume)
    if role is None:
        return have
    owned = set(have)
    missing = [slug for slug in RoleSkill.objects.filter(role=role).order_by("-weight", "skill__slug")
               .values_list("skill__slug", flat=True) if slug not in owned]
    return [*have, *missing]
