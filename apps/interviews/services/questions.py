"""Choosing what the interviewer asks: the rounds of a loop, the candidate questions, the next
question by the interviewer policy, and the rubric (question spec) an answer is graded on."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import F

from apps.careers.models import InterviewRound, JobRole
from apps.core.exceptions import ApplicationError
from apps.interviews import selectors
from apps.interviews.models import LOOP, Answer, Interview, ProjectQuestionStatus
from apps.questionbank.models import Question, QuestionVersion

if TYPE_CHECKING:
    from ml.grading.types import QuestionSpec


def _plan_rounds(*, round: str, role: JobRole | None, num_questions: int) -> list[str]:
    """The round of each main question: one round throughout, or the role's loop spread evenly."""
    if round != LOOP:
        return [round] * num_questions
    if role is None:
        raise ApplicationError(
            "A full loop needs a role: pick one or set a target role on your profile.",
            errors={"role": ["Required for a full loop."]},
        )
    loop = [r for r in role.interview_rounds if r in InterviewRound.values] or list(InterviewRound.values)
    return [loop[i * len(loop) // num_questions] for i in range(num_questions)]


def _topic_round(skill_ids: list[int]) -> str:
    """The round most of the topic's questions belong to (a topic check may mix rounds)."""
    counts: dict[str, int] = defaultdict(int)
    for round_ in _candidate_questions(skill_ids=skill_ids, rounds=None).values_list("round", flat=True):
        counts[round_] += 1
    return max(counts, key=lambda r: counts[r]) if counts else InterviewRound.ML_FUNDAMENTALS


def _candidate_questions(*, skill_ids: list[int] | None, rounds: list[str] | None):  # type: ignore[no-untyped-def]
    qs = Question.objects.filter(status=Question.Status.PUBLISHED, current_version__isnull=False)
    if rounds:
        qs = qs.filter(round__in=rounds)
    if skill_ids is not None:
        qs = qs.filter(skills__id__in=skill_ids).distinct()
    return qs


def _next_question(*, interview: Interview, asked: set[int], last_score: int | None) -> QuestionVersion | None:
    """The next main question by the interviewer policy (and the adapted difficulty, set on the
    interview), or None when the interview is complete or the bank has nothing left to ask."""
    from ml.interviewer import choose_next_question

    slot = len(asked)
    if slot >= interview.num_questions:
        return None
    if (slot >= 1 and interview.project_question_status == ProjectQuestionStatus.READY and interview.project_question_id
            and interview.project_question_id not in asked):
        # The question about a project on the resume, as soon as it is written (never first).
        version = QuestionVersion.objects.filter(question_id=interview.project_question_id,
                                                 question__current_version=F("pk")).first()
        if version is not None:
            return version
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        skill_ids = list(interview.topic.skills.values_list("id", flat=True)) if interview.topic else []
        pool = _candidate_questions(skill_ids=skill_ids, rounds=None)
    else:
        pool = _candidate_questions(skill_ids=None, rounds=[interview.rounds[slot]])
    questions = {q.pk: q for q in pool.exclude(pk__in=asked).select_related("current_version").prefetch_related("skills")}
    if not questions:
        return None
    candidates = [_candidate(q) for q in questions.values()]
    if interview.focus_skills:
        # A resume interview: questions on the resume's skills and the role's missing skills first.
        focus = set(interview.focus_skills)
        candidates = [c for c in candidates if focus & set(c.skills)] or candidates
    elif interview.role_id and interview.kind != Interview.Kind.TOPIC_CHECK:
        # Practising for a role: its skills' questions first, when the round has any.
        role_skills = set(interview.role.role_skills.values_list("skill__slug", flat=True)) if interview.role else set()
        candidates = [c for c in candidates if role_skills & set(c.skills)] or candidates
    records = selectors.skill_records_for(user=interview.user)
    mastery = {slug: record.score / 100 for slug, record in records.items()}
    seen = {str(pk) for pk in selectors.questions_seen_by(user=interview.user)}
    # Questions the learner has never been asked come first; repeats only when the round runs out.
    chosen, difficulty = choose_next_question(
        candidates, asked_ids=seen, skill_levels=mastery, last_score=last_score,
        current_difficulty=interview.current_difficulty,
    )
    if chosen is None:
        chosen, difficulty = choose_next_question(
            candidates, asked_ids=set(), skill_levels=mastery, last_score=last_score,
            current_difficulty=interview.current_difficulty,
        )
    interview.current_difficulty = difficulty
    return questions[int(chosen.id)].current_version if chosen is not None else None


def _candidate(question: Question) -> Any:
    from ml.interviewer import CandidateQuestion

    return CandidateQuestion(
        id=str(question.pk), skills=tuple(s.slug for s in question.skills.all()),
        difficulty=question.difficulty, round=question.round,
    )


def _ask(interview: Interview, version: QuestionVersion, *, parent: Answer | None = None, prompt: str = "",
         key_points: list[str] | None = None) -> None:
    interview.current_version = version
    interview.current_parent = parent
    interview.current_prompt = prompt
    interview.current_key_points = key_points or []


def _clear_current(interview: Interview) -> None:
    _ask(interview, None)  # type: ignore[arg-type]


_ADVANCE_FIELDS = ["current_version", "current_parent", "current_prompt", "current_key_points", "awaiting_answer",
                   "current_difficulty"]


def _spec_for(version: QuestionVersion) -> QuestionSpec:
    from apps.questionbank.selectors import question_spec_for

    return question_spec_for(version)


def _spec_for_answer(answer: Answer) -> QuestionSpec:
    """A follow-up is graded on the key points it probed (by id), with its own prompt."""
    from dataclasses import replace

    spec = _spec_for(answer.question_version)
    if answer.parent_id is None or not answer.follow_up_key_points:
        return spec
    probed = tuple(kp for kp in spec.key_points if kp.id in set(map(str, answer.follow_up_key_points)))
    return replace(spec, prompt=answer.prompt, key_points=probed or spec.key_points)
