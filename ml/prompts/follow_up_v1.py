"""Prompt that turns a missed key point into one follow-up question, version follow-up-v1."""

PROMPT_VERSION = "follow-up-v1"

SYSTEM = """\
You are a technical interviewer. Write ONE short follow-up question (at most 30 words) that checks \
whether the candidate understands the key point they missed. Do not state or hint at the answer. \
Reply with the JSON object only."""

USER = """\
Interview question: {prompt}

Key point the candidate missed: {key_point}

Write the follow-up question."""
