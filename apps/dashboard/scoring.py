"""The readiness score: plain arithmetic on plain values, so it can be unit-tested by hand.

readiness = 35% roadmap + 20% projects + 30% interviews + 15% resume, each component 0-100:

- roadmap:    Σ w·coverage(skill) / Σ w over the role's weighted skills. Coverage (0-1) comes from
              topic progress: a verified topic (passed check) counts 1.0, done 0.85, in progress 0.3,
              and the best track counts (a skill learnt anywhere counts everywhere).
- projects:   Σ w·evidence(skill) / Σ w, where evidence is 1.0 if a done portfolio project shows the
              skill, 0.3 if only an unfinished one does, else 0.
- interviews: the mean over the role's interview rounds of each round's recency-weighted mean answer
              score (weight 0.5^(age in days / 14)); a round never practised counts 0. As time passes
              every weight shrinks by the same factor, so a round's mean changes only when its
              answers do: it is stored (`round_means`) when an answer is graded, not recomputed.
- resume:     the fit (0-100) of the learner's latest processed resume to this role, 0 without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

WEIGHTS = {"roadmap": 0.35, "projects": 0.20, "interviews": 0.30, "resume": 0.15}
HALF_LIFE_DAYS = 14.0
DONE_PROJECT_EVIDENCE = 1.0
UNFINISHED_PROJECT_EVIDENCE = 0.3


@dataclass(frozen=True)
class AnswerScore:
    round: str
    score: int
    at: datetime


@dataclass(frozen=True)
class ReadinessInputs:
    skill_weights: Mapping[str, int]  # the role's skills → weight 1-3
    rounds: tuple[str, ...]  # the role's interview rounds
    coverage: Mapping[str, float]  # skill → 0-1 from roadmap progress
    project_evidence: Mapping[str, float]  # skill → 0-1 from portfolio projects
    round_means: Mapping[str, float]  # round → recency-weighted mean answer score (see `round_means`)
    answer_count: int  # graded answers
    resume_fit: int | None  # None: no processed resume
    skill_names: Mapping[str, str] = field(default_factory=dict)  # slug → name, for the explanations


@dataclass
class Component:
    score: int
    why: str
    detail: dict = field(default_factory=dict)


@dataclass
class Readiness:
    score: int
    components: dict[str, Component]


def weighted_share(weights: Mapping[str, int], values: Mapping[str, float]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w * min(1.0, max(0.0, values.get(s, 0.0))) for s, w in weights.items()) / total


def recency_weighted_mean(answers: Iterable[AnswerScore], now: datetime) -> float | None:
    num = den = 0.0
    for answer in answers:
        age_days = max(0.0, (now - answer.at).total_seconds() / 86400)
        weight = 0.5 ** (age_days / HALF_LIFE_DAYS)
        num += weight * answer.score
        den += weight
    return num / den if den else None


def round_means(answers: Iterable[AnswerScore]) -> dict[str, float]:
    """Each round's recency-weighted mean score. It does not depend on the time it is computed at, so it
    is measured from the newest answer (all weights ≤ 1, nothing overflows)."""
    answers = list(answers)
    if not answers:
        return {}
    newest = max(a.at for a in answers)
    by_round: dict[str, list[AnswerScore]] = {}
    for answer in answers:
        by_round.setdefault(answer.round, []).append(answer)
    return {rnd: mean for rnd, group in by_round.items() if (mean := recency_weighted_mean(group, newest)) is not None}


def round_scores(inputs: ReadinessInputs) -> dict[str, float | None]:
    return {rnd: inputs.round_means.get(rnd) for rnd in inputs.rounds}


def compute(inputs: ReadinessInputs) -> Readiness:
    roadmap = 100 * weighted_share(inputs.skill_weights, inputs.coverage)
    projects = 100 * weighted_share(inputs.skill_weights, inputs.project_evidence)
    per_round = round_scores(inputs)
    interviews = sum(v or 0.0 for v in per_round.values()) / len(per_round) if per_round else 0.0
    resume = float(inputs.resume_fit or 0)

    weak = sorted(inputs.skill_weights, key=lambda s: (inputs.coverage.get(s, 0.0), -inputs.skill_weights[s]))[:3]
    practised = [r for r, v in per_round.items() if v is not None]
    components = {
        "roadmap": Component(
            round(roadmap),
            f"{_count_covered(inputs.skill_weights, inputs.coverage)} of {len(inputs.skill_weights)} required skills studied"
            + (f"; weakest: {', '.join(inputs.skill_names.get(s, s) for s in weak)}" if weak and roadmap < 100 else ""),
            {"coverage": {s: round(inputs.coverage.get(s, 0.0), 2) for s in inputs.skill_weights}},
        ),
        "projects": Component(
            round(projects),
            f"finished projects show {_count_covered(inputs.skill_weights, inputs.project_evidence, 1.0)} of "
            f"{len(inputs.skill_weights)} required skills",
            {"evidence": {s: round(inputs.project_evidence.get(s, 0.0), 2) for s in inputs.skill_weights}},
        ),
        "interviews": Component(
            round(interviews),
            f"practised {len(practised)} of {len(per_round)} rounds"
            + (f"; {inputs.answer_count} graded answers, recent ones weigh more" if inputs.answer_count else ""),
            {"rounds": {r: (round(v) if v is not None else None) for r, v in per_round.items()}},
        ),
        "resume": Component(
            round(resume),
            "no processed resume yet" if inputs.resume_fit is None else f"your latest resume fits this role at {round(resume)}%",
        ),
    }
    total = sum(WEIGHTS[name] * component.score for name, component in components.items())
    return Readiness(score=round(total), components=components)


def _count_covered(weights: Mapping[str, int], values: Mapping[str, float], threshold: float = 0.5) -> int:
    return sum(1 for s in weights if values.get(s, 0.0) >= threshold)
