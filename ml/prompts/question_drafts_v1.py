"""Prompt and reply schema for LLM-drafted bank questions (apps/questionbank/services/drafts.py)."""

from __future__ import annotations

from typing import Any

DRAFT_SYSTEM_PROMPT = (
    "You write interview questions for LLM and ML engineering candidates, with grading rubrics. "
    "Each question has a precise prompt, 3 to 6 key points (each ONE checkable idea stated as a full, "
    "self-contained sentence a strong answer would contain, weight 1-3 where 3 is essential), a model "
    "reference answer in Markdown of 80-250 words, and for each key point a follow-up question that "
    "probes that point without giving the answer away. "
    "Reply with JSON only."
)


def draft_json_schema(count: int) -> dict[str, Any]:
    """What the LLM must return; strict-mode friendly (every property required, nothing extra)."""
    key_point = {
        "type": "object",
        "properties": {"text": {"type": "string"}, "weight": {"type": "integer", "minimum": 1, "maximum": 3},
                       "follow_up": {"type": "string"}},
        "required": ["text", "weight", "follow_up"],
        "additionalProperties": False,
    }
    question = {
        "type": "object",
        "properties": {
            "prompt": {"type": "string"},
            "difficulty": {"type": "integer", "minimum": 1, "maximum": 3},
            "key_points": {"type": "array", "minItems": 3, "maxItems": 6, "items": key_point},
            "reference_answer": {"type": "string"},
        },
        "required": ["prompt", "difficulty", "key_points", "reference_answer"],
        "additionalProperties": False,
    }
    return {
        "title": "question_drafts",
        "type": "object",
        "properties": {"questions": {"type": "array", "minItems": 1, "maxItems": count, "items": question}},
        "required": ["questions"],
        "additionalProperties": False,
    }
