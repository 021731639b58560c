"""Resume ↔ role matching at scale: p50/p95 of the whole match with HNSW and with an exact scan, and recall@10.

    .venv/bin/python bench/matching.py                      # 10,000 and 100,000 roles
    .venv/bin/python bench/matching.py --roles 20000 --runs 100

Never touches learner data: it creates its own database (`llmcoach_bench`; dropped at the end
unless --keep, which also reuses it on the next run) in the embedded PostgreSQL, migrates it, loads the catalog (skills, tracks,
topics, projects for the explanation), processes the labelled test resumes through the real service
(real text, real embeddings), then bulk-loads N synthetic roles with COPY (FORMAT BINARY) and
builds the match-vector HNSW index as the migration declares it.

Synthetic roles: 1,000 role texts (family × seniority × a random slice of skills) embedded with the
real encoder; each synthetic role is one of them mixed with up to two others (weights 0-0.5) plus
Gaussian noise, so there are many near-duplicates, as in job postings, on a continuum of roles. Each gets 5-9 weighted skills drawn
around its base text's skills, a seniority, and (for 30%) a posting company.

"Whole match" = `apps.resumes.selectors.resume_match_result(k=10, explain=True, companies=5)`: the
resume's skills, one HNSW probe (cosine over the match vectors), exact scoring of the candidates
(text similarity, skill overlap, seniority evidence), role rows, gap topics and projects, company
ranking; as a page or the API runs it.

Recall@10 is measured against the brute force: every role scored exactly by `ml.matching.score_role`
(numpy pre-scores all N roles, the best 300 are scored by the real function) — the ranking a
learner would get if we had all the time in the world. "Exact scan" is the same statement as the
HNSW row with an ordering the index cannot serve.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching_setup import (
    BENCH_DB,
    load_roles,
    prepare_catalog_and_resumes,
    raw_connection,
    role_bases,
    setup_django,
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def time_matches(resume_ids: list[int], runs: int, **options: object) -> tuple[list[float], dict[int, list[tuple[int, int]]]]:
    from apps.resumes import selectors
    from apps.resumes.models import Resume

    resumes = list(Resume.objects.filter(pk__in=resume_ids))
    latencies, top10 = [], {}
    for resume in resumes:  # warm up caches and the connection
        result = selectors.resume_match_result(resume=resume, k=10, companies=5, **options)  # type: ignore[arg-type]
        top10[resume.pk] = [(m.role.pk, m.score.score) for m in result.roles]
    for i in range(runs):
        resume = resumes[i % len(resumes)]
        started = time.perf_counter()
        result = selectors.resume_match_result(resume=resume, k=10, companies=5, **options)  # type: ignore[arg-type]
        latencies.append((time.perf_counter() - started) * 1000)
        top10[resume.pk] = [(m.role.pk, m.score.score) for m in result.roles]
    return latencies, top10


def brute_force_top10(resume_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Every role scored for every resume: numpy pre-scores all roles with the score's formula, then the
    best 300 go through `ml.matching.score_role` itself, ranked as `rank_roles` ranks."""
    import numpy as np

    from apps.resumes import selectors
    from apps.resumes.models import Resume
    from ml import matching

    with raw_connection() as conn:
        ids, embeddings, seniorities, families = [], [], [], []
        for role_id, embedding, seniority, family in conn.execute(
                "SELECT id, embedding, seniority, family FROM careers_jobrole WHERE embedding IS NOT NULL ORDER BY id"):
            ids.append(role_id)
            embeddings.append(embedding.to_numpy())
            seniorities.append(seniority)
            families.append(family)
        slugs = [row[0] for row in conn.execute("SELECT slug FROM roadmap_skill ORDER BY id")]
        column = {slug: i for i, slug in enumerate(slugs)}
        row_of = {role_id: i for i, role_id in enumerate(ids)}
        weights = np.zeros((len(ids), len(slugs)), dtype=np.float32)
        role_skills: dict[int, dict[str, int]] = {}
        for role_id, slug, weight in conn.execute(
                "SELECT rs.role_id, s.slug, rs.weight FROM careers_roleskill rs JOIN roadmap_skill s ON s.id = rs.skill_id"):
            weights[row_of[role_id], column[slug]] = weight
            role_skills.setdefault(role_id, {})[slug] = weight
    matrix = np.asarray(embeddings, dtype=np.float32)
    totals = np.maximum(weights.sum(axis=1), 1e-9)
    seniority_index = np.asarray([matching.SENIORITIES.index(s) for s in seniorities])
    truth = {}
    for resume in Resume.objects.filter(pk__in=resume_ids):
        profile, _ = selectors.resume_match_inputs(resume=resume)
        similarity = matrix @ np.asarray(resume.embedding, dtype=np.float32)
        semantic = np.clip((similarity - matching.SEMANTIC_LOW) / (matching.SEMANTIC_HIGH - matching.SEMANTIC_LOW), 0, 1)
        evidence = np.zeros(len(slugs), dtype=np.float32)
        for slug, value in profile.skills.items():
            evidence[column[slug]] = min(1.0, value)
        overlap = (weights @ evidence) / totals
        factors, caps = [], []
        for seniority in matching.SENIORITIES:
            factor, cap, _ = matching.evidence_factor(seniority, profile)
            factors.append(factor)
            caps.append(100 if cap is None else cap)
        factor_of = {family: matching.discipline_fit(profile, family)[0] for family in set(families)}
        field_factor = np.asarray([factor_of[family] for family in families], dtype=np.float32)
        score = np.minimum(100 * np.asarray(factors)[seniority_index] * field_factor
                           * (matching.W_SEMANTIC * semantic + matching.W_SKILLS * overlap),
                           np.asarray(caps)[seniority_index])
        best = np.argsort(-score)[:300]
        candidates = [matching.RoleCandidate(role_id=ids[i], seniority=seniorities[i], similarity=float(similarity[i]),
                                             skills=role_skills.get(ids[i], {}), discipline=families[i]) for i in best]
        truth[resume.pk] = [(s.role_id, s.score) for s in matching.rank_roles(profile, candidates, k=10)]
    return truth


def match_recall(hnsw: dict[int, list[tuple[int, int]]], exact: dict[int, list[tuple[int, int]]]) -> tuple[float, float]:
    """(strict, score-tolerant) recall@10 of the whole match. Strict: the same role ids. Tolerant: a
    role counts when its score reaches the exact 10th score (near-duplicate roles tie on score)."""
    strict, tolerant = [], []
    for resume_id, reference in exact.items():
        got = hnsw.get(resume_id, [])
        if not reference:
            continue
        ids = {role for role, _ in reference}
        tenth = reference[-1][1]
        strict.append(len(ids & {role for role, _ in got}) / len(reference))
        tolerant.append(min(1.0, sum(1 for role, score in got if role in ids or score >= tenth) / len(reference)))
    return statistics.mean(strict), statistics.mean(tolerant)


def probe_figures(resume_ids: list[int], ef_search: int, candidates: int) -> dict[str, float]:
    """The bare probe (the candidate statement alone): its p50/p95, and its recall of the exact scan's
    candidates (the same statement ordered so that the index cannot serve it)."""
    from django.db import connection

    from apps.resumes import selectors
    from apps.resumes.models import Resume

    recalls, latencies = [], []
    for resume in Resume.objects.filter(pk__in=resume_ids):
        exact = {c.role_id for c in selectors.role_candidates(resume=resume, candidates=candidates, exact=True).roles}
        for _ in range(3):
            started = time.perf_counter()
            approx = selectors.role_candidates(resume=resume, candidates=candidates, ef_search=ef_search).roles
            latencies.append((time.perf_counter() - started) * 1000)
        recalls.append(len(exact & {c.role_id for c in approx}) / max(1, len(exact)))
    connection.close()
    return {"recall": statistics.mean(recalls), "p50": percentile(latencies, 50), "p95": percentile(latencies, 95)}


def explain(resume_id: int, ef_search: int) -> str:
    from django.db import connection

    from apps.resumes import selectors
    from apps.resumes.models import Resume

    resume = Resume.objects.get(pk=resume_id)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + selectors.candidate_sql(ef_search=ef_search),
                       selectors._query_params(resume))
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--roles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=300, help="timed whole matches per configuration (HNSW)")
    parser.add_argument("--exact-runs", type=int, default=33, help="timed whole matches with an exact scan")
    parser.add_argument("--ef-search", type=int, nargs="+", default=[60, 120, 200])
    parser.add_argument("--candidates", type=int, default=None, help="roles scored exactly (default: the selector's)")
    parser.add_argument("--keep", action="store_true", help="reuse the bench database from a previous run")
    parser.add_argument("--reuse-roles", action="store_true", help="with --keep: do not reload the roles")
    parser.add_argument("--explain", action="store_true", help="print the plan of the candidate query")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    setup_django(args.keep)
    from apps.resumes import selectors
    from apps.resumes.models import ResumeChunk

    rng = random.Random(args.seed)
    started = time.perf_counter()
    resume_ids = prepare_catalog_and_resumes()
    chunks = ResumeChunk.objects.filter(resume_id__in=resume_ids).count()
    print(f"# {len(resume_ids)} resumes ({chunks} chunks, {chunks / len(resume_ids):.1f} per resume), "
          f"prepared in {time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs")
    bases, base_vectors = role_bases(rng)
    candidates = args.candidates or selectors.CANDIDATES
    for n in args.roles:
        if args.reuse_roles:
            print(f"\n## {n:,} roles (reused from the kept database)")
        else:
            timings = load_roles(n, bases, base_vectors, rng)
            print(f"\n## {n:,} roles: generated in {timings['generate_s']:.1f} s, COPY load {timings['load_s']:.1f} s "
                  f"(roles + role skills), HNSW build {timings['build_s']:.1f} s ({timings['index_mb']:.0f} MB); "
                  f"load average {os.getloadavg()[0]:.1f}")
        if args.explain:
            print(explain(resume_ids[0], args.ef_search[0]))
        started = time.perf_counter()
        truth = brute_force_top10(resume_ids)
        print(f"(brute force: every role scored for {len(truth)} resumes in {time.perf_counter() - started:.1f} s)")
        print(f"| search ({candidates} candidates) | whole match p50 ms | p95 ms | recall@10 vs brute force, strict | "
              "score-tolerant | probe recall of exact-scan candidates | probe p50 / p95 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        exact_ms, exact_top = time_matches(resume_ids, args.exact_runs, exact=True, candidates=candidates)
        strict, tolerant = match_recall(exact_top, truth)
        print(f"| exact scan | {percentile(exact_ms, 50):.1f} | {percentile(exact_ms, 95):.1f} | {strict:.3f} | "
              f"{tolerant:.3f} | 1 | |")
        for ef in args.ef_search:
            hnsw_ms, hnsw_top = time_matches(resume_ids, args.runs, ef_search=ef, candidates=candidates)
            strict, tolerant = match_recall(hnsw_top, truth)
            probe = probe_figures(resume_ids, ef, candidates)
            print(f"| HNSW ef_search {ef} | {percentile(hnsw_ms, 50):.1f} | {percentile(hnsw_ms, 95):.1f} | "
                  f"{strict:.3f} | {tolerant:.3f} | {probe['recall']:.3f} | {probe['p50']:.2f} / {probe['p95']:.2f} |")
        print(f"(load average {os.getloadavg()[0]:.1f})")
    if not args.keep:
        drop_bench_database()


def drop_bench_database() -> None:
    """Leave nothing behind: the bench database and the uploaded fixture files."""
    import shutil

    import psycopg
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    database = settings.DATABASES["default"]
    with psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres",
                         autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    shutil.rmtree(settings.PRIVATE_UPLOAD_DIR, ignore_errors=True)

if __name__ == "__main__":
    main()
