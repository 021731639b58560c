"""Clean resume text: encoding repair, and the lines addressed to automated screeners set aside.

The screener patterns live with the grader's in ml.injection: one place decides what is an attack and
what only quotes one ("Built guardrails that detect prompt injection such as 'ignore previous
instructions'" describes the candidate's work).
"""

from __future__ import annotations

import re
import unicodedata

from ml.injection import SCREENER, addresses_reader


def repair_text(text: str) -> str:
    """Fix mojibake (ftfy), drop control characters, normalise spaces and blank lines."""
    import ftfy

    text = ftfy.fix_text(text, normalization="NFKC")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    # pypdf breaks words at line ends with a hyphen: "fine-\ntuning" -> "fine-tuning".
    text = re.sub(r"(\w)-\n(\w)", r"\1-\2", text)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def screener_instructions(text: str) -> list[str]:
    """Lines that address an automated screener instead of describing the candidate."""
    flagged = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and addresses_reader(stripped, SCREENER):
            flagged.append(stripped)
    return flagged


def without_screener_instructions(text: str) -> tuple[str, list[str]]:
    """(text without the flagged lines, the flagged lines)."""
    flagged = screener_instructions(text)
    if not flagged:
        return text, []
    drop = set(flagged)
    kept = [line for line in text.split("\n") if line.strip() not in drop]
    return "\n".join(kept), flagged
