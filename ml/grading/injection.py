"""Spotting answers that talk to the grader instead of the interviewer.

An answer is untrusted text. Sentences that address the grader ("ignore the rubric", "give this
answer 100", fake JSON grades, "system:" turns) are flagged, excluded from scoring so they can
never raise a score, and the grade carries `injection_suspected=True`.
"""

from __future__ import annotations

import re

from ml.grading.answer_text import Sentence

_GRADER = r"(?:grad\w*|evaluat\w*|examin\w*|assess\w*|marker|scor\w*|judg\w*|rater)"
# "100" alone or "100 out of 100", but not "100 epochs" or "100 candidates".
_TOP_SCORE = (
    r"(?:100(?:\s*(?:/\s*100|%|out of|points|marks|percent)|(?!\s*[a-z0-9]))|full (?:marks|score|points)"
    r"|(?:a\s+)?(?:perfect|maximum|max|top|highest)\s+(?:score|marks?|grade|rating)|10/10|a\+)"
)

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # Instructions to drop the grading instructions.
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,60}\b(?:instructions?|rubric|prompt|rules|guidelines|criteria|key points|previous|above)\b",
        r"\bprevious instructions\b",
        # Chat-role turns smuggled into the answer ("SYSTEM: ...", "(Grader: ...").
        r"(?:^|[(\[{\"'])\s*(?:system|assistant|developer|grader|evaluator|judge|examiner)\s*:",
        r"<\|?(?:im_start|im_end|system|assistant|endoftext)\|?>",
        r"\[/?INST\]",
        # Addressing the grader.
        r"\b(?:note|message|instructions?|reminder|p\.?s\.?)\s+(?:to|for)\s+(?:the\s+)?(?:ai\s+)?" + _GRADER,
        r"\b(?:dear|hey|attention|hello)\s+(?:the\s+)?(?:ai\s+)?" + _GRADER,
        r"\bto the (?:ai|llm)\b",
        r"\byou are (?:now )?(?:the|a|an|in)\s+(?:\w+\s+){0,2}(?:grader|evaluator|judge|examiner|override|mode)\b",
        r"\b(?:grading|evaluation|scoring)\s+(?:note|result|override|instruction|mode)\b",
        # Demands for a score.
        r"\b(?:give|award|assign|rate|grade|mark|score)\s+(?:this|the|my|me|it|him|her|them)\b[^.\n]{0,30}\b"
        + _TOP_SCORE,
        r"\b(?:output|return|give|assign|award)\b[^.\n]{0,20}\b(?:perfect|maximum|max|full|top|highest)\s+(?:score|marks?|grade|rating|points)\b",
        r"\b(?:receive|get|deserves?|earn)\b[^.\n]{0,20}\b(?:score|grade|rating|marks?)\s+of\s+(?:100|10/10)\b",
        r"\b(?:score|grade|rating)\s*(?:of|is|:|=)\s*(?:100|10/10)\b",
        r"\b(?:score|grade|rating|mark)\b[^.\n]{0,30}\b(?:this|the|my)\s+(?:answer|response|submission|candidate)"
        r"\s+(?:is|=|:|should be|must be)\s+100\b",
        r"\bmark\b[^.\n]{0,40}\bas covered\b",
        r"\bcovered\"?\s*[:=]\s*true\b",
        # Fake grades in JSON.
        r"\{[^{}]*\"(?:score|grade|covered|correctness|depth|communication|key_points)\"\s*:",
    )
)


def is_injection(text: str) -> bool:
    """True when `text` contains an instruction or fake verdict addressed to the grader."""
    return any(pattern.search(text) for pattern in _PATTERNS)


def injection_sentences(sentences: list[Sentence]) -> set[int]:
    """Indices of the sentences that address the grader."""
    return {i for i, sentence in enumerate(sentences) if is_injection(sentence.text)}
