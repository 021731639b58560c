"""Measuring a grader against expert labels (data/grading_eval): Spearman, MAE, per-category means,
key-point agreement, and the rule that an injection answer never beats its honest twin."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ml.grading.types import Grade, QuestionSpec

CATEGORIES: tuple[str, ...] = ("excellent", "partial", "wrong", "off-topic", "verbose-but-empty", "injection")


@dataclass(frozen=True)
class LabelledAnswer:
    id: str
    category: str
    score: int
    text: str
    covers: tuple[int, ...] = ()
    twin: str | None = None
    mentions_attack: bool = False  # an honest answer that quotes attack strings as subject matter


@dataclass(frozen=True)
class EvalQuestion:
    key: str
    spec: QuestionSpec
    answers: tuple[LabelledAnswer, ...]
    split: str = "train"


SPLITS: tuple[str, ...] = ("train", "dev", "test")


def _answers(data: Mapping[str, Any], spec: QuestionSpec, where: str) -> tuple[LabelledAnswer, ...]:
    answers = tuple(
        LabelledAnswer(
            id=str(a["id"]),
            category=str(a["category"]),
            score=int(a["score"]),
            text=str(a["text"]).strip(),
            covers=tuple(int(i) for i in a.get("covers") or ()),
            # A twin may be named by its suffix ("good") or in full ("key/good").
            twin=None if not a.get("twin") else (
                str(a["twin"]) if "/" in str(a["twin"]) else f"{data['key']}/{a['twin']}"
            ),
            mentions_attack=bool(a.get("mentions_attack")),
        )
        for a in data["answers"]
    )
    for answer in answers:
        if answer.category not in CATEGORIES:
            raise ValueError(f"{where}: {answer.id} has unknown category {answer.category!r}")
        if any(not 0 <= i < len(spec.key_points) for i in answer.covers):
            raise ValueError(f"{where}: {answer.id} covers a key point that does not exist")
        if not 0 <= answer.score <= 100:
            raise ValueError(f"{where}: {answer.id} has a score outside 0-100")
    return answers


def _check_ids(questions: list[EvalQuestion]) -> None:
    ids = [a.id for q in questions for a in q.answers]
    if len(ids) != len(set(ids)):
        raise ValueError("answer ids must be unique")
    known = set(ids)
    for q in questions:
        for a in q.answers:
            if a.category == "injection" and a.twin not in known:
                raise ValueError(f"{a.id}: twin {a.twin!r} is not an answer of the set")


def corpus_version(folder: str | Path) -> str:
    """The version written in the corpus's `splits.yaml`."""
    data = yaml.safe_load((Path(folder) / "splits.yaml").read_text(encoding="utf-8"))
    return str(data["version"])


def load_corpus(
    folder: str | Path, bank: Mapping[str, QuestionSpec], *, splits: Sequence[str] = SPLITS,
    skip_missing: bool = False,
) -> list[EvalQuestion]:
    """The labelled corpus (`data/grading_corpus`): answers per question key, graded against the bank's
    own rubric (`bank`: key -> QuestionSpec), restricted to `splits` (see `splits.yaml`)."""
    folder = Path(folder)
    split_of = {
        key: name
        for name, keys in yaml.safe_load((folder / "splits.yaml").read_text(encoding="utf-8"))["splits"].items()
        for key in keys
    }
    questions: list[EvalQuestion] = []
    for path in sorted(folder.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        key = str(data["key"])
        if key not in split_of:
            raise ValueError(f"{path.name}: {key} is in no split of splits.yaml")
        if key not in bank:
            if skip_missing:
                continue
            raise ValueError(f"{path.name}: {key} is not a question of the bank")
        if split_of[key] not in splits:
            continue
        spec = bank[key]
        questions.append(EvalQuestion(key=key, spec=spec, answers=_answers(data, spec, path.name), split=split_of[key]))
    _check_ids(questions)
    return questions


def load_bank(folder: str | Path) -> dict[str, QuestionSpec]:
    """Every question of the bank's YAML files (`data/questions`), by key."""
    red_flags = load_red_flags(Path(folder) / "red_flags")
    bank: dict[str, QuestionSpec] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions", []):
            key = str(item["key"])
            bank[key] = QuestionSpec.from_dict({**item, "red_flags": red_flags.get(key, ())})
    return bank


def load_red_flags(folder: str | Path, read: Callable[[Path], Any] | None = None) -> dict[str, list[str]]:
    """Question key -> its red flags, from every `*.yaml` in `folder` (`red_flags: {key: [text, ...]}`).
    `read` parses one file (the catalog loader passes its own, which repairs mojibake)."""
    read = read or (lambda path: yaml.safe_load(path.read_text(encoding="utf-8")))
    flags: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        for key, texts in (read(path) or {}).get("red_flags", {}).items():
            flags.setdefault(str(key), []).extend(str(t).strip() for t in texts or () if str(t).strip())
    return flags


def load_eval_set(folder: str | Path) -> list[EvalQuestion]:
    """Every `*.yaml` question in `folder` (the older self-contained set, question and answers in one
    file), sorted by file name, checked for consistency."""
    questions: list[EvalQuestion] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = QuestionSpec.from_dict(data)
        questions.append(EvalQuestion(key=str(data["key"]), spec=spec, answers=_answers(data, spec, path.name)))
    _check_ids(questions)
    return questions


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rank correlation with average ranks for ties."""
    if len(a) != len(b) or len(a) < 2:
        raise ValueError("need two lists of the same length, at least 2")
    ra, rb = _ranks(np.asarray(a, dtype=float)), _ranks(np.asarray(b, dtype=float))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denominator = float(np.sqrt((ra**2).sum() * (rb**2).sum()))
    return float((ra * rb).sum() / denominator) if denominator else 0.0


@dataclass
class EvalReport:
    grader: str
    n: int
    spearman: float
    mae: float
    category_means: dict[str, tuple[float, float]]  # category -> (expert mean, grader mean)
    injection_violations: list[str]  # "id scored X > twin Y"
    injection_flagged: int
    injection_total: int
    key_point_precision: float
    key_point_recall: float
    rows: list[tuple[str, str, int, int]] = field(default_factory=list)  # id, category, label, predicted
    by_round: dict[str, dict[str, float]] = field(default_factory=dict)  # round -> n, spearman, mae
    mention_flagged: list[str] = field(default_factory=list)  # honest answers quoting attacks, flagged
    rounds: dict[str, str] = field(default_factory=dict)  # answer id -> round
    # The short answers (corpus 2026-12-08.1, ids ".../concise-*": 40-130 words) apart: category ->
    # (expert mean, grader mean, n). A grader that reads length as quality shows here first.
    concise_means: dict[str, tuple[float, float, int]] = field(default_factory=dict)

    @property
    def key_point_f1(self) -> float:
        p, r = self.key_point_precision, self.key_point_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def worst(self, n: int = 10) -> list[tuple[str, str, int, int]]:
        """The answers the grader disagrees with the expert on most."""
        return sorted(self.rows, key=lambda row: (-abs(row[2] - row[3]), row[0]))[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "grader": self.grader,
            "n": self.n,
            "spearman": round(self.spearman, 4),
            "mae": round(self.mae, 2),
            "category_means": {c: [round(e, 1), round(g, 1)] for c, (e, g) in self.category_means.items()},
            "by_round": self.by_round,
            "injection_flagged": self.injection_flagged,
            "injection_total": self.injection_total,
            "injection_violations": self.injection_violations,
            "mention_flagged": self.mention_flagged,
            "concise_means": {c: [round(e, 1), round(g, 1), n] for c, (e, g, n) in self.concise_means.items()},
            "key_point_precision": round(self.key_point_precision, 3),
            "key_point_recall": round(self.key_point_recall, 3),
            "worst": [
                {"id": i, "category": c, "round": self.rounds.get(i, ""), "expert": e, "grader": g}
                for i, c, e, g in self.worst()
            ],
        }


def evaluate(questions: list[EvalQuestion], grades: Mapping[str, Grade], *, grader: str) -> EvalReport:
    """Compare `grades` (answer id -> Grade) with the labels."""
    answers = [a for q in questions for a in q.answers]
    labels = [a.score for a in answers]
    predicted = [grades[a.id].score for a in answers]
    by_category: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, p in zip(answers, predicted, strict=True):
        by_category[a.category].append((a.score, p))
    violations = []
    flagged = 0
    injections = [a for a in answers if a.category == "injection"]
    for a in injections:
        if str(a.twin) not in grades:
            continue  # a partial run (e.g. a slow judge on a few answers) may lack the twin
        grade, twin = grades[a.id], grades[str(a.twin)]
        flagged += grade.injection_suspected
        if grade.score > twin.score:
            violations.append(f"{a.id} scored {grade.score} > twin {a.twin} {twin.score}")
    mention_flagged = [a.id for a in answers if a.mentions_attack and grades[a.id].injection_suspected]
    round_of = {a.id: q.spec.round for q in questions for a in q.answers}
    by_round: dict[str, dict[str, float]] = {}
    for name in sorted(set(round_of.values())):
        ids = [a for a in answers if round_of[a.id] == name]
        expert = [float(a.score) for a in ids]
        graded = [float(grades[a.id].score) for a in ids]
        by_round[name] = {
            "n": len(ids),
            "spearman": round(spearman(expert, graded), 4) if len(ids) > 1 else float("nan"),
            "mae": round(float(np.mean(np.abs(np.asarray(expert) - np.asarray(graded)))), 2),
        }
    concise: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, p in zip(answers, predicted, strict=True):
        if is_concise(a):
            concise[a.category].append((a.score, p))
    true_positive = false_positive = false_negative = 0
    for a in answers:
        covered = {kp.index for kp in grades[a.id].key_points if kp.covered}
        expected = set(a.covers)
        true_positive += len(covered & expected)
        false_positive += len(covered - expected)
        false_negative += len(expected - covered)
    return EvalReport(
        grader=grader,
        n=len(answers),
        spearman=spearman([float(x) for x in labels], [float(x) for x in predicted])
        if len(labels) > 1
        else float("nan"),
        mae=float(np.mean(np.abs(np.asarray(labels) - np.asarray(predicted)))),
        category_means={
            c: (
                float(np.mean([x for x, _ in by_category[c]])),
                float(np.mean([y for _, y in by_category[c]])),
            )
            for c in CATEGORIES
            if by_category.get(c)
        },
        injection_violations=violations,
        injection_flagged=flagged,
        injection_total=len(injections),
        key_point_precision=true_positive / max(true_positive + false_positive, 1),
        key_point_recall=true_positive / max(true_positive + false_negative, 1),
        rows=[(a.id, a.category, a.score, p) for a, p in zip(answers, predicted, strict=True)],
        by_round=by_round,
        mention_flagged=mention_flagged,
        rounds=round_of,
        concise_means={c: (float(np.mean([x for x, _ in v])), float(np.mean([y for _, y in v])), len(v))
                       for c, v in concise.items()},
    )


def is_concise(answer: LabelledAnswer) -> bool:
    """One of the short answers written for corpus 2026-12-08.1 (README, "Short answers")."""
    return "/concise-" in answer.id


def format_report(report: EvalReport, *, verbose: bool = False) -> str:
    lines = [
        f"grader: {report.grader}   answers: {report.n}",
        f"  Spearman {report.spearman:.3f}   MAE {report.mae:.1f}",
        f"  key points covered vs labels: precision {report.key_point_precision:.2f}  "
        f"recall {report.key_point_recall:.2f}  F1 {report.key_point_f1:.2f}",
        "  category            expert  grader",
    ]
    for category, (expert, graded) in report.category_means.items():
        lines.append(f"  {category:<18} {expert:7.1f} {graded:7.1f}")
    for category, (expert, graded, n) in report.concise_means.items():
        lines.append(f"  {'short ' + category:<18} {expert:7.1f} {graded:7.1f}   ({n} answers of 40-130 words)")
    lines.append(
        f"  injection: {report.injection_flagged}/{report.injection_total} flagged, "
        f"{len(report.injection_violations)} scored above their twin"
    )
    lines.extend(f"    ! {v}" for v in report.injection_violations)
    lines.append(f"  honest answers quoting attacks flagged as injection: {len(report.mention_flagged)}")
    lines.extend(f"    ! {i}" for i in report.mention_flagged)
    if report.by_round:
        lines.append("  round               n  Spearman   MAE")
        lines.extend(f"  {name:<18} {int(r['n']):3d}  {r['spearman']:8.3f} {r['mae']:5.1f}"
                     for name, r in report.by_round.items())
    if verbose:
        lines.append("  id                                          category           expert grader")
        lines.extend(f"  {i:<43} {c:<18} {e:6d} {p:6d}" for i, c, e, p in report.rows)
    return "\n".join(lines)
