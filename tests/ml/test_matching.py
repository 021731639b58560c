"""ml.matching: skills found in text, and the score that ranks roles (plain Python, no database)."""

import random
from pathlib import Path

import pytest
import yaml

from ml import matching
from ml.matching import ResumeProfile, RoleCandidate, SkillMatcher

CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog" / "skills.yaml"


@pytest.fixture(scope="module")
def matcher() -> SkillMatcher:
    return SkillMatcher(yaml.safe_load(CATALOG.read_text())["skills"])


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Deployed services on k8s", "docker-kubernetes"),
        ("Trained PEFT adapters for Llama", "peft-lora"),
        ("Used HF Transformers pipelines", "hugging-face"),
        ("Wrote trainers in PyTorch Lightning", "pytorch"),
        ("FINE TUNING of models", "fine-tuning"),
        ("finetuning and fine-tuning", "fine-tuning"),
        ("scikit-learn pipelines", "ml-fundamentals"),
        ("CI/CD for everything", "testing-code-quality"),
        ("Served models with vLLM", "llm-serving"),
        ("DeepSpeed ZeRO-3", "distributed-training"),
        ("agent loops in the ReAct style", "agents-tool-use"),
        ("Weights & Biases dashboards", "experiment-tracking"),
    ],
)
def test_skills_are_found_by_synonym_abbreviation_and_case(matcher, text, slug):
    assert slug in matcher.find(text)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Daily user of ChatGPT", "transformer-architecture"),  # "gpt" inside a word is not GPT
        ("pandasql and numpyro", "feature-engineering"),  # no partial words
        ("zero downtime deploys", "distributed-training"),  # ZeRO only in its own casing
        ("built a React front end", "agents-tool-use"),  # ReAct, not React
    ],
)
def test_words_inside_other_words_or_in_other_casings_do_not_count(matcher, text, slug):
    assert slug not in matcher.find(text)


def test_mentions_are_counted_and_longest_phrase_wins(matcher):
    found = matcher.find("PyTorch Lightning, pytorch and torch; Hugging Face Transformers")
    assert found["pytorch"] == 3
    assert found["hugging-face"] == 1
    assert "transformer-architecture" not in found  # "Hugging Face Transformers" is one phrase


def test_evidence_is_strongest_where_the_skill_was_used(matcher):
    evidence = matcher.find_in_sections(
        [("skills", "PyTorch, Docker"), ("experience", "Trained models in PyTorch")]
    )
    assert evidence["pytorch"].weight == 1.0
    assert evidence["docker-kubernetes"].weight == matching.SECTION_EVIDENCE["skills"]
    assert evidence["pytorch"].sections == ("skills", "experience")


def test_posting_weights_follow_mentions():
    assert matching.posting_skill_weights({"rag": 4, "python": 2, "sql": 1}) == {
        "rag": 3,
        "python": 2,
        "sql": 1,
    }


def test_resume_vector_is_the_normalised_mean_of_its_chunks():
    assert matching.resume_vector([]) is None
    vector = matching.resume_vector([[1.0, 0.0], [0.0, 1.0]])
    assert vector == pytest.approx([2**-0.5, 2**-0.5])
    # One chunk about the role among three cannot carry it: the mean is pulled toward the others.
    on_topic = [1.0, 0.0, 0.0]
    mixed = matching.resume_vector([on_topic, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert sum(a * b for a, b in zip(mixed, on_topic, strict=True)) == pytest.approx(3**-0.5)


def test_semantic_fit_rescales_the_similarity():
    assert matching.semantic_fit(None) == 0.0
    assert matching.semantic_fit(0.9) == 1.0
    assert matching.semantic_fit(0.1) == 0.0
    assert matching.semantic_fit(0.425) == pytest.approx(0.5)


def test_skill_overlap_is_weighted_and_lists_heaviest_first():
    overlap, matched, missing = matching.skill_overlap(
        {"rag": 1.0, "python": 0.6}, {"rag": 3, "python": 1, "sql": 2}
    )
    assert overlap == pytest.approx((3 * 1.0 + 1 * 0.6) / 6)
    assert matched == ["rag", "python"]
    assert missing == ["sql"]
    assert matching.skill_overlap({"rag": 1.0}, {}) == (0.0, [], [])


def test_senior_roles_need_years_and_are_capped_without_experience():
    none = ResumeProfile(skills={}, years_experience=0, has_experience=False)
    factor, cap, reasons = matching.evidence_factor("senior", none)
    assert factor == matching.SENIORITY_FLOOR["senior"]
    assert cap == matching.NO_EXPERIENCE_CAP["senior"]
    assert reasons
    assert matching.evidence_factor("junior", none)[:2] == (1.0, None)
    veteran = ResumeProfile(skills={}, years_experience=10, has_experience=True)
    assert matching.evidence_factor("senior", veteran)[:2] == (1.0, None)
    assert matching.evidence_factor("intern", veteran)[0] < 1.0


def _candidate(role_id: int, seniority: str, sim: float, skills: dict[str, int]) -> RoleCandidate:
    return RoleCandidate(
        role_id=role_id, seniority=seniority, similarity=sim, skills=skills
    )


def test_keyword_list_without_experience_does_not_top_a_senior_role():
    stuffed = ResumeProfile(
        skills=dict.fromkeys(["cuda", "vllm", "rag", "python"], 0.6), has_experience=False
    )
    senior = _candidate(1, "senior", 0.7, {"cuda": 3, "vllm": 3})
    junior = _candidate(2, "junior", 0.5, {"python": 3, "rag": 2, "sql": 2})
    ranked = matching.rank_roles(stuffed, [senior, junior])
    assert [r.role_id for r in ranked] == [2, 1]
    assert ranked[1].score <= matching.NO_EXPERIENCE_CAP["senior"]


def test_scores_are_integers_in_range_and_ties_break_stably():
    profile = ResumeProfile(skills={"rag": 1.0}, years_experience=3, has_experience=True)
    ranked = matching.rank_roles(profile, [_candidate(i, "mid", 0.9, {"rag": 1}) for i in (3, 1, 2)], k=2)
    assert [r.role_id for r in ranked] == [1, 2]
    assert all(isinstance(r.score, int) and 0 <= r.score <= 100 for r in ranked)


def test_companies_rank_by_their_best_role():
    scores = [
        matching.RoleScore(1, 80, 0, 0, 1, [], []),
        matching.RoleScore(2, 60, 0, 0, 1, [], []),
        matching.RoleScore(3, 70, 0, 0, 1, [], []),
    ]
    ranked = matching.rank_companies(scores, {1: [10], 2: [20, 10], 3: [20]})
    assert [(c.company_id, c.score, c.best_role_id) for c in ranked] == [(10, 80, 1), (20, 70, 3)]
    assert ranked[0].role_ids == [1, 2]


def _unit(rng: random.Random, dims: int) -> list[float]:
    vector = [rng.gauss(0, 1) for _ in range(dims)]
    norm = sum(v * v for v in vector) ** 0.5
    return [v / norm for v in vector]


def test_match_vector_product_ranks_roles_as_the_score_does():
    """The HNSW probe ranks by <role_match_vector, resume_query_vector>: within a seniority that is
    the score's linear part exactly (plus a constant), so the probe finds the best-scoring roles."""
    rng = random.Random(3)
    resume = _unit(rng, matching.EMBEDDING_DIM)
    skills_by_slot = {0: "rag", 1: "python", 2: "sql", 3: "pytorch", 4: "docker"}
    profile = ResumeProfile(skills={"rag": 1.0, "python": 0.6, "docker": 0.8}, years_experience=3,
                            has_experience=True)
    query = matching.resume_query_vector(resume, {0: 1.0, 1: 0.6, 4: 0.8}, profile)
    assert len(query) == matching.MATCH_DIM
    products, linear = [], []
    for role_id in range(40):
        # Roles near the resume (similarities in the unclipped range), random skills and weights.
        noise = _unit(rng, matching.EMBEDDING_DIM)
        embedding = [0.6 * a + 0.8 * b for a, b in zip(resume, noise, strict=True)]
        norm = sum(v * v for v in embedding) ** 0.5
        embedding = [v / norm for v in embedding]
        weights = {slot: rng.randint(1, 3) for slot in rng.sample(sorted(skills_by_slot), 3)}
        vector = matching.role_match_vector(embedding, weights, "junior")
        assert len(vector) == matching.MATCH_DIM
        candidate = RoleCandidate(role_id=role_id, seniority="junior",
                                  similarity=sum(a * b for a, b in zip(embedding, resume, strict=True)),
                                  skills={skills_by_slot[slot]: w for slot, w in weights.items()})
        score = matching.score_role(profile, candidate)
        products.append(sum(a * b for a, b in zip(vector, query, strict=True)))
        linear.append(matching.W_SEMANTIC * score.semantic + matching.W_SKILLS * score.skill_overlap)
    lengths = {round(sum(v * v for v in matching.role_match_vector(e, w, s)) ** 0.5, 9) for e, w, s in [
        (resume, {0: 3}, "staff"), (resume, {0: 1, 1: 1, 2: 2, 3: 3}, "mid"), (resume, {}, "intern")]}
    assert lengths == {round(matching.MATCH_NORM, 9)}  # equal lengths: cosine ranks as the product does
    offsets = [p - s for p, s in zip(products, linear, strict=True)]
    assert max(offsets) - min(offsets) == pytest.approx(0, abs=2e-4)  # one constant (scores round to 4 places)


def test_query_vector_pushes_capped_senior_roles_down():
    rng = random.Random(5)
    embedding = _unit(rng, matching.EMBEDDING_DIM)
    newcomer = ResumeProfile(skills={"rag": 1.0}, years_experience=0, has_experience=False)
    query = matching.resume_query_vector(embedding, {0: 1.0}, newcomer)
    same_text = {"junior": 0.0, "senior": 0.0}
    for seniority in same_text:
        role = matching.role_match_vector(embedding, {0: 3}, seniority)
        same_text[seniority] = sum(a * b for a, b in zip(role, query, strict=True))
    assert same_text["senior"] < same_text["junior"] - 0.2
