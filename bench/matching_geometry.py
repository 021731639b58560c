"""How the match vector's role-side scales (and the HNSW parameters) change what one probe finds.

    .venv/bin/python bench/matching.py --roles 100000 --ef-search 160 --runs 10 --exact-runs 1 --keep
    .venv/bin/python bench/matching_geometry.py --discipline 0.45 0.1 --ef-search 120 160

Reads the roles and resumes a kept bench database holds (`bench/matching.py --keep`), rebuilds every
role's vector and every resume's query vector with the given scales in numpy (as
`ml.matching.role_match_vector` / `resume_query_vector` build them: the product, so the exact ranking,
does not depend on the scales), loads them into a scratch table, builds the HNSW index (cosine, the
migration's opclass) and probes it once per resume. Prints the probe's recall of the exact 40 best
products and the recall@10 of exact scoring over what it returned, against every role scored
(numpy, as the bench's brute force). One graph build per configuration: builds of the same
configuration differ by about ±0.01-0.02 in recall.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching_setup import raw_connection, setup_django


def load(conn):  # type: ignore[no-untyped-def]
    """Roles as arrays (embedding, skill weights by slot, seniority and discipline index) and, per
    resume, what its query vector and exact score need."""
    from apps.resumes import selectors
    from apps.resumes.models import Resume
    from ml import disciplines, matching

    ids, embeddings, seniorities, families = [], [], [], []
    for role_id, embedding, seniority, family in conn.execute(
            "SELECT id, embedding, seniority, family FROM careers_jobrole WHERE embedding IS NOT NULL ORDER BY id"):
        ids.append(role_id)
        embeddings.append(embedding.to_numpy())
        seniorities.append(seniority)
        families.append(family)
    row_of = {role_id: i for i, role_id in enumerate(ids)}
    weights = np.zeros((len(ids), matching.SKILL_SLOTS), dtype=np.float32)
    for role_id, slot, weight in conn.execute(
            "SELECT rs.role_id, s.vector_slot, rs.weight FROM careers_roleskill rs "
            "JOIN roadmap_skill s ON s.id = rs.skill_id WHERE s.vector_slot IS NOT NULL"):
        if role_id in row_of:
            weights[row_of[role_id], matching.skill_position(slot)] += weight
    roles = {"ids": np.asarray(ids), "embedding": np.asarray(embeddings, dtype=np.float32), "weights": weights,
             "seniority": np.asarray([matching.SENIORITIES.index(s) for s in seniorities]),
             "discipline": np.asarray([disciplines.slot(f) for f in families])}
    shares = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    resumes = []
    for resume in Resume.objects.filter(status="ready").order_by("pk"):
        profile, slots = selectors.resume_match_inputs(resume=resume)
        evidence = np.zeros(matching.SKILL_SLOTS, dtype=np.float32)
        for slot, value in slots.items():
            evidence[matching.skill_position(slot)] += min(1.0, value)
        embedding = np.asarray(resume.embedding, dtype=np.float32)
        similarity = roles["embedding"] @ embedding
        semantic = np.clip((similarity - matching.SEMANTIC_LOW) / (matching.SEMANTIC_HIGH - matching.SEMANTIC_LOW), 0, 1)
        fits = [matching.evidence_factor(s, profile) for s in matching.SENIORITIES]
        factor = np.asarray([f for f, _, _ in fits])[roles["seniority"]]
        cap = np.asarray([100 if c is None else c for _, c, _ in fits])[roles["seniority"]]
        field = {f: matching.discipline_fit(profile, f)[0] for f in set(families)}
        score = np.minimum(np.round(100 * factor * np.asarray([field[f] for f in families])
                                    * (matching.W_SEMANTIC * semantic + matching.W_SKILLS * (shares @ evidence))), cap)
        truth = np.lexsort((roles["ids"], -similarity, -score))[:10]
        resumes.append({"embedding": embedding, "evidence": evidence, "tail": np.asarray(matching.query_tail(profile)),
                        "score": score, "similarity": similarity, "truth": set(truth.tolist())})
    return roles, shares, resumes


def vectors(roles, shares, resumes, *, skill: float, seniority: float, discipline: float):  # type: ignore[no-untyped-def]
    """Role and query vectors with these role-side scales (ml.matching's layout; the tail rescaled)."""
    from ml import matching

    n, slots = len(roles["ids"]), matching.SKILL_SLOTS
    base = matching.EMBEDDING_DIM
    role = np.zeros((n, matching.MATCH_DIM), dtype=np.float32)
    text = roles["embedding"] / np.linalg.norm(roles["embedding"], axis=1, keepdims=True)
    role[:, :base] = matching.TEXT_SCALE * text
    role[:, base:base + slots] = skill * shares
    role[np.arange(n), base + slots + roles["seniority"]] = seniority
    role[np.arange(n), base + slots + matching.SENIORITY_SLOTS + roles["discipline"]] = discipline
    norm = (matching.TEXT_SCALE**2 + skill**2 + seniority**2 + discipline**2) ** 0.5
    role[:, -1] = np.sqrt(np.maximum(0, norm**2 - (role**2).sum(axis=1)))
    queries = []
    for resume in resumes:
        tail = resume["tail"].copy()
        tail[:matching.SENIORITY_SLOTS] *= matching.SENIORITY_SCALE / seniority
        tail[matching.SENIORITY_SLOTS:-1] *= matching.DISCIPLINE_SCALE / discipline
        queries.append(np.concatenate([resume["embedding"], matching.W_SKILLS / skill * resume["evidence"], tail]))
    return role, np.asarray(queries, dtype=np.float32)


def probe(conn, role, queries, resumes, roles, *, m: int, ef_construction: int, ef_search: list[int],  # type: ignore[no-untyped-def]
          candidates: int) -> None:
    from pgvector import HalfVector

    conn.execute("DROP TABLE IF EXISTS bench_geometry")
    conn.execute(f"CREATE TABLE bench_geometry (id int PRIMARY KEY, v halfvec({role.shape[1]}))")
    with conn.cursor() as cur, cur.copy("COPY bench_geometry (id, v) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int4", "halfvec"])
        for i, vector in enumerate(role):
            copy.write_row((i, HalfVector(vector)))
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    started = time.perf_counter()
    conn.execute(f"CREATE INDEX ON bench_geometry USING hnsw (v halfvec_cosine_ops) "
                 f"WITH (m = {m}, ef_construction = {ef_construction})")
    print(f"  HNSW build {time.perf_counter() - started:.1f} s (m {m}, ef_construction {ef_construction})")
    products = queries @ role.T
    for ef in ef_search:
        probe_recall, whole = [], []
        for resume, query, product in zip(resumes, queries, products, strict=True):
            with conn.transaction():
                conn.execute(f"SET LOCAL hnsw.ef_search = {max(ef, candidates)}")
                found = [row[0] for row in conn.execute(
                    f"SELECT id FROM bench_geometry ORDER BY v <=> %s::halfvec LIMIT {candidates}",
                    ["[" + ",".join(f"{v:.5g}" for v in query) + "]"])]
            exact = set(np.argsort(-product)[:candidates].tolist())
            probe_recall.append(len(exact & set(found)) / candidates)
            got = np.asarray(sorted(found))
            best = got[np.lexsort((roles["ids"][got], -resume["similarity"][got], -resume["score"][got]))[:10]]
            whole.append(len(set(best.tolist()) & resume["truth"]) / 10)
        print(f"  ef_search {ef}: probe recall {statistics.mean(probe_recall):.3f}, "
              f"recall@10 {statistics.mean(whole):.3f} (worst resume {min(whole):.1f})")
    conn.execute("DROP TABLE bench_geometry")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skill", type=float, nargs="+", default=[1.75])
    parser.add_argument("--seniority", type=float, nargs="+", default=[0.45])
    parser.add_argument("--discipline", type=float, nargs="+", default=[0.1])
    parser.add_argument("--m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef-search", type=int, nargs="+", default=[120, 160])
    parser.add_argument("--candidates", type=int, default=40)
    args = parser.parse_args()
    setup_django(keep=True)
    with raw_connection() as conn:
        roles, shares, resumes = load(conn)
        print(f"{len(roles['ids']):,} roles, {len(resumes)} resumes")
        for skill in args.skill:
            for seniority in args.seniority:
                for discipline in args.discipline:
                    print(f"skill {skill}, seniority {seniority}, discipline {discipline}")
                    role, queries = vectors(roles, shares, resumes, skill=skill, seniority=seniority,
                                            discipline=discipline)
                    probe(conn, role, queries, resumes, roles, m=args.m, ef_construction=args.ef_construction,
                          ef_search=args.ef_search, candidates=args.candidates)


if __name__ == "__main__":
    main()
