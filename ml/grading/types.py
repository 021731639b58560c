"""Plain values that cross the boundary between `ml.grading` and the apps that store grades."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

GraderName = Literal["rubric", "llm", "rubric+llm"]
DIMENSIONS: tuple[str, ...] = ("correctness", "depth", "communication")


@dataclass(frozen=True)
class KeyPoint:
    """One checkable idea a strong answer states; weight 1-3 (3 = essential).

    `id` names the point for good (it survives edits of its text, "k1", "k2", ...), and `follow_up`
    is the interviewer's question for a candidate who missed *this* point: the two travel together,
    so a follow-up is always graded against the point it asks about.
    """

    text: str
    weight: float = 1.0
    id: str = ""
    follow_up: str = ""

    @classmethod
    def from_data(cls, data: Any, position: int) -> KeyPoint:
        """From `{id?, text, weight?, follow_up?}` or a plain string; a missing id is `k{position+1}`."""
        if isinstance(data, str):
            return cls(text=data, weight=1.0, id=f"k{position + 1}")
        return cls(
            text=str(data["text"]),
            weight=float(data.get("weight", 1.0)),
            id=str(data.get("id") or f"k{position + 1}"),
            follow_up=str(data.get("follow_up") or "").strip(),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "text": self.text, "weight": self.weight}
        if self.follow_up:
            data["follow_up"] = self.follow_up
        return data


@dataclass(frozen=True)
class QuestionSpec:
    """What the graders need to know about a question (the shape of `data/questions/*.yaml`)."""

    prompt: str
    key_points: tuple[KeyPoint, ...]
    reference_answer: str = ""
    round: str = ""
    # Statements a confidently wrong or bad answer would make (misconceptions, anti-patterns): the
    # grader measures how close an answer comes to them (data/questions/red_flags/).
    red_flags: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuestionSpec:
        """Build from a question-bank mapping; key points may be `{id, text, weight, follow_up}` or
        plain strings."""
        key_points = tuple(KeyPoint.from_data(kp, i) for i, kp in enumerate(data.get("key_points", ())))
        return cls(
            prompt=str(data["prompt"]).strip(),
            key_points=key_points,
            reference_answer=str(data.get("reference_answer") or "").strip(),
            round=str(data.get("round") or ""),
            red_flags=tuple(str(flag).strip() for flag in data.get("red_flags") or () if str(flag).strip()),
        )

    def key_point(self, key_point_id: str) -> KeyPoint | None:
        return next((kp for kp in self.key_points if kp.id == key_point_id), None)

    @property
    def total_weight(self) -> float:
        return sum(kp.weight for kp in self.key_points)


@dataclass(frozen=True)
class KeyPointResult:
    """How one key point fared: `evidence` is a literal span of the answer, or None."""

    index: int
    text: str
    weight: float
    covered: bool
    similarity: float
    evidence: str | None = None
    id: str = ""  # the key point's id (KeyPoint.id); `index` is its position in the graded rubric

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "index": self.index,
            "text": self.text,
            "weight": self.weight,
            "covered": self.covered,
            "similarity": round(float(self.similarity), 4),
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyPointResult:
        return cls(
            index=int(data["index"]),
            text=str(data["text"]),
            weight=float(data["weight"]),
            covered=bool(data["covered"]),
            similarity=float(data["similarity"]),
            evidence=data.get("evidence"),
            # Grades stored before key points had ids name them by position only.
            id=str(data["id"]) if "id" in data else f"k{int(data['index']) + 1}",
        )


@dataclass(frozen=True)
class Grade:
    """A graded answer: overall score, three dimensions, the key-point checklist and feedback."""

    score: int
    dimensions: dict[str, int]
    key_points: list[KeyPointResult]
    feedback: str
    grader: GraderName
    injection_suspected: bool = False
    misconceptions: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    prompt_version: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError(f"score must be 0-100, got {self.score}")
        missing = [name for name in DIMENSIONS if name not in self.dimensions]
        if missing:
            raise ValueError(f"dimensions missing: {missing}")

    @property
    def missed(self) -> list[KeyPointResult]:
        return [kp for kp in self.key_points if not kp.covered]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, as stored in the database."""
        return {
            "score": int(self.score),
            "dimensions": {name: int(self.dimensions[name]) for name in DIMENSIONS},
            "key_points": [kp.to_dict() for kp in self.key_points],
            "feedback": self.feedback,
            "grader": self.grader,
            "injection_suspected": bool(self.injection_suspected),
            "misconceptions": list(self.misconceptions),
            "flags": list(self.flags),
            "prompt_version": self.prompt_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grade:
        return cls(
            score=int(data["score"]),
            dimensions={name: int(data["dimensions"][name]) for name in DIMENSIONS},
            key_points=[KeyPointResult.from_dict(kp) for kp in data.get("key_points", ())],
            feedback=str(data.get("feedback", "")),
            grader=data["grader"],
            injection_suspected=bool(data.get("injection_suspected", False)),
            misconceptions=[str(m) for m in data.get("misconceptions", ())],
            flags=[str(f) for f in data.get("flags", ())],
            prompt_version=data.get("prompt_version"),
        )
