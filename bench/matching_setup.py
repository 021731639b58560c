"""Setting up the matching benchmark (bench/matching.py): its own database, the catalog and the
labelled resumes processed through the real service, and N synthetic roles bulk-loaded with COPY."""

from __future__ import annotations

import os
import random
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
