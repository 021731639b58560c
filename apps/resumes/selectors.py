"""Reads for resume pages and the API, including the pgvector query behind matching.

The match of a resume against every role (`role_candidates`), in one statement: one HNSW probe
with the resume's query vector over the roles' match vectors, whose product is the linear part of the match score (text similarity and weighted skill overlap, plus a seniority
term; see `ml.matching.resume_query_vector`). The `candidates` best are then scored exactly
(`ml.matching.score_role`), and `resume_match_result` adds the explanation (skills, and the
roadmap topics and projects that teach each missing skill).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import psycopg
from django.db import connection
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.careers.models import Company, JobRole, RoleSkill
from apps.core.exceptions import NotFound
from apps.resumes.models import Resume, ResumeSkill
from apps.roadmap.models import ProjectTemplate, Skill, Stage, Topic, Track
from apps.roadmap.selectors import skill_matcher  # noqa: F401 - the matcher lives with the skills; kept here for callers
from ml import matching

# How many roles the probe returns for exact scoring (at least k + CANDIDATE_MARGIN), and the HNSW
# search width. At 100,000 roles these keep ~0.97 of the brute-force top 10 (bench/matching.py; figures
# and trade-offs in docs/benchmarks.md).
CANDIDATES = 40
CANDIDATE_MARGIN = 30
EF_SEARCH = 160
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


def resume_profile(*, resume: Resume, skills: dict[str, float] | None = None) -> matching.ResumeProfile:
    """What scoring needs to know about the resume (its skills read unless given)."""
    if skills is None:
        skills = dict(ResumeSkill.objects.filter(resume=resume).values_list("skill__slug", "evidence"))
    return matching.ResumeProfile(skills=skills, years_experience=resume.years_experience,
                                  has_experience=resume.has_experience, disciplines=resume.disciplines or {},
                                  top_linear=resume.top_linear)


@dataclass(frozen=True)
class Candidates:
    roles: list[matching.RoleCandidate]
    companies: dict[int, list[int]]  # role id → company ids (its posting company and hiring companies)
    resume_skills: dict[str, float]  # the resume's skills: slug → evidence


class _PreparingCursor(psycopg.Cursor):  # type: ignore[type-arg]
    """Server-side binding, and every statement prepared on the connection (psycopg keeps an LRU of them)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):  # type: ignore[no-untyped-def,override]
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def _prepared_cursor():  # type: ignore[no-untyped-def]
    """A Django cursor (query logging and execute wrappers intact) whose statements are prepared once per
    connection, so PostgreSQL stops planning the matching statements on every match (~2 ms of a whole
    match; docs/benchmarks.md). Django leaves prepared statements off elsewhere (its client-side
    binding cannot use them). Needs session pooling if a pooler sits in front of PostgreSQL."""
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django sets None, which turns preparing off for the whole connection. Its own cursors bind
        # client-side and never prepare, so a threshold nothing reaches only lets prepare=True through.
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _PreparingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _halfvec_literal(vector: list[float]) -> str:
    return "[" + ",".join(["%.5g" % v for v in vector]) + "]"  # noqa: UP031 - twice as fast as f-strings here


def _query_ctes(*, ef_search: int) -> str:
    """`mine` (the resume's skills) and `q` (the search width, the resume's embedding, its query vector
    and its skills as JSON text), assembled as `ml.matching.resume_query_vector` builds the vector."""
    skill_table, resume_table = Skill._meta.db_table, Resume._meta.db_table
    resume_skill_table = ResumeSkill._meta.db_table
    # The search width is set inside the statement (local to its transaction) by the CTE the query
    # vector depends on, so it is in force before the index is probed: no extra round trips. It and
    # the LIMIT are part of the text, not parameters: with only the resume as a parameter the
    # prepared statement keeps one generic plan (an unknown LIMIT made the planner prefer a full sort).
    return f"""mine AS MATERIALIZED (
            SELECT s.slug, s.vector_slot, rs.evidence
            FROM {resume_skill_table} rs JOIN {skill_table} s ON s.id = rs.skill_id WHERE rs.resume_id = %(resume)s
        ), q AS MATERIALIZED (
            SELECT set_config('hnsw.ef_search', '{int(ef_search)}', true),
                   res.embedding AS embedding,
                   res.embedding::halfvec({matching.EMBEDDING_DIM})
                   || (SELECT array_agg(coalesce(pos.evidence, 0) * %(skill_factor)s ORDER BY slot)
                         FROM generate_series(0, {matching.SKILL_SLOTS - 1}) AS slot
                         LEFT JOIN (SELECT mine.vector_slot %% {matching.SKILL_SLOTS} AS position,
                                           sum(least(mine.evidence, 1)) AS evidence
                                      FROM mine WHERE mine.vector_slot IS NOT NULL GROUP BY 1) pos
                           ON pos.position = slot)::real[]::halfvec
                   || %(tail)s::halfvec AS v,
                   (SELECT json_object_agg(slug, evidence) FROM mine)::text AS skills
            FROM {resume_table} res WHERE res.id = %(resume)s
        )"""  # noqa: S608 - table names come from model metadata, values are parameters


def _query_params(resume: Resume) -> dict[str, object]:
    tail = matching.query_tail(resume_profile(resume=resume, skills={}))
    return {"resume": resume.pk, "tail": _halfvec_literal(tail), "skill_factor": matching.QUERY_SKILL_FACTOR}


def query_vector_for(*, resume: Resume) -> list[float]:
    """The query vector the candidate statement builds for this resume (for tests and the bench)."""
    with _prepared_cursor() as cursor:
        cursor.execute(f"WITH {_query_ctes(ef_search=EF_SEARCH)} SELECT q.v::text FROM q",  # noqa: S608
                       _query_params(resume))
        row = cursor.fetchone()
    return [float(v) for v in row[0].strip("[]").split(",")] if row and row[0] else []


def candidate_sql(*, candidates: int = CANDIDATES, ef_search: int = EF_SEARCH, exact: bool = False) -> str:
    """The candidate query: the `candidates` roles whose match vector is closest (cosine, which ranks as
    the inner product does: role vectors have equal lengths) to the resume's query vector, plus any
    role whose match vector is not built yet; each with its text similarity to the resume, its skill
    weights, seniority and companies, and (on every row) the resume's skills.

    The query vector is assembled here as `ml.matching.resume_query_vector` builds it: the resume's
    embedding, its skills' evidence in their slots, and `ml.matching.query_tail` (from Python).
    `exact` orders by an expression the HNSW index cannot serve: the same query as a full scan.
    """
    order = "(r.match_vector <=> q.v) + 0" if exact else "r.match_vector <=> q.v"
    role_table, role_skill_table = JobRole._meta.db_table, RoleSkill._meta.db_table
    skill_table = Skill._meta.db_table
    hiring_table = JobRole.hiring_companies.through._meta.db_table
    return f"""
        WITH {_query_ctes(ef_search=max(ef_search, candidates))}, hit AS MATERIALIZED (
            (SELECT near.id FROM q CROSS JOIN LATERAL (
                SELECT r.id FROM {role_table} r ORDER BY {order} LIMIT {int(candidates)}
             ) AS near)
            UNION
            (SELECT r.id FROM {role_table} r WHERE r.match_vector IS NULL AND r.embedding IS NOT NULL)
        ), weights AS (
            SELECT rs.role_id, array_agg(s.slug) AS slugs, array_agg(rs.weight) AS weights
            FROM hit JOIN {role_skill_table} rs ON rs.role_id = hit.id JOIN {skill_table} s ON s.id = rs.skill_id
            GROUP BY rs.role_id
        ), hiring AS (
            SELECT h.jobrole_id AS role_id, array_agg(h.company_id) AS companies
            FROM hit JOIN {hiring_table} h ON h.jobrole_id = hit.id
            GROUP BY h.jobrole_id
        )
        SELECT r.id, r.seniority, 1 - (r.embedding <=> q.embedding), weights.slugs, weights.weights,
               hiring.companies, r.company_id, q.skills, r.family
        FROM q, hit JOIN {role_table} r ON r.id = hit.id
        LEFT JOIN weights ON weights.role_id = r.id
        LEFT JOIN hiring ON hiring.role_id = r.id
        WHERE r.embedding IS NOT NULL
    """  # noqa: S608 - table names come from model metadata, values are parameters


def resume_match_inputs(*, resume: Resume) -> tuple[matching.ResumeProfile, dict[int, float]]:
    """The resume's profile for scoring, and its skills by match-vector slot (one query)."""
    with _prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT s.slug, s.vector_slot, rs.evidence FROM {ResumeSkill._meta.db_table} rs "  # noqa: S608
            f"JOIN {Skill._meta.db_table} s ON s.id = rs.skill_id WHERE rs.resume_id = %(resume)s",
            {"resume": resume.pk},
        )
        rows = cursor.fetchall()
    profile = resume_profile(resume=resume, skills={slug: evidence for slug, _, evidence in rows})
    return profile, {slot: evidence for _, slot, evidence in rows if slot is not None}


def role_candidates(*, resume: Resume, candidates: int = CANDIDATES, ef_search: int = EF_SEARCH,
                    exact: bool = False) -> Candidates:
    """The roles worth scoring exactly for this resume, with what scoring needs, in one statement."""
    if resume.embedding is None:  # not processed (or processing failed before embedding): nothing to match on
        return Candidates(roles=[], companies={}, resume_skills=dict(resume_match_inputs(resume=resume)[0].skills))
    with _prepared_cursor() as cursor:
        cursor.execute(candidate_sql(candidates=candidates, ef_search=ef_search, exact=exact), _query_params(resume))
        rows = cursor.fetchall()
    roles, companies = [], {}
    for role_id, seniority, similarity, slugs, weights, hiring, posting_company, _, family in rows:
        roles.append(matching.RoleCandidate(role_id=role_id, seniority=seniority, similarity=similarity,
                                            skills=dict(zip(slugs or (), weights or (), strict=True)),
                                            discipline=family))
        linked = list(hiring or [])
        if posting_company and posting_company not in linked:
            linked.insert(0, posting_company)
        companies[role_id] = linked
    # The resume's skills ride along on every row (as text: psycopg would parse a json column per row).
    skills = json.loads(rows[0][7] or "{}") if rows else dict(resume_match_inputs(resume=resume)[0].skills)
    return Candidates(roles=roles, companies=companies, resume_skills=skills)


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
