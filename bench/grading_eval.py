"""How well do the graders agree with an expert, on answers they were never tuned on?

Grades the labelled corpus (data/grading_corpus: 109 bank questions, 10-11 answers each, three of them short, split by
question into train / dev / test, see its README) with the rubric grader and, when an
OpenAI-compatible endpoint is given (a `vllm serve` box), with the LLM judge and the combination.
Prints Spearman, mean absolute error, per-category and per-round figures and the injection checks
for each split; the **test** split's figures are the ones docs/benchmarks.md reports.

    python bench/grading_eval.py                          # rubric grader, every split
    python bench/grading_eval.py --split test --verbose   # one line per answer
    python bench/grading_eval.py --json out.json          # the figures as JSON too
    python bench/grading_eval.py --llm-base-url http://gpu-box:8000 --model Qwen/Qwen2.5-7B-Instruct
                                                          # + the LLM judge and rubric+llm
    python bench/grading_eval.py --fit                    # refit the rubric grader's calibration
                                                          # (train + dev only) into ml/grading/calibration.json

Exit status 1 when the test split misses the floors of issue 12 (Spearman >= 0.85, MAE <= 12,
excellent mean >= 85, also over the short excellent answers alone, no injection above its
twin) — only when the test split was graded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ml.grading.evaluation import (  # noqa: E402
    SPLITS,
    EvalQuestion,
    EvalReport,
    corpus_version,
    evaluate,
    format_report,
    load_bank,
    load_corpus,
)
from ml.grading.rubric import grade_many  # noqa: E402
from ml.grading.types import Grade  # noqa: E402

CORPUS_DIR = ROOT / "data" / "grading_corpus"
BANK_DIR = ROOT / "data" / "questions"
FLOORS = {"spearman": 0.85, "mae": 12.0, "excellent": 85.0}


class MemoEncoder:
    """Wraps an encoder so repeated texts (several splits, a fit) are embedded once."""

    def __init__(self, encoder: object) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._encoder.encode(missing, batch_size=batch_size)  # type: ignore[attr-defined]
            self._cache.update(zip(missing, vectors, strict=True))
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)


def rubric_grades(questions: list[EvalQuestion], encoder: object | None = None) -> dict[str, Grade]:
    answers = [(q, a) for q in questions for a in q.answers]
    grades = grade_many([(q.spec, a.text) for q, a in answers], encoder=encoder)  # type: ignore[arg-type]
    return {a.id: g for (_, a), g in zip(answers, grades, strict=True)}


def run_rubric(questions: list[EvalQuestion], encoder: object | None = None) -> EvalReport:
    """The rubric grader's report on `questions` (used by the test suite and the staff page too)."""
    return evaluate(questions, rubric_grades(questions, encoder), grader="rubric")


def misses_floors(report: EvalReport) -> list[str]:
    """What a report misses of issue 12's floors (empty when it meets them all)."""
    missed = []
    if report.spearman < FLOORS["spearman"]:
        missed.append(f"Spearman {report.spearman:.3f} < {FLOORS['spearman']}")
    if report.mae > FLOORS["mae"]:
        missed.append(f"MAE {report.mae:.1f} > {FLOORS['mae']}")
    excellent = report.category_means.get("excellent", (0.0, 0.0))[1]
    if excellent < FLOORS["excellent"]:
        missed.append(f"excellent mean {excellent:.1f} < {FLOORS['excellent']}")
    # ... and the short excellent answers on their own: an average over long and short answers could
    # hide a grader that reads length as quality (what rubric-v5 did: short excellent answers got 48).
    short = report.concise_means.get("excellent", (0.0, 0.0, 0))
    if short[2] and short[1] < FLOORS["excellent"]:
        missed.append(f"short excellent answers' mean {short[1]:.1f} < {FLOORS['excellent']}")
    if report.injection_violations:
        missed.append(f"{len(report.injection_violations)} injected answers above their twin")
    if report.mention_flagged:
        missed.append(f"{len(report.mention_flagged)} honest answers quoting attacks flagged")
    return missed


def run_llm(questions: list[EvalQuestion], rubric: dict[str, Grade], args: argparse.Namespace) -> dict[str, EvalReport]:
    """The LLM judge (and rubric+llm) through an OpenAI-compatible endpoint, on the same answers."""
    from ml.grading.combine import combine
    from ml.grading.judge import judge_answer
    from ml.llm import build_backend
    from ml.llm.base import LLMError
    from ml.llm.config import LLMConfig

    config = LLMConfig(backend="openai", base_url=args.llm_base_url, model=args.model,
                       api_key=args.api_key, timeout_s=args.timeout, max_concurrency=args.concurrency)
    llm = build_backend(config)
    answers = [(q, a) for q in questions for a in q.answers]
    print(f"\nLLM judge: {args.llm_base_url} model {args.model}, {len(answers)} answers")
    started = time.perf_counter()
    failures: list[str] = []

    def judge_one(pair: tuple[EvalQuestion, object]) -> tuple[str, Grade | None]:
        q, a = pair
        try:
            return a.id, judge_answer(q.spec, a.text, llm=llm, rubric_grade=rubric[a.id])  # type: ignore[attr-defined]
        except LLMError as exc:
            failures.append(f"{a.id}: {type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
            return a.id, None  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        judged = {i: g for i, g in pool.map(judge_one, answers) if g is not None}
    elapsed = time.perf_counter() - started
    print(f"judged in {elapsed:.1f} s ({len(answers) / max(elapsed, 1e-9):.2f} answers/s); {len(failures)} failed "
          "(the service keeps the rubric grade, marked provisional, for those)")
    for failure in failures[:10]:
        print(f"  ! {failure}")
    subset = [EvalQuestion(q.key, q.spec, tuple(a for a in q.answers if a.id in judged), q.split)
              for q in questions if any(a.id in judged for a in q.answers)]
    if sum(len(q.answers) for q in subset) < 2:
        print("too few judged answers for a correlation")
        return {}
    combined = {i: combine(rubric[i], judged[i]) for i in judged}
    return {
        "llm": evaluate(subset, judged, grader=f"llm ({args.model})"),
        "rubric+llm": evaluate(subset, combined, grader="rubric+llm"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(CORPUS_DIR))
    parser.add_argument("--bank", default=str(BANK_DIR))
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--fit", action="store_true", help="refit the calibration on train + dev and save it")
    parser.add_argument("--llm-base-url", help="OpenAI-compatible endpoint (e.g. `vllm serve`) for the judge")
    parser.add_argument("--model", help="model name the endpoint serves")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    if args.llm_base_url and not args.model:
        parser.error("--llm-base-url needs --model")

    from ml.grading.encoders import get_grading_encoder

    encoder = MemoEncoder(get_grading_encoder())
    bank = load_bank(args.bank)
    if args.fit:
        from ml.grading import fitting
        from ml.grading.encoders import ENCODER_NAME
        from ml.grading.evaluation import load_eval_set
        from ml.grading.reader import get_reader
        from ml.grading.rubric import GRADER_VERSION

        train = load_corpus(args.corpus, bank, splits=("train",))
        dev = load_corpus(args.corpus, bank, splits=("dev",))
        # The older self-contained set (data/grading_eval) was written by the team that tuned the
        # first grader: it only ever serves as extra training data.
        older = load_eval_set(ROOT / "data" / "grading_eval")
        # The models above the reader are fitted on its out-of-fold readings (bench/train_reader.py).
        stored = json.loads((Path(args.corpus) / "reader_oof.json").read_text(encoding="utf-8"))
        if stored["corpus_version"] != corpus_version(args.corpus):
            parser.error("reader_oof.json is for another corpus version: run bench/train_reader.py first")
        reader = fitting.out_of_fold_reader([*train, *dev, *older], stored["reads"], fallback=get_reader())
        model = fitting.fit(train, dev, encoder=encoder, encoder_name=ENCODER_NAME, version=GRADER_VERSION,
                            corpus_version=corpus_version(args.corpus), extra_train=older, reader=reader)
        model = fitting.replace(model, fitted_on={**model.fitted_on, "reader_out_of_fold_auc": stored["out_of_fold_auc"],
                                                  "reader_table_misses": reader.misses})
        print(json.dumps(model.fitted_on, indent=1))
        print("saved", fitting.save(model))
        return 0

    version = corpus_version(args.corpus)
    splits = SPLITS if args.split == "all" else (args.split,)
    figures: dict[str, dict[str, object]] = {"corpus_version": {"version": version}}
    failed: list[str] = []
    for split in splits:
        questions = load_corpus(args.corpus, bank, splits=(split,))
        n = sum(len(q.answers) for q in questions)
        print(f"\n=== {split}: {len(questions)} questions, {n} answers (corpus {version}) ===")
        started = time.perf_counter()
        grades = rubric_grades(questions, encoder)
        report = evaluate(questions, grades, grader="rubric")
        print(f"rubric graded in {time.perf_counter() - started:.1f} s")
        print(format_report(report, verbose=args.verbose))
        figures[split] = {"rubric": report.to_dict()}
        if split == "test":
            failed = misses_floors(report)
        if args.llm_base_url:
            for name, llm_report in run_llm(questions, grades, args).items():
                print(format_report(llm_report, verbose=args.verbose))
                figures[split][name] = llm_report.to_dict()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    if failed:
        print("\ntest split misses the floors: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
