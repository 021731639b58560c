"""Grading interview answers: a deterministic rubric grader (embeddings), an LLM judge, and their
combination. All take and return the plain types of `ml.grading.types`."""

from ml.grading.types import Grade, KeyPoint, KeyPointResult, QuestionSpec

__all__ = ["Grade", "KeyPoint", "KeyPointResult", "QuestionSpec"]
