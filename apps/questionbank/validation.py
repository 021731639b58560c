"""Validation of question fields, shared by the API, the staff forms, CSV/JSON import and LLM drafts.

Every entry point hands raw values (lists or the text shapes of the CSV and the form) to
`clean_question_fields`, so a rule such as "a weight is 1-3" is written once and reads the same
everywhere. Errors are Django `ValidationError`s keyed by field, with messages for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.careers.models import InterviewRound
from apps.questionbank.models import Question

MAX_PROMPT_CHARS = 4000
MAX_KEY_POINTS = 10
MAX_KEY_POINT_CHARS = 500
MAX_REFERENCE_CHARS = 20000
MAX_HINTS = 10
MAX_HINT_CHARS = 500
MAX_SKILLS = 12
MIN_WEIGHT, MAX_WEIGHT = 1.0, 3.0
KEY_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# "weight | text": the weight field is short, so a "|" deep inside a sentence is not taken for one.
_WEIGHTED_LINE_RE = re.compile(r"^\s*([^|]{1,8}?)\s*\|\s*(.*)$")
_LIST_SPLIT_RE = re.compile(r"\r?\n|;;")

RUBRIC_FIELDS = ("prompt", "key_points", "reference_answer")
IN_PLACE_FIELDS = ("key", "round", "difficulty", "status", "skills")
EDITABLE_FIELDS = RUBRIC_FIELDS + IN_PLACE_FIELDS


class KeyPointData(TypedDict):
    id: str  # "k1", "k2", ...: stable across edits of the text (see `carry_key_point_ids`)
    text: str
    weight: float
    follow_up: str  # the interviewer's question for a candidate who missed this point ("" = none)


KEY_POINT_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")


def format_weight(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else f"{weight:g}"


def _weight(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ValidationError(f"{where}: the weight must be a number from 1 to 3.")
    try:
        weight = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{where}: {str(value)[:20]!r} is not a weight; use a number from 1 to 3."
        ) from None
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise ValidationError(f"{where}: the weight must be from 1 to 3 (got {format_weight(weight)}).")
    return weight


def key_points_from_text(text: str) -> list[KeyPointData]:
    """Parse "weight | text | follow-up question" lines (newline- or ";;"-separated; the weight may be
    left out, meaning 1; the follow-up too). The key point and its follow-up sit on one line, side by
    side, so a follow-up can never drift to another point."""
    points: list[KeyPointData] = []
    errors: list[str] = []
    for number, line in enumerate(_LIST_SPLIT_RE.split(text), start=1):
        if not line.strip():
            continue
        where = f"Line {number}"
        match = _WEIGHTED_LINE_RE.match(line)
        weight_text, point_text = (match.group(1), match.group(2)) if match else ("1", line)
        try:
            weight = _weight(weight_text, where)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        point_text, _, follow_up = point_text.partition("|")
        if not point_text.strip():
            errors.append(f"{where}: the key point text is empty.")
            continue
        points.append({"id": "", "text": point_text.strip(), "weight": weight, "follow_up": follow_up.strip()})
    if errors:
        raise ValidationError(errors)
    return points


def key_points_to_text(points: Iterable[Mapping[str, Any]]) -> str:
    return "\n".join(
        f"{format_weight(p.get('weight', 1))} | {p['text']}" + (f" | {p['follow_up']}" if p.get("follow_up") else "")
        for p in points
    )


def clean_key_points(value: Any) -> list[KeyPointData]:
    """A list of `{text, weight?}` (or plain strings), or the "weight | text" text form."""
    if isinstance(value, str):
        points = key_points_from_text(value)
    elif isinstance(value, list | tuple):
        points, errors = [], []
        for number, item in enumerate(value, start=1):
            where = f"Key point {number}"
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
                errors.append(f"{where}: give an object with a text, an optional weight and an optional follow_up.")
                continue
            if not item["text"].strip():
                errors.append(f"{where}: the text is empty.")
                continue
            point_id, follow_up = item.get("id") or "", item.get("follow_up") or ""
            if not isinstance(point_id, str) or (point_id and not KEY_POINT_ID_RE.match(point_id)):
                errors.append(f"{where}: the id must be a short lower-case name such as k1.")
                continue
            if not isinstance(follow_up, str):
                errors.append(f"{where}: the follow_up must be text.")
                continue
            try:
                points.append({"id": point_id, "text": item["text"].strip(),
                               "weight": _weight(item.get("weight", 1), where), "follow_up": follow_up.strip()})
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
    else:
        raise ValidationError("Give the key points as a list of {text, weight} objects.")
    if not points:
        raise ValidationError("Add at least one key point.")
    if len(points) > MAX_KEY_POINTS:
        raise ValidationError(f"At most {MAX_KEY_POINTS} key points (got {len(points)}).")
    too_long = [i for i, p in enumerate(points, start=1) if len(p["text"]) > MAX_KEY_POINT_CHARS]
    if too_long:
        raise ValidationError(f"Key point {too_long[0]} is longer than {MAX_KEY_POINT_CHARS} characters.")
    texts = [p["text"].casefold() for p in points]
    if len(set(texts)) != len(texts):
        raise ValidationError("Two key points have the same text.")
    long_follow_up = [i for i, p in enumerate(points, start=1) if len(p["follow_up"]) > MAX_HINT_CHARS]
    if long_follow_up:
        raise ValidationError(f"The follow-up of key point {long_follow_up[0]} is longer than {MAX_HINT_CHARS} characters.")
    ids = [p["id"] for p in points if p["id"]]
    if len(set(ids)) != len(ids):
        raise ValidationError("Two key points have the same id.")
    return points


def carry_key_point_ids(points: list[KeyPointData], previous: Iterable[Mapping[str, Any]] = ()) -> list[KeyPointData]:
    """Give every key point without an id the id of the previous version's point it continues (same
    text, else the most similar text, one to one), else a new id never used by that question before.
    Identity, not position: reordering or editing a point keeps its follow-up and its history."""
    import difflib

    before = [p for p in previous if p.get("id")]
    taken = {p["id"] for p in points if p["id"]}
    free = [p for p in before if p["id"] not in taken]
    result: list[KeyPointData] = []
    pending: list[int] = []
    for point in points:
        result.append(dict(point))  # type: ignore[arg-type]
        if not point["id"]:
            same = next((p for p in free if str(p["text"]).casefold() == point["text"].casefold()), None)
            if same is not None:
                result[-1]["id"] = str(same["id"])
                free.remove(same)
            else:
                pending.append(len(result) - 1)
    for index in pending:
        scored = [(difflib.SequenceMatcher(None, str(p["text"]).casefold(), result[index]["text"].casefold()).ratio(), p)
                  for p in free]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= 0.6:
            result[index]["id"] = str(best[1]["id"])
            free.remove(best[1])
    used = {p["id"] for p in result if p["id"]} | {str(p["id"]) for p in before}
    numbers = [int(i[1:]) for i in used if re.fullmatch(r"k\d+", i)]
    next_number = max(numbers, default=0) + 1
    for point in result:
        if not point["id"]:
            point["id"] = f"k{next_number}"
            next_number += 1
    return result


def attach_follow_ups(points: list[KeyPointData], hints: list[str]) -> list[KeyPointData]:
    """The older input shape, a separate list of follow-up hints: accepted only with one hint per key
    point, given in the key points' order, for points that have no follow_up of their own."""
    if not hints:
        return points
    if len(hints) != len(points):
        raise ValidationError(
            f"{len(hints)} follow-up hints for {len(points)} key points: give each key point its own follow_up "
            "(or exactly one hint per key point, in order)."
        )
    return [{**p, "follow_up": p["follow_up"] or hint} for p, hint in zip(points, hints, strict=True)]


def clean_text_list(value: Any, *, max_items: int, max_chars: int, what: str) -> list[str]:
    """A list of strings, or one string with an item per line (or ";;"-separated)."""
    if value is None:
        return []
    items = _LIST_SPLIT_RE.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise ValidationError(f"Give the {what} as a list of strings.")
    cleaned = [i.strip() for i in items if i.strip()]
    if len(cleaned) > max_items:
        raise ValidationError(f"At most {max_items} {what} (got {len(cleaned)}).")
    if any(len(i) > max_chars for i in cleaned):
        raise ValidationError(f"Each of the {what} must be at most {max_chars} characters.")
    return cleaned


def clean_skill_slugs(value: Any, known: set[str] | None) -> list[str]:
    if isinstance(value, str):
        value = [s for s in re.split(r"[;,]", value)]
    if not isinstance(value, list | tuple) or not all(isinstance(s, str) for s in value):
        raise ValidationError("Give the skills as a list of skill slugs.")
    slugs = list(dict.fromkeys(s.strip() for s in value if s.strip()))
    if len(slugs) > MAX_SKILLS:
        raise ValidationError(f"At most {MAX_SKILLS} skills.")
    if known is not None:
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise ValidationError(
                f"Unknown skill(s): {', '.join(unknown)}. Use a skill id from the question bank's Skills page "
                f"({reverse('questionbank:skills')})."
            )
    return slugs


def _clean_text(value: Any, *, max_chars: int, required: bool, what: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be text.")
    value = value.strip()
    if required and not value:
        raise ValidationError(f"The {what} is required.")
    if len(value) > max_chars:
        raise ValidationError(f"The {what} must be at most {max_chars} characters (got {len(value)}).")
    return value


def _clean_choice(value: Any, choices: Iterable[str], what: str) -> str:
    allowed = list(choices)
    if not isinstance(value, str) or value.strip() not in allowed:
        raise ValidationError(f"{str(value)[:40]!r} is not a valid {what}; use one of: {', '.join(allowed)}.")
    return value.strip()


def _clean_difficulty(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError("The difficulty must be 1, 2 or 3.")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError("The difficulty must be 1, 2 or 3.") from None
    if not number.is_integer() or not 1 <= number <= 3:
        raise ValidationError("The difficulty must be 1, 2 or 3.")
    return int(number)


def _clean_key(value: Any) -> str:
    if not isinstance(value, str) or not KEY_RE.match(value.strip()) or len(value.strip()) > 120:
        raise ValidationError("The key must be letters, digits, hyphens or underscores (at most 120).")
    return value.strip()


def clean_question_fields(
    data: Mapping[str, Any],
    *,
    known_skills: set[str] | None = None,
    statuses: Iterable[str] = Question.Status.values,
    partial: bool = False,
) -> dict[str, Any]:
    """Validate the fields present in `data` (all required ones unless `partial`); raise one error per field."""
    cleaners: dict[str, Any] = {
        "key": _clean_key,
        "prompt": lambda v: _clean_text(v, max_chars=MAX_PROMPT_CHARS, required=True, what="prompt"),
        "round": lambda v: _clean_choice(v, InterviewRound.values, "round"),
        "difficulty": _clean_difficulty,
        "status": lambda v: _clean_choice(v, statuses, "status"),
        "skills": lambda v: clean_skill_slugs(v, known_skills),
        "key_points": clean_key_points,
        "reference_answer": lambda v: _clean_text(
            v, max_chars=MAX_REFERENCE_CHARS, required=False, what="reference answer"
        ),
        "follow_up_hints": lambda v: clean_text_list(
            v, max_items=MAX_HINTS, max_chars=MAX_HINT_CHARS, what="follow-up hints"
        ),
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(cleaners))
    if unknown:
        errors["non_field_errors"] = [f"Unknown field(s): {', '.join(unknown)}."]
    if not partial:
        required = {"prompt": "A prompt is required.", "round": "A round is required.",
                    "key_points": "Key points are required."}
        for name, message in required.items():
            if data.get(name) in (None, "", []):
                errors[name] = [message]
    for name, value in data.items():
        if name not in cleaners or name in errors:
            continue
        if value is None and name not in ("prompt", "round", "key_points"):
            continue  # JSON null on an optional field means "not given"
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if "follow_up_hints" in cleaned:
        hints = cleaned.pop("follow_up_hints")
        if "key_points" in cleaned:
            try:
                cleaned["key_points"] = attach_follow_ups(cleaned["key_points"], hints)
            except ValidationError as exc:
                errors["follow_up_hints"] = exc.messages
        elif hints:
            errors["follow_up_hints"] = ["Send the key points with their follow-ups (key_points[].follow_up)."]
    if errors:
        raise ValidationError(errors)
    return cleaned
