"""Grading quality: the rubric grader measured against the labelled corpus, for staff.

The corpus (data/grading_corpus) holds learner answers to bank questions, each scored by an expert
before any grader saw it, split by question into train / dev / test. A measurement grades every
answer against the bank's *current* rubric of its question (what learners are graded against
today), compares with the expert, and stores the figures per split and round with the worst
disagreements. The test split is the honest figure: nothing was fitted on it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.careers.models import InterviewRound
from apps.core.exceptions import Conflict
from apps.questionbank.models import GradingEvaluation, Question

logger = logging.getLogger(__name__)

CORPUS_DIR = Path(settings.BASE_DIR) / "data" / "grading_corpus"


def grading_evaluation_request(*, user: Any) -> GradingEvaluation:
    """Queue a measurement (one at a time)."""
    from apps.questionbank import tasks

    if grading_evaluation_in_progress() is not None:
        raise Conflict("A measurement is already running; its figures appear here when it finishes.")
    evaluation = GradingEvaluation.objects.create(created_by=user if getattr(user, "pk", None) else None)
    transaction.on_commit(lambda: tasks.grading_evaluation_task.delay(evaluation.pk))
    return evaluation


# A measurement takes about 5-10 minutes on 2 CPU cores (the reader reads every key point of ~800 answers);
# one queued or running longer than this was lost (no worker,
# a killed worker) and no longer blocks a new one.
IN_PROGRESS_FOR = timedelta(minutes=30)


def grading_evaluation_in_progress() -> GradingEvaluation | None:
    """The measurement queued or running now, if any (a failed one never blocks the next)."""
    return GradingEvaluation.objects.filter(
        status__in=[GradingEvaluation.Status.QUEUED, GradingEvaluation.Status.RUNNING],
        created_at__gte=timezone.now() - IN_PROGRESS_FOR,
    ).first()


def grading_evaluation_execute(*, evaluation_id: int, corpus_dir: Path = CORPUS_DIR) -> GradingEvaluation:
    """Grade the corpus against the bank's current rubrics and store the figures."""
    from apps.questionbank.selectors import question_spec_for
    from ml.grading.evaluation import SPLITS, corpus_version, evaluate, load_corpus
    from ml.grading.rubric import GRADER_VERSION, grade_many

    evaluation = GradingEvaluation.objects.get(pk=evaluation_id)
    if evaluation.status == GradingEvaluation.Status.DONE:
        return evaluation
    evaluation.status = GradingEvaluation.Status.RUNNING
    evaluation.save(update_fields=["status"])
    started = time.perf_counter()
    try:
        keys = corpus_keys(corpus_dir)
        questions = Question.objects.filter(key__in=keys, current_version__isnull=False).select_related(
            "current_version", "current_version__question")
        bank = {q.key: question_spec_for(q.current_version) for q in questions if q.current_version is not None}
        missing = sorted(set(keys) - set(bank))
        figures: dict[str, Any] = {}
        everything = load_corpus(corpus_dir, bank, splits=SPLITS, skip_missing=True)
        pairs = [(q, a) for q in everything for a in q.answers]
        grades = grade_many([(q.spec, a.text) for q, a in pairs])
        by_id = {a.id: g for (_, a), g in zip(pairs, grades, strict=True)}
        texts = {a.id: a.text for _, a in pairs}
        question_ids = {q.key: q.pk for q in questions}
        for split in SPLITS:
            chosen = [q for q in everything if q.split == split]
            if not chosen:
                continue
            report = evaluate(chosen, {a.id: by_id[a.id] for q in chosen for a in q.answers}, grader="rubric")
            data = report.to_dict()
            for row in data["worst"]:
                row["text"] = texts[row["id"]][:600]
                row["question"] = question_ids.get(row["id"].split("/")[0])
            figures[split] = data
        evaluation.figures = figures
        evaluation.missing_questions = missing
        evaluation.corpus_version = corpus_version(corpus_dir)
        evaluation.grader = GRADER_VERSION
        evaluation.status = GradingEvaluation.Status.DONE
    except Exception as exc:  # a broken corpus file or model must show on the page, not vanish in a log
        logger.exception("grading evaluation %s failed", evaluation_id)
        evaluation.status, evaluation.error = GradingEvaluation.Status.FAILED, f"{type(exc).__name__}: {exc}"
    evaluation.duration_s = round(time.perf_counter() - started, 1)
    evaluation.finished_at = timezone.now()
    evaluation.save()
    return evaluation


def corpus_keys(corpus_dir: Path = CORPUS_DIR) -> list[str]:
    import yaml

    data = yaml.safe_load((corpus_dir / "splits.yaml").read_text(encoding="utf-8"))
    return [key for keys in data["splits"].values() for key in keys]


def grading_quality_page(*, evaluation: GradingEvaluation | None) -> dict[str, Any]:
    """What the staff page shows: per-round rows of the test split, the chart data, the worst cases."""
    if evaluation is None or evaluation.status != GradingEvaluation.Status.DONE:
        return {}
    figures = evaluation.figures
    test = figures.get("test") or {}
    rounds = [
        {"round": name, "label": dict(InterviewRound.choices).get(name, name), **values}
        for name, values in (test.get("by_round") or {}).items()
    ]
    splits = [
        {"split": split, "n": f["n"], "spearman": f["spearman"], "mae": f["mae"],
         "excellent": (f["category_means"].get("excellent") or [None, None])[1],
         "short_excellent": ((f.get("concise_means") or {}).get("excellent") or [None, None])[1],
         "injection": f"{f['injection_flagged']}/{f['injection_total']}",
         "violations": len(f["injection_violations"]), "mentions": len(f["mention_flagged"])}
        for split, f in figures.items() if isinstance(f, dict) and "spearman" in f
    ]
    return {"rounds": rounds, "splits": splits, "worst": test.get("worst") or [],
            "categories": test.get("category_means") or {},
            "chart": {"labels": [r["label"] for r in rounds], "spearman": [r["spearman"] for r in rounds],
                      "mae": [r["mae"] for r in rounds]}}
