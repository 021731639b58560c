"""The pgvector query behind matching: one HNSW probe with the resume's query vector over the roles'
match vectors (their product is the linear part of the match score: text similarity, weighted skill
overlap, seniority and discipline terms; see `ml.matching.resume_query_vector`), returning the
`candidates` best with what exact scoring needs, in one statement."""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg
from django.db import connection

from apps.careers.models import JobRole, RoleSkill
from apps.resumes.models import Resume, ResumeSkill
from apps.roadmap.models import Skill
from ml import matching

# How many roles the probe returns for exact scoring (at least k + CANDIDATE_MARGIN), and the HNSW
# search width. At 100,000 roles these keep ~0.97 of the brute-force top 10 (bench/matching.py; figures
# and trade-offs in docs/benchmarks.md).
CANDIDATES = 40
CANDIDATE_MARGIN = 30
EF_SEARCH = 160


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
