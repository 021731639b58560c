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
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BENCH_DB = "llmcoach_bench"
FAMILIES = {
    "LLM engineer": ["rag", "prompt-engineering", "llm-frameworks", "vector-databases", "fine-tuning", "llm-serving"],
    "Machine learning engineer": ["ml-fundamentals", "pytorch", "feature-engineering", "model-evaluation-metrics"],
    "Research scientist": ["research-papers", "pretraining", "scaling-laws", "transformer-architecture", "rlhf"],
    "Data scientist": ["probability-statistics", "ml-fundamentals", "databases-sql", "feature-engineering"],
    "MLOps engineer": ["mlops", "docker-kubernetes", "cloud-platforms", "experiment-tracking"],
    "Inference engineer": ["llm-serving", "quantization", "inference-optimization", "gpu-programming"],
    "NLP engineer": ["nlp-fundamentals", "tokenization", "word-embeddings", "hugging-face"],
    "Computer vision engineer": ["cnns", "vision-language", "pytorch", "diffusion-models"],
    "Speech engineer": ["speech-audio", "pytorch", "transformer-architecture"],
    "Recommender systems engineer": ["recommender-systems", "feature-engineering", "databases-sql"],
    "AI safety researcher": ["ai-safety", "rlhf", "dpo-preference", "prompt-injection"],
    "AI product manager": ["product-sense", "communication", "collaboration-leadership", "llm-evaluation"],
    "Backend engineer, AI platform": ["apis-backend", "databases-sql", "system-design", "docker-kubernetes"],
    "Agents engineer": ["agents-tool-use", "structured-output", "prompt-engineering", "llm-frameworks"],
    "Fine-tuning engineer": ["fine-tuning", "peft-lora", "distributed-training", "hugging-face"],
    # Adjacent fields (issue 13): their skills live past the first 128 skill slots, so they share
    # vector positions with the LLM skills (ml.matching.skill_position).
    "Frontend engineer": ["react", "typescript", "css", "javascript", "web-accessibility", "nextjs"],
    "Backend engineer": ["java", "spring-boot", "api-design", "message-brokers", "databases-sql", "caching-systems"],
    "Full-stack engineer": ["react", "nodejs", "typescript", "databases-sql", "graphql"],
    "Mobile engineer": ["swiftui", "ios-development", "kotlin", "android-development", "flutter"],
    "Data engineer": ["apache-spark", "kafka", "dbt", "workflow-orchestration", "data-modeling", "snowflake"],
    "Data analyst": ["advanced-sql", "tableau", "power-bi", "data-visualization", "kpis-metrics-design", "excel"],
    "Platform engineer": ["terraform", "kubernetes-operations", "observability", "github-actions", "aws-services"],
    "Security engineer": ["application-security", "penetration-testing", "threat-modeling", "siem-soc"],
    "Product manager": ["product-roadmapping", "user-research", "product-strategy", "prioritization-frameworks"],
}
# The discipline each synthetic family belongs to (ml.disciplines).
DISCIPLINE = {
    "LLM engineer": "llm_engineering", "Machine learning engineer": "ml_engineering", "Research scientist": "research",
    "Data scientist": "data_science", "MLOps engineer": "mlops", "Inference engineer": "llm_engineering",
    "NLP engineer": "llm_engineering", "Computer vision engineer": "ml_engineering", "Speech engineer": "ml_engineering",
    "Recommender systems engineer": "ml_engineering", "AI safety researcher": "research",
    "AI product manager": "ai_product", "Backend engineer, AI platform": "backend", "Agents engineer": "applied_ai",
    "Fine-tuning engineer": "llm_engineering", "Frontend engineer": "frontend", "Backend engineer": "backend",
    "Full-stack engineer": "fullstack", "Mobile engineer": "mobile", "Data engineer": "data_engineering",
    "Data analyst": "analytics", "Platform engineer": "devops", "Security engineer": "security",
    "Product manager": "product",
}
SENIORITIES = ["intern", "junior", "mid", "mid", "mid", "senior", "senior", "staff"]


def setup_django(keep: bool) -> None:
    """Point Django at the bench database (created fresh) before anything connects."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    import psycopg

    admin = psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres",
                            autocommit=True)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
    if exists and not keep:
        admin.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
        exists = None
    if not exists:
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    database["NAME"] = BENCH_DB
    settings.PRIVATE_UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    import django

    django.setup()


def raw_connection():  # type: ignore[no-untyped-def]
    import psycopg
    from django.conf import settings
    from pgvector.psycopg import register_vector

    database = settings.DATABASES["default"]
    conn = psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=BENCH_DB,
                           autocommit=True)
    register_vector(conn)
    return conn


def prepare_catalog_and_resumes() -> list[int]:
    """Migrate, load the catalog (then drop its roles), process the labelled resumes. Returns resume ids."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from apps.accounts.models import User
    from apps.careers.models import JobRole
    from apps.catalog.loader import load_catalog
    from apps.resumes import services
    from apps.resumes.models import Resume

    if Resume.objects.filter(status="ready").exists():
        return list(Resume.objects.filter(status="ready").values_list("id", flat=True))
    load_catalog()
    from apps.careers.services import roles_embed_missing

    roles_embed_missing()  # the catalog roles give each resume its discipline affinities when processed
    user, _ = User.objects.get_or_create(email="bench@example.com")
    fixtures = BASE_DIR / "tests" / "resumes" / "fixtures"
    texts = [(p.name, p.read_bytes()) for p in sorted(fixtures.iterdir()) if p.suffix in {".txt", ".md"}]
    # Plus long CVs (three people's histories in one file, 4-8 chunks): real resumes are rarely as short.
    texts += [(f"long-{i}.txt", b"\n\n".join(texts[(i + j) % len(texts)][1] for j in range(3)))
              for i in range(len(texts))]
    ids = []
    for name, data in texts:
        result = services.resume_upload(user=user, file=SimpleUploadedFile(name, data), filename=name)
        resume = services.resume_process(resume_id=result.resume.pk)
        if resume is not None and resume.status == "ready":
            ids.append(resume.pk)
    JobRole.objects.all().delete()  # the synthetic roles replace them
    return ids


def role_bases(rng: random.Random):  # type: ignore[no-untyped-def]
    """1,000 role texts and their embeddings: the centres the synthetic roles cluster around."""
    import numpy as np

    from apps.roadmap.models import Skill
    from ml.embeddings import get_encoder

    names = dict(Skill.objects.values_list("slug", "name"))
    all_slugs = sorted(names)
    bases = []
    for i in range(1000):
        family = list(FAMILIES)[i % len(FAMILIES)]
        seniority = SENIORITIES[i % len(SENIORITIES)]
        core = FAMILIES[family]
        extra = rng.sample(all_slugs, 4)
        skills = list(dict.fromkeys([*rng.sample(core, min(len(core), rng.randint(2, len(core)))), *extra]))
        text = (f"{seniority.title()} {family}. Works on {', '.join(names[s] for s in skills)}. "
                f"Day to day: builds, ships and evaluates systems using {names[skills[0]]} and {names[skills[-1]]}.")
        bases.append((family, seniority, skills, text))
    vectors = get_encoder().encode([b[3] for b in bases])
    return bases, np.asarray(vectors, dtype=np.float32)


def load_roles(n: int, bases, base_vectors, rng: random.Random) -> dict[str, float]:  # type: ignore[no-untyped-def]
    import numpy as np
    from pgvector import HalfVector
    from psycopg.types.json import Jsonb

    from apps.careers.models import Company
    from apps.careers.services import skill_vector_slots
    from apps.roadmap.models import Skill
    from ml import matching

    skill_ids = dict(Skill.objects.values_list("slug", "id"))
    all_skill_ids = list(skill_ids.values())
    slots = skill_vector_slots()
    companies = list(Company.objects.values_list("id", flat=True))
    np_rng = np.random.default_rng(rng.randint(0, 2**31))
    timings = {}
    with raw_connection() as conn:
        # DELETE, not TRUNCATE … CASCADE: that would follow accounts_user.target_role and empty the resumes too.
        conn.execute("UPDATE accounts_user SET target_role_id = NULL")
        conn.execute("DELETE FROM careers_roleskill")
        conn.execute("DELETE FROM careers_jobrole_hiring_companies")
        conn.execute("DROP INDEX IF EXISTS jobrole_match_hnsw")
        conn.execute("DELETE FROM careers_jobrole")
        conn.execute("VACUUM careers_jobrole")
        started = time.perf_counter()
        # Each role mixes a main role text with 1-2 others and noise: a continuum of roles with dense
        # near-duplicates, not isolated clusters (which no real catalog is, and which HNSW handles worst).
        which = np_rng.integers(0, len(bases), size=n)
        mix = np_rng.integers(0, len(bases), size=(n, 2))
        mix_weights = np_rng.uniform(0.0, 0.5, size=(n, 2)).astype(np.float32)
        noise = np_rng.normal(0, 0.03, size=(n, base_vectors.shape[1])).astype(np.float32)
        vectors = (base_vectors[which] + mix_weights[:, :1] * base_vectors[mix[:, 0]]
                   + mix_weights[:, 1:] * base_vectors[mix[:, 1]] + noise)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        role_rows, skill_rows = [], []
        for i in range(n):
            family, seniority, skills, _ = bases[which[i]]
            role_id = i + 1
            posting = rng.random() < 0.3
            seniority = SENIORITIES[rng.randrange(len(SENIORITIES))] if rng.random() < 0.3 else seniority
            chosen = {skill_ids[s] for s in skills if s in skill_ids}
            while len(chosen) < rng.randint(5, 9):
                chosen.add(rng.choice(all_skill_ids))
            weights = {skill_id: rng.randint(1, 3) for skill_id in sorted(chosen)}
            for skill_id, weight in weights.items():
                skill_rows.append((role_id, skill_id, weight))
            match_vector = matching.role_match_vector(
                vectors[i], {slots[skill_id]: w for skill_id, w in weights.items() if skill_id in slots}, seniority,
                DISCIPLINE[family])
            role_rows.append((role_id, f"bench-{role_id}", f"{family} #{role_id}", DISCIPLINE[family], "synthetic role",
                              seniority, rng.choice(companies) if posting and companies else None, posting,
                              Jsonb([]), Jsonb([]), vectors[i], HalfVector(match_vector)))
        timings["generate_s"] = time.perf_counter() - started
        started = time.perf_counter()
        # A bench database: skip the per-row foreign-key triggers during the bulk load.
        conn.execute("SET session_replication_role = replica")
        with conn.cursor() as cur:
            columns = ("id, slug, title, family, description, seniority, company_id, is_posting, interview_rounds, "
                       "sources, embedding, match_vector, salary_period, salary_currency, salary_region, source_url, "
                       "embedded_text_hash, created_at, updated_at")
            with cur.copy(f"COPY careers_jobrole ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["bigint", "varchar", "varchar", "varchar", "text", "varchar", "bigint", "bool",
                                "jsonb", "jsonb", "vector", "halfvec", "varchar", "varchar", "varchar", "varchar", "varchar",
                                "timestamptz", "timestamptz"])
                from django.utils import timezone

                now = timezone.now()
                for row in role_rows:
                    copy.write_row((*row, "year", "", "", "", "bench", now, now))
            with cur.copy("COPY careers_roleskill (role_id, skill_id, weight) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["bigint", "bigint", "int2"])
                for row in skill_rows:
                    copy.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('careers_jobrole', 'id'), %s)", [n])
        conn.execute("SET session_replication_role = DEFAULT")
        timings["load_s"] = time.perf_counter() - started
        conn.execute("ANALYZE careers_jobrole")
        conn.execute("ANALYZE careers_roleskill")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        started = time.perf_counter()
        conn.execute(index_ddl())
        timings["build_s"] = time.perf_counter() - started
        timings["index_mb"] = conn.execute("SELECT pg_relation_size('jobrole_match_hnsw') / 1e6").fetchone()[0]
    return timings


def index_ddl() -> str:
    """The CREATE INDEX the migration runs for JobRole's match-vector index."""
    from django.db import connection

    from apps.careers.models import JobRole

    index = next(i for i in JobRole._meta.indexes if i.name == "jobrole_match_hnsw")
    with connection.schema_editor() as editor:
        return str(index.create_sql(JobRole, editor))


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
