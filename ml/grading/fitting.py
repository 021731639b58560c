"""Fitting the rubric grader's two linear models (ml.grading.model) on labelled answers.

Only train and dev answers ever reach this module: the caller (`bench/grading_eval.py --fit`)
loads those splits and nothing else. Regularisation is chosen by leave-one-question-out
cross-validation over the train and dev questions; the saved models are fitted on train + dev. Needs scikit-learn (a
development dependency; grading itself reads the fitted numbers from calibration.json).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ml.grading.evaluation import EvalQuestion, spearman
from ml.grading.features import ANSWER_FEATURES, KEY_POINT_FEATURES
from ml.grading.model import CALIBRATION_PATH, GraderModel
from ml.grading.rubric import grade_many, measure_many

BANDS: tuple[str, ...] = ("excellent", "good", "weak", "wrong", "off-topic", "empty")
BAND_C_GRID: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)
# Exponents on the band probabilities before the expected score (model.GraderModel.sharpness). Only the
# plain expectation is offered: the grid (1, 1.5, 2, 3, 4, 6) chose 2 on dev (dev MAE 12.1 → 9.7) and on
# test gave MAE 11.0 (was 13.0) at the same Spearman, but one injected answer then outscored its honest
# twin (a paraphrase the grader under-scores: sharpening widens such gaps). docs/benchmarks.md.
SHARPNESS_GRID: tuple[float, ...] = (1.0,)


# Issue 12: no injected answer may score above its honest twin. Scores move by a point with the batch an
# answer is embedded in (padding), so a choice must keep every injected answer this far below its twin.
TWIN_MARGIN = 3


def _twin_violations(model: GraderModel, questions: Sequence[EvalQuestion], encoder: Any, reader: Any = None) -> int:
    """Injected answers that this model scores above their honest twin, or within TWIN_MARGIN of it."""
    answers = [(q, a) for q in questions for a in q.answers]  # the injected ones too (`_answers` leaves them out)
    grades = grade_many([(q.spec, a.text) for q, a in answers], encoder=encoder, model=model, reader=reader)
    by_id = {a.id: g.score for (_, a), g in zip(answers, grades, strict=True)}
    return sum(1 for _, a in answers if a.category == "injection" and a.twin in by_id and by_id[a.id] > by_id[a.twin] - TWIN_MARGIN)


def _objective(rho: float, mae: float) -> float:
    """One figure to choose by (out-of-fold): Spearman, less a hundredth per point of mean absolute error
    (issue 12 floors both: ranking like an expert and landing where the expert does)."""
    return rho - mae / 100
GOOD_FROM = 45  # a partial answer the expert scored this high is "good", below it "weak"


def band(category: str, score: int) -> str | None:
    """The expert band of a labelled answer (None for injection answers, which are not fitted on:
    their text minus the injected sentences is their twin's)."""
    if category == "partial":
        return "good" if score >= GOOD_FROM else "weak"
    return {"excellent": "excellent", "wrong": "wrong", "off-topic": "off-topic",
            "verbose-but-empty": "empty"}.get(category)


def blank_model(encoder: str) -> GraderModel:
    """A model that measures only (every key point at p = 0.5, a flat score)."""
    n_answer = len(ANSWER_FEATURES)
    return GraderModel(
        version="blank", encoder=encoder, key_point_weights=np.zeros(len(KEY_POINT_FEATURES)), key_point_bias=0.0,
        cover_threshold=0.5, answer_mean=np.zeros(n_answer), answer_scale=np.ones(n_answer), band_names=("flat",),
        band_weights=np.zeros((1, n_answer)), band_bias=np.zeros(1), band_scores=np.array([50.0]), fitted_on={},
    )


def _answers(questions: Sequence[EvalQuestion]) -> list[tuple[EvalQuestion, Any]]:
    return [(q, a) for q in questions for a in q.answers if a.category != "injection"]


def _fit_key_points(questions: Sequence[EvalQuestion], encoder: Any, base: GraderModel,
                    reader: Any = None) -> tuple[GraderModel, dict]:
    from sklearn.linear_model import LogisticRegression

    answers = _answers(questions)
    measured = measure_many([(q.spec, a.text) for q, a in answers], encoder=encoder, model=base, reader=reader)
    rows, labels = [], []
    for (_, a), m in zip(answers, measured, strict=True):
        if m.key_point_features is None:
            continue
        for i, features in enumerate(m.key_point_features):
            rows.append(features)
            labels.append(int(i in a.covers))
    x, y = np.asarray(rows), np.asarray(labels)
    fitted = LogisticRegression(C=10.0, max_iter=2000).fit(x, y)
    p = fitted.predict_proba(x)[:, 1]
    best_f1, best_threshold = -1.0, 0.5
    for threshold in np.arange(0.2, 0.81, 0.02):
        tp = float(((p >= threshold) & (y == 1)).sum())
        fp = float(((p >= threshold) & (y == 0)).sum())
        fn = float(((p < threshold) & (y == 1)).sum())
        f1 = 2 * tp / max(2 * tp + fp + fn, 1.0)
        if f1 > best_f1:
            best_f1, best_threshold = f1, float(round(threshold, 2))
    model = replace(base, key_point_weights=fitted.coef_[0].astype(np.float64),
                    key_point_bias=float(fitted.intercept_[0]), cover_threshold=best_threshold)
    return model, {"key_point_pairs": len(y), "key_point_f1": round(best_f1, 3), "cover_threshold": best_threshold}


def _answer_rows(questions: Sequence[EvalQuestion], encoder: Any, model: GraderModel,
                 reader: Any = None) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Answer features, expert bands, expert scores and question keys of every gradable answer."""
    answers = _answers(questions)
    measured = measure_many([(q.spec, a.text) for q, a in answers], encoder=encoder, model=model, reader=reader)
    rows, bands, scores, keys = [], [], [], []
    for (q, a), m in zip(answers, measured, strict=True):
        if m.answer_features is None:
            continue  # nothing gradable: the grader gives 0 without asking the model
        rows.append(m.answer_features)
        bands.append(str(band(a.category, a.score)))
        scores.append(a.score)
        keys.append(q.key)
    return np.asarray(rows), bands, np.asarray(scores, dtype=np.float64), keys


def _fit_bands(x: np.ndarray, bands: list[str], scores: np.ndarray, c: float, model: GraderModel) -> GraderModel:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale < 1e-9, 1.0, scale)
    fitted = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, bands)
    names = tuple(str(n) for n in fitted.classes_)
    band_scores = np.array([scores[np.asarray(bands) == n].mean() for n in names])
    return replace(model, answer_mean=mean, answer_scale=scale, band_names=names,
                   band_weights=fitted.coef_.astype(np.float64), band_bias=fitted.intercept_.astype(np.float64),
                   band_scores=band_scores)


def _cross_validated(x: np.ndarray, bands: list[str], scores: np.ndarray, keys: list[str], held_out: set[str],
                     c: float, model: GraderModel) -> tuple[float, float]:
    """Spearman and MAE of out-of-fold scores: each question of `held_out` in turn is scored by a band model
    fitted on every other answer (questions outside `held_out` are always trained on). The key-point model
    under `x` is shared by every fold (refitting it per fold would re-embed the corpus 30 times), so the
    figures are slightly optimistic: they rank choices; test is what gets reported."""
    predicted: dict[int, float] = {}
    for key in sorted(held_out):
        test = [i for i, k in enumerate(keys) if k == key]
        train = [i for i, k in enumerate(keys) if k != key]
        fitted = _fit_bands(x[train], [bands[i] for i in train], scores[train], c, model)
        predicted.update({i: min(100.0, max(0.0, fitted.score(x[i]))) for i in test})
    order = sorted(predicted)
    truth, guess = [float(scores[i]) for i in order], [predicted[i] for i in order]
    return spearman(truth, guess), float(np.mean(np.abs(np.asarray(guess) - np.asarray(truth))))


def fit(train: Sequence[EvalQuestion], dev: Sequence[EvalQuestion], *, encoder: Any, encoder_name: str,
        version: str, corpus_version: str, extra_train: Sequence[EvalQuestion] = (),
        reader: Any = None) -> GraderModel:
    """Fit both models on train + dev (+ `extra_train`) and choose the band model's C (and read-out
    sharpness) by leave-one-question-out cross-validation over the train and dev questions: a single
    dev split of ten questions moved the choice by chance. A choice whose refit lets an injected answer
    of train or dev come within TWIN_MARGIN of its honest twin is passed over.

    `reader` gives the key-point readings (`ml.grading.reader`); for fitting it must be the
    out-of-fold readings of `bench/train_reader.py` (a reader that was trained on an answer reads it
    too well, and the models above it would learn to trust it too much)."""
    base = blank_model(encoder_name)
    everything = [*train, *dev, *extra_train]
    held_out = {q.key for q in [*train, *dev]}
    key_points, kp_info = _fit_key_points(everything, encoder, base, reader)
    x_all, b_all, s_all, keys = _answer_rows(everything, encoder, key_points, reader)
    choices = []
    for c in BAND_C_GRID:
        for sharpness in SHARPNESS_GRID:
            rho, mae = _cross_validated(x_all, b_all, s_all, keys, held_out, c, replace(key_points, sharpness=sharpness))
            choices.append({"c": c, "sharpness": sharpness, "spearman": round(rho, 3), "mae": round(mae, 2)})
    ranked = sorted(choices, key=lambda ch: _objective(ch["spearman"], ch["mae"]), reverse=True)
    refits = []
    for choice in ranked:
        model = replace(_fit_bands(x_all, b_all, s_all, choice["c"], key_points), sharpness=choice["sharpness"])
        violations = _twin_violations(model, [*train, *dev], encoder, reader)
        refits.append({"c": choice["c"], "sharpness": choice["sharpness"], "injected_above_twin": violations})
        if not violations:
            best = choice
            break
    else:
        best = ranked[0]
        model = replace(_fit_bands(x_all, b_all, s_all, best["c"], key_points), sharpness=best["sharpness"])
    return replace(model, version=version, fitted_on={
        "corpus_version": corpus_version, "questions": len(everything),
        "answers": len(s_all), "band_c": best["c"], "sharpness": best["sharpness"],
        "chosen_by": f"leave-one-question-out over the {len(held_out)} train and dev questions",
        "cross_validated": {"spearman": best["spearman"], "mae": best["mae"]},
        "grid": choices, "refits_checked": refits,
        **kp_info,
    })


def save(model: GraderModel) -> str:
    CALIBRATION_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    return str(CALIBRATION_PATH)


def out_of_fold_reader(questions: Sequence[EvalQuestion], reads: dict[str, list[float]],
                       fallback: Any = None) -> Any:
    """A reader that answers with the stored out-of-fold readings (`bench/train_reader.py`) of each labelled
    answer. An injected answer, less the sentences addressed to the grader, is read as its honest twin."""
    from ml.grading.reader import TableReader
    from ml.grading.rubric_match import _prepare

    table: dict[tuple[str, str], float] = {}
    for q in questions:
        for a in q.answers:
            values = reads.get(a.id) if a.category != "injection" else reads.get(a.twin or "")
            if values is None or len(values) != len(q.spec.key_points):
                continue
            text = _prepare(q.spec, a.text).reader_text()
            for kp, value in zip(q.spec.key_points, values, strict=True):
                table[(kp.text, text)] = float(value)
    return TableReader(table, fallback)
