"""Do a question's red flags help the rubric grader recognise confidently wrong answers?

Red flags (`data/questions/red_flags/*.yaml`) are statements a wrong or bad answer to a bank question
would make: misconceptions, swapped concepts, wrong complexities, design anti-patterns, and for
behavioral questions the answers an interviewer flags (blaming, hiding data, coercion). They were
written from the question bank alone, never from the labelled corpus.

This script reads the corpus's **train and dev splits only** (the test split is never opened) and
prints, per split:

- how well each red-flag measure separates confidently wrong answers from partial and from all
  on-topic ones (ROC AUC; 0.5 is chance), next to the grader's own contradiction measures;
- the band model (`ml.grading.fitting`) fitted on train and read on dev, without and with the
  red-flag measures as extra answer features, for each regularisation C and read-out sharpness.

    python bench/grading_red_flags.py

The red-flag measures of an answer, from all-MiniLM-L6-v2 sentence vectors:
  red_flag_max    the closest any sentence comes to any red flag (cosine);
  red_flag_lead   how much closer a sentence comes to a red flag than to anything in the reference
                  answer or the key points (largest over sentences);
  red_flag_share  the share of on-topic sentences closer to a red flag than to the reference;
  red_flag_hits   the share of red flags some sentence states (cosine > 0.6).
The grader (rubric-v3 and later) reads the second and third as answer features; the "without" arm below drops them.
The dev-only reading this prints was the first verdict; docs/benchmarks.md has the cross-validated one.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.grading_eval import BANK_DIR, CORPUS_DIR, MemoEncoder  # noqa: E402
from ml.grading import fitting  # noqa: E402
from ml.grading.evaluation import EvalQuestion, load_bank, load_corpus, load_red_flags, spearman  # noqa: E402
from ml.grading.features import ANSWER_FEATURES, ON_TOPIC  # noqa: E402
from ml.grading.rubric import measure_many  # noqa: E402
from ml.grading.rubric_match import _prepare  # noqa: E402

RED_FLAGS_DIR = BANK_DIR / "red_flags"
MEASURES = ("red_flag_max", "red_flag_lead", "red_flag_share", "red_flag_hits")
HIT = 0.6


def red_flag_measures(encoder: MemoEncoder, question: EvalQuestion, flags: list[str],
                      sentences: list[str]) -> list[float]:
    if not flags or not sentences:
        return [0.0] * len(MEASURES)
    spec = question.spec
    reference = _prepare(spec, spec.reference_answer)
    right = [kp.text for kp in spec.key_points] + [reference.unit_text(u) for u in reference.units
                                                   if len(u.members) == 1]
    vectors = encoder.encode([*sentences, *right, *flags])
    s, r, f = vectors[:len(sentences)], vectors[len(sentences):len(sentences) + len(right)], vectors[-len(flags):]
    to_flags, relevance = s @ f.T, (s @ r.T).max(axis=1)
    best = to_flags.max(axis=1)
    lead = best - relevance
    on_topic = np.maximum(best, relevance) > ON_TOPIC
    return [float(best.max()), float(lead.max()),
            float(((lead > 0) & on_topic).sum() / max(int(on_topic.sum()), 1)),
            float((to_flags.max(axis=0) > HIT).mean())]


def rows(questions: list[EvalQuestion], encoder: MemoEncoder, model: object, flags: dict[str, list[str]]):
    answers = [(q, a) for q in questions for a in q.answers if a.category != "injection"]
    measured = measure_many([(q.spec, a.text) for q, a in answers], encoder=encoder, model=model)
    x, extra, bands, scores, categories = [], [], [], [], []
    for (q, a), m in zip(answers, measured, strict=True):
        if m.answer_features is None:
            continue
        sentences = [m.item.unit_text(u) for u in m.item.units if len(u.members) == 1]
        x.append(m.answer_features)
        extra.append(red_flag_measures(encoder, q, flags.get(q.key, []), sentences))
        bands.append(str(fitting.band(a.category, a.score)))
        scores.append(float(a.score))
        categories.append(a.category)
    return np.asarray(x), np.asarray(extra), bands, np.asarray(scores), categories


def auc(labels: list[bool], values: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, values)) if 0 < sum(labels) < len(labels) else float("nan")


def main() -> int:
    from ml.grading.encoders import get_grading_encoder

    encoder = MemoEncoder(get_grading_encoder())
    flags = load_red_flags(RED_FLAGS_DIR)
    bank = load_bank(BANK_DIR)
    missing = sorted(set(bank) - set(flags))
    print(f"red flags for {len(bank) - len(missing)} of {len(bank)} bank questions"
          + (f" (missing: {', '.join(missing[:5])})" if missing else ""))
    train = load_corpus(CORPUS_DIR, bank, splits=("train",))
    dev = load_corpus(CORPUS_DIR, bank, splits=("dev",))
    key_points, _ = fitting._fit_key_points(train, encoder, fitting.blank_model("bench"))
    data = {"train": rows(train, encoder, key_points, flags), "dev": rows(dev, encoder, key_points, flags)}

    contradiction = [ANSWER_FEATURES.index(n) for n in ("contradicts_reference", "contradicts_key_points")]
    print("\nROC AUC, confidently wrong against partial | against excellent + partial")
    for split, (x, extra, _, _, categories) in data.items():
        on_topic = [i for i, c in enumerate(categories) if c in ("excellent", "partial", "wrong")]
        partial = [i for i in on_topic if categories[i] != "excellent"]
        print(f"  {split}: {sum(categories[i] == 'wrong' for i in on_topic)} wrong, {len(partial)} wrong + partial,"
              f" {len(on_topic)} on topic")
        columns = [(ANSWER_FEATURES[j], x[:, j]) for j in contradiction]
        columns += [(name, extra[:, k]) for k, name in enumerate(MEASURES)]
        for name, values in columns:
            print(f"    {name:24s} {auc([categories[i] == 'wrong' for i in partial], values[partial]):.3f} | "
                  f"{auc([categories[i] == 'wrong' for i in on_topic], values[on_topic]):.3f}")

    # The grader's own answer features without its red-flag measures: the "without" arm.
    plain = [i for i, name in enumerate(ANSWER_FEATURES) if not name.startswith("red_flag")]
    x_train, extra_train, bands_train, scores_train, _ = data["train"]
    x_dev, extra_dev, _, scores_dev, categories_dev = data["dev"]
    x_train, x_dev = x_train[:, plain], x_dev[:, plain]
    print("\nBand model fitted on train, read on dev: Spearman / MAE, mean score of wrong and partial answers")
    for label, with_flags in (("without red flags", False), ("with red flags", True)):
        fit_x = np.hstack([x_train, extra_train]) if with_flags else x_train
        dev_x = np.hstack([x_dev, extra_dev]) if with_flags else x_dev
        for c in fitting.BAND_C_GRID:
            fitted = fitting._fit_bands(fit_x, bands_train, scores_train, c, key_points)
            for sharpness in (1.0, 2.0):
                model = replace(fitted, sharpness=sharpness)
                predicted = np.array([min(100.0, max(0.0, model.score(row))) for row in dev_x])
                rho = spearman(list(scores_dev), list(predicted))
                mae = float(np.mean(np.abs(predicted - scores_dev)))
                by = {cat: float(np.mean([p for p, k in zip(predicted, categories_dev, strict=True) if k == cat]))
                      for cat in ("wrong", "partial")}
                print(f"  {label:18s} C {c:<4} sharpness {sharpness:.0f}: {rho:.3f} / {mae:4.1f}"
                      f"   wrong {by['wrong']:4.1f}  partial {by['partial']:4.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
