"""The fitted score read-out (ml/grading/model.py): the plain expectation over the expert bands, or the
sharpened one that `sharpness` asks for, and calibration files without the field."""

from dataclasses import replace

import numpy as np

from ml.grading.model import GraderModel, default_model


def _features_for(model: GraderModel, band: str, strength: float) -> np.ndarray:
    """Features that push the band model toward `band` (along its weight row), `strength` standard units."""
    row = model.band_weights[model.band_names.index(band)]
    return model.answer_mean + strength * model.answer_scale * row / np.linalg.norm(row)


def test_sharpening_moves_a_likely_excellent_answer_toward_the_excellent_band_and_keeps_the_order() -> None:
    plain = default_model()
    assert plain.sharpness == 1.0  # what calibration.json ships (docs/benchmarks.md: sharpening tried)
    sharp = replace(plain, sharpness=3.0)
    excellent_score = plain.band_scores[plain.band_names.index("excellent")]
    strong, weaker = _features_for(plain, "excellent", 2.0), _features_for(plain, "excellent", 1.0)
    assert plain.score(strong) < sharp.score(strong) <= excellent_score + 1e-9
    assert sharp.score(strong) > sharp.score(weaker) and plain.score(strong) > plain.score(weaker)
    p = plain.band_probabilities(strong)
    assert abs(plain.score(strong) - float(p @ plain.band_scores)) < 1e-9  # sharpness 1: the expectation


def test_a_calibration_file_without_sharpness_reads_as_the_plain_expectation() -> None:
    data = default_model().to_json()
    del data["answer"]["sharpness"]
    assert GraderModel.from_json(data).sharpness == 1.0
    data["answer"]["sharpness"] = 2.0
    assert GraderModel.from_json(data).sharpness == 2.0


def test_the_reader_features_tell_sure_nothing_from_might_state_something() -> None:
    """rubric-v5: near 0 the probabilities barely differ, the log readings do (off topic vs wrong on topic)."""
    from ml.grading.features import ANSWER_FEATURES, _read_features

    names = ANSWER_FEATURES[-5:]
    assert names == ("read_coverage", "read_max", "read_share", "read_log_mean", "read_log_max")
    off_topic = dict(zip(names, _read_features(np.array([0.002, 0.001, 0.0004]), None), strict=True))
    on_topic = dict(zip(names, _read_features(np.array([0.06, 0.03, 0.05]), None), strict=True))
    assert on_topic["read_coverage"] - off_topic["read_coverage"] < 0.05
    assert on_topic["read_log_mean"] - off_topic["read_log_mean"] > 2.5
    assert off_topic["read_log_max"] < on_topic["read_log_max"] < 0
    assert off_topic["read_log_mean"] >= np.log(1e-3)  # floored: 0.0004 reads as 0.001
    assert all(np.isnan(v) for v in _read_features(None, None))  # nothing read: the model's training mean
    assert len(default_model().answer_mean) == len(ANSWER_FEATURES)  # the shipped calibration knows them
