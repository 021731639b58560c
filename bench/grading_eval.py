"""How well do the graders agree with an expert? Prints Spearman, MAE, per-category means and the
injection check for the rubric grader, and for the LLM judge and the combination when an LLM
backend is configured (LLM_BACKEND / LLM_BASE_URL, see ml/llm/config.py).

    python bench/grading_eval.py                 # rubric (and judge + combined if an LLM is set)
    python bench/grading_eval.py --verbose       # one line per answer
    python bench/grading_eval.py --calibrate     # grid-search the rubric thresholds, with
                                                 # leave-one-question-out cross-validation
    python bench/grading_eval.py --judge-limit 6 # judge only the first N answers (slow local LLMs)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ml.grading.evaluation import (  # noqa: E402
    EvalQuestion,
    EvalReport,
    LabelledAnswer,
    evaluate,
    format_report,
    load_eval_set,
    spearman,
)
from ml.grading.rubric import DEFAULT_PARAMS, RubricParams, grade_many  # noqa: E402
from ml.grading.types import Grade  # noqa: E402

EVAL_DIR = ROOT / "data" / "grading_eval"


class MemoEncoder:
    """Wraps an encoder so repeated texts (grid search) are embedded once."""

    def __init__(self, encoder: object) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._encoder.encode(missing, batch_size=batch_size)  # type: ignore[attr-defined]
            self._cache.update(zip(missing, vectors, strict=True))
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)


def rubric_grades(
    questions: list[EvalQuestion], encoder: object, params: RubricParams = DEFAULT_PARAMS
) -> dict[str, Grade]:
    answers = [(q, a) for q in questions for a in q.answers]
    grades = grade_many([(q.spec, a.text) for q, a in answers], encoder=encoder, params=params)  # type: ignore[arg-type]
    return {a.id: g for (_, a), g in zip(answers, grades, strict=True)}


def run_rubric(questions: list[EvalQuestion], encoder: object | None = None) -> EvalReport:
    """The rubric grader's report on the eval set (used by the test suite too)."""
    if encoder is None:
        from ml.embeddings import get_encoder

        encoder = get_encoder()
    return evaluate(questions, rubric_grades(questions, encoder), grader="rubric")


def calibrate(questions: list[EvalQuestion], encoder: object) -> None:
    """Grid-search the thresholds on the whole set, then estimate how well that choice generalises
    with leave-one-question-out cross-validation (pick on 11 questions, score the 12th)."""
    memo = MemoEncoder(encoder)
    ids = [a.id for q in questions for a in q.answers]
    labels = {a.id: a.score for q in questions for a in q.answers}
    question_of = {a.id: q.key for q in questions for a in q.answers}
    grid: list[RubricParams] = []
    for alpha, lower, upper in itertools.product(
        (0.3, 0.4, 0.5, 0.6), (-0.05, 0.0, 0.05, 0.1), (0.15, 0.2, 0.25, 0.3, 0.35)
    ):
        if upper > lower:
            grid.append(
                replace(DEFAULT_PARAMS, alpha=alpha, lower=lower, upper=upper, cover=(lower + upper) / 2)
            )
    predictions: list[dict[str, int]] = []
    started = time.perf_counter()
    for params in grid:
        grades = rubric_grades(questions, memo, params)
        predictions.append({i: grades[i].score for i in ids})
    print(f"{len(grid)} settings graded in {time.perf_counter() - started:.1f} s")

    def rho(prediction: dict[str, int], subset: Sequence[str]) -> float:
        return spearman([labels[i] for i in subset], [prediction[i] for i in subset])

    scored = sorted(((rho(p, ids), k) for k, p in enumerate(predictions)), key=lambda x: (-x[0], x[1]))
    print("best settings on the whole set (Spearman):")
    for value, k in scored[:8]:
        p = grid[k]
        print(f"  alpha {p.alpha:.2f} lower {p.lower:+.2f} upper {p.upper:.2f}  ->  {value:.3f}")
    current = (
        next(
            k
            for k, p in enumerate(grid)
            if (p.alpha, p.lower, p.upper)
            == (DEFAULT_PARAMS.alpha, DEFAULT_PARAMS.lower, DEFAULT_PARAMS.upper)
        )
        if any(
            (p.alpha, p.lower, p.upper) == (DEFAULT_PARAMS.alpha, DEFAULT_PARAMS.lower, DEFAULT_PARAMS.upper)
            for p in grid
        )
        else None
    )
    if current is not None:
        print(f"  current defaults  ->  {rho(predictions[current], ids):.3f}")

    held_out: dict[str, int] = {}
    for question in questions:
        train = [i for i in ids if question_of[i] != question.key]
        test = [i for i in ids if question_of[i] == question.key]
        best = max(range(len(grid)), key=lambda k: (rho(predictions[k], train), -k))
        held_out.update({i: predictions[best][i] for i in test})
    print(f"leave-one-question-out Spearman (thresholds never saw the question): {rho(held_out, ids):.3f}")

    print(
        f"cover threshold by key-point F1 (alpha {DEFAULT_PARAMS.alpha}, lower {DEFAULT_PARAMS.lower}, "
        f"upper {DEFAULT_PARAMS.upper}):"
    )
    for cover in np.arange(DEFAULT_PARAMS.lower, DEFAULT_PARAMS.upper + 1e-9, 0.025):
        params = replace(DEFAULT_PARAMS, cover=float(round(cover, 3)))
        report = evaluate(questions, rubric_grades(questions, memo, params), grader="rubric")
        print(
            f"  cover {params.cover:+.3f}: precision {report.key_point_precision:.2f} "
            f"recall {report.key_point_recall:.2f} F1 {report.key_point_f1:.2f}  Spearman {report.spearman:.3f}"
        )


def run_llm(questions: list[EvalQuestion], encoder: object, limit: int | None) -> None:
    from ml.grading.combine import combine
    from ml.grading.judge import judge_answer
    from ml.llm import get_llm
    from ml.llm.base import LLMError

    llm = get_llm()
    if llm is None:
        print("\nLLM judge: skipped (LLM_BACKEND is none; set LLM_BACKEND/LLM_BASE_URL to measure it)")
        return
    rubric = rubric_grades(questions, encoder)
    chosen = [a for q in questions for a in q.answers][: limit if limit is not None else None]
    # Injection twins are judged too, or the injection check has nothing to compare with.
    wanted = {a.id for a in chosen} | {str(a.twin) for a in chosen if a.twin}
    answers = [(q, a) for q in questions for a in q.answers if a.id in wanted]
    print(f"\nLLM judge: backend {llm.name}, {len(answers)} answers")
    started = time.perf_counter()
    failures: list[str] = []

    def judge_one(pair: tuple[EvalQuestion, LabelledAnswer]) -> tuple[str, Grade | None]:
        q, a = pair
        try:
            return a.id, judge_answer(q.spec, a.text, llm=llm, rubric_grade=rubric[a.id])
        except LLMError as exc:
            failures.append(f"{a.id}: {type(exc).__name__}: {exc}")
            return a.id, None

    with ThreadPoolExecutor(max_workers=8) as pool:
        judged = {i: g for i, g in pool.map(judge_one, answers) if g is not None}
    elapsed = time.perf_counter() - started
    print(
        f"judged in {elapsed:.1f} s ({len(answers) / elapsed:.2f} answers/s); {len(failures)} failed "
        f"(the service keeps the rubric grade for those)"
    )
    for failure in failures[:10]:
        print(f"  ! {failure}")
    if len(judged) < 2:
        print("too few judged answers for a correlation")
        return
    subset = [
        EvalQuestion(q.key, q.spec, tuple(a for a in q.answers if a.id in judged))
        for q in questions
        if any(a.id in judged for a in q.answers)
    ]
    print(format_report(evaluate(subset, judged, grader=f"llm ({llm.name})")))
    combined = {i: combine(rubric[i], judged[i]) for i in judged}
    print(format_report(evaluate(subset, combined, grader="rubric+llm")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(EVAL_DIR))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--judge-limit", type=int, default=None)
    parser.add_argument("--no-llm", action="store_true", help="skip the LLM judge even if one is configured")
    args = parser.parse_args(argv)

    from ml.embeddings import get_encoder

    questions = load_eval_set(args.data)
    print(f"eval set: {len(questions)} questions, {sum(len(q.answers) for q in questions)} labelled answers")
    encoder = MemoEncoder(get_encoder())
    if args.calibrate:
        calibrate(questions, encoder)
        return 0
    started = time.perf_counter()
    report = run_rubric(questions, encoder)
    print(f"rubric graded in {time.perf_counter() - started:.1f} s")
    print(format_report(report, verbose=args.verbose))
    if not args.no_llm:
        run_llm(questions, encoder, args.judge_limit)
    return 0 if report.spearman >= 0.75 and not report.injection_violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
