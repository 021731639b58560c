"""Interview actions: start, answer, grade (rubric, then the LLM judge), advance, finish with a report.

Grading never runs in a web request: `answer_submit` saves the answer and queues
`answer_grade_task` on commit. The rubric grade arrives in about a second (status `graded`, or
`provisional` while an LLM judge is configured and has not refined it yet). The interviewer waits
for that grade before it decides what comes next, so it can follow up on a missed key point.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.careers.models import Company, InterviewRound, JobRole
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews import selectors
from apps.interviews.models import LOOP, Answer, Interview, ProjectQuestionStatus
from apps.questionbank.models import Question, QuestionVersion
from apps.roadmap.models import Topic, TopicProgress

if TYPE_CHECKING:
    from apps.accounts.models import User
    from ml.grading.types import Grade, QuestionSpec

logger = logging.getLogger(__name__)

# Seconds the interviewer waits for an answer's grade before moving on without a follow-up.
GRADE_WAIT_S = int(getattr(settings, "INTERVIEW_GRADE_WAIT_S", 20))
# Answers pending or grading for longer than this are re-queued by the periodic task.
STUCK_AFTER_MINUTES = int(getattr(settings, "INTERVIEW_STUCK_AFTER_MINUTES", 5))
MAX_GRADE_ATTEMPTS = 5
# An answer the judge keeps failing on (e.g. malformed output every time) keeps its rubric grade.
MAX_REFINE_ATTEMPTS = 10
TOPIC_CHECK_PASS_SCORE = 70
TOPIC_CHECK_QUESTIONS = 2
# Of the question's weight a follow-up recovers, this share is credited (the learner was prompted).
FOLLOW_UP_CREDIT = 0.5
STRENGTH_SCORE = 70
GAP_SCORE = 60

SETTLED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL, Answer.GradingStatus.FAILED)
SCORED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)


# --- Starting ---------------------------------------------------------------------------------


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


@transaction.atomic
def interview_start(
    *, user: User, round: str, role: JobRole | None = None, company: Company | None = None,
    difficulty: int = 2, num_questions: int = 5, kind: str = Interview.Kind.MOCK, topic: Topic | None = None,
    resume: Any = None, focus_skills: list[str] | None = None,
) -> Interview:
    """Start an interview and choose its first question (weak skills first, difficulty adapting)."""
    if round != LOOP and round not in InterviewRound.values:
        raise ApplicationError("Unknown round.", errors={"round": [f"One of {', '.join([*InterviewRound.values, LOOP])}."]})
    if round == LOOP and role is None:
        role = user.target_role
    focus: list[str] = []
    if resume is not None:
        from apps.resumes.selectors import resume_interview_skills

        if resume.user_id != user.pk:  # never reveal another learner's resume exists
            raise NotFound("Resume not found.")
        kind = Interview.Kind.RESUME
        focus = focus_skills if focus_skills is not None else resume_interview_skills(resume, role)
    interview = Interview(
        user=user, kind=kind, round=round, role=role, company=company, topic=topic, resume=resume, focus_skills=focus,
        difficulty=difficulty, current_difficulty=difficulty, num_questions=num_questions,
    )
    interview.rounds = _plan_rounds(round=round, role=role, num_questions=num_questions) if kind != Interview.Kind.TOPIC_CHECK else []
    if resume is not None and llm_configured() and num_questions >= 2:
        interview.project_question_status = ProjectQuestionStatus.PENDING
    interview.full_clean()
    interview.save()
    if interview.project_question_status == ProjectQuestionStatus.PENDING:
        from apps.interviews import tasks

        transaction.on_commit(lambda: tasks.interview_project_question_task.delay(interview.pk))
    version = _next_question(interview=interview, asked=set(), last_score=None)
    if version is None:
        raise ApplicationError(
            "There are no published questions for this choice yet.", errors={"round": ["No questions available."]}
        )
    _ask(interview, version)
    interview.save(update_fields=["current_version", "current_parent", "current_prompt", "current_key_points",
                                  "current_difficulty"])
    return interview


@transaction.atomic
def topic_check_start(*, user: User, topic: Topic) -> Interview:
    """A short interview (1-2 questions) on the topic's skills; passing it verifies the topic."""
    skill_ids = list(topic.skills.values_list("id", flat=True))
    available = _candidate_questions(skill_ids=skill_ids, rounds=None).count()
    if not available:
        raise ApplicationError("There are no questions on this topic's skills yet.", errors={"topic": ["No questions."]})
    return interview_start(
        user=user, round=_topic_round(skill_ids), kind=Interview.Kind.TOPIC_CHECK, topic=topic,
        difficulty=2, num_questions=min(TOPIC_CHECK_QUESTIONS, available),
    )


def _topic_round(skill_ids: list[int]) -> str:
    """The round most of the topic's questions belong to (a topic check may mix rounds)."""
    counts: dict[str, int] = defaultdict(int)
    for round_ in _candidate_questions(skill_ids=skill_ids, rounds=None).values_list("round", flat=True):
        counts[round_] += 1
    return max(counts, key=lambda r: counts[r]) if counts else InterviewRound.ML_FUNDAMENTALS


# --- Choosing questions -------------------------------------------------------------------------


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


@transaction.atomic
def interview_advance(*, interview_id: int) -> Interview:
    """Decide what the learner is asked next, once the previous answer's grade is in.

    A follow-up on the most important missed key point when the instant grade shows one (at most
    one per question), else the next question at an adapted difficulty. If the grade is late
    (worker busy or down) the interview moves on without a follow-up after GRADE_WAIT_S.
    Idempotent: does nothing while a question is current or the grade is still expected.
    """
    interview = Interview.objects.select_for_update().get(pk=interview_id)
    if not interview.is_active or interview.current_version_id is not None:
        return interview
    answers = list(interview.answers.select_related("question_version__question").order_by("order"))
    awaited = next((a for a in answers if a.pk == interview.awaiting_answer_id), None)
    waited = timezone.now() - timedelta(seconds=GRADE_WAIT_S)
    if awaited is not None and not awaited.is_settled and awaited.created_at > waited:
        return interview
    if awaited is not None and awaited.parent_id is None and awaited.grading_status in SCORED:
        follow_up = _follow_up_for(interview, awaited, answers)
        if follow_up is not None:
            prompt, key_points = follow_up
            _ask(interview, awaited.question_version, parent=awaited, prompt=prompt, key_points=key_points)
            interview.awaiting_answer = None
            interview.save(update_fields=_ADVANCE_FIELDS)
            return interview
    mains = [a for a in answers if a.parent_id is None]
    last = mains[-1] if mains else None
    last_score = last.score if last is not None and last.grading_status in SCORED else None
    asked = {a.question_version.question_id for a in mains}
    version = _next_question(interview=interview, asked=asked, last_score=last_score)
    if version is not None:
        _ask(interview, version)
    else:
        _clear_current(interview)
    interview.awaiting_answer = None
    interview.save(update_fields=_ADVANCE_FIELDS)
    return interview


def _follow_up_for(interview: Interview, answer: Answer, answers: list[Answer]) -> tuple[str, list[str]] | None:
    """The follow-up prompt and the id of the key point it probes, or None (nothing important missed).
    The prompt is that key point's own follow-up, so the answer is graded on what was asked."""
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        return None  # a topic check is a short test, not a conversation
    if any(a.parent_id == answer.pk for a in answers):
        return None
    from ml.grading.types import Grade
    from ml.interviewer import most_important_miss, write_follow_up

    spec, grade = _spec_for(answer.question_version), Grade.from_dict(answer.grade)
    missed = most_important_miss(spec, grade)
    # No LLM here: this runs on the grading queue, and a template follow-up is instant.
    prompt = write_follow_up(spec, grade, llm=None) if missed is not None else None
    if missed is None or not prompt:
        return None
    return prompt, [missed.id or spec.key_points[missed.index].id]


# --- Answering ----------------------------------------------------------------------------------


@transaction.atomic
def answer_submit(*, interview: Interview, question: Question, text: str) -> Answer:
    """Save the learner's answer to the current question and queue its grading (after commit)."""
    from apps.interviews import tasks

    interview = Interview.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=interview.pk)
    if interview.status == Interview.Status.FINISHED:
        raise Conflict("This interview is finished.")
    current = interview.current_version
    if current is None or current.question_id != question.pk:
        raise ApplicationError(
            "That is not the current question of this interview.",
            errors={"question": ["Answer the current question."]},
        )
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write an answer first.", errors={"text": ["This field may not be blank."]})
    answer = Answer(
        interview=interview, question_version=current, parent=interview.current_parent,
        prompt=interview.current_prompt or current.prompt, follow_up_key_points=interview.current_key_points,
        text=text, order=interview.answers.count() + 1,
    )
    answer.full_clean()
    answer.save()
    _clear_current(interview)
    interview.awaiting_answer = answer
    interview.save(update_fields=_ADVANCE_FIELDS)
    if answer.parent_id is not None:
        # The follow-up's grade changes nothing about what comes next: move on now.
        interview_advance(interview_id=interview.pk)
    answer_id = answer.pk
    # robust: with the broker down the answer is saved all the same (202); answers_requeue_stuck
    # (beat) queues its grading once Redis is back, so no answer is lost.
    transaction.on_commit(lambda: tasks.answer_grade_task.delay(answer_id), robust=True)
    return answer


# --- Grading ------------------------------------------------------------------------------------


def _spec_for(version: QuestionVersion) -> QuestionSpec:
    from apps.questionbank.services import question_spec_for

    return question_spec_for(version)


def _spec_for_answer(answer: Answer) -> QuestionSpec:
    """A follow-up is graded on the key points it probed (by id), with its own prompt."""
    from dataclasses import replace

    spec = _spec_for(answer.question_version)
    if answer.parent_id is None or not answer.follow_up_key_points:
        return spec
    probed = tuple(kp for kp in spec.key_points if kp.id in set(map(str, answer.follow_up_key_points)))
    return replace(spec, prompt=answer.prompt, key_points=probed or spec.key_points)


def llm_configured() -> bool:
    """Whether an LLM judge will refine rubric grades (read from the environment, like ml.llm does).

    Only the configuration is read: the grading worker must not build (or load) the backend itself.
    """
    from ml.llm import LLMConfig

    return LLMConfig.from_env().backend != "none"


def _store_grade(answer: Answer, grade: Grade) -> None:
    answer.score = grade.score
    answer.dimensions = dict(grade.dimensions)
    answer.key_points = [kp.to_dict() for kp in grade.key_points]
    answer.feedback = grade.feedback
    answer.grader = grade.grader
    answer.grade = grade.to_dict()
    answer.injection_suspected = grade.injection_suspected
    answer.flags = list(grade.flags)


_GRADE_FIELDS = ["score", "dimensions", "key_points", "feedback", "grader", "grade", "injection_suspected", "flags"]


def answer_grade(*, answer_id: int, force: bool = False) -> Answer | None:
    """The instant rubric grade. Idempotent: a graded (or provisional) answer is left alone unless `force`.

    Three short transactions: claim (status `grading`, attempts + 1), grade outside any transaction
    (it may load the encoder), store. A worker killed in between leaves the answer `grading`; the
    message is redelivered (acks_late) or `answers_requeue_stuck` queues it again, and the claim
    step lets exactly one run store a grade.
    """
    with transaction.atomic():
        answer = Answer.objects.select_for_update().filter(pk=answer_id).first()
        if answer is None:
            logger.info("answer to grade is gone", extra={"answer": answer_id})
            return None  # deleted with its interview: nothing to retry
        if answer.grading_status in SCORED and not force:
            return answer
        answer.grading_status = Answer.GradingStatus.GRADING
        answer.attempts += 1
        answer.grading_started_at = timezone.now()
        answer.save(update_fields=["grading_status", "attempts", "grading_started_at"])
    try:
        grade = _rubric_grade(answer)
    except Exception as exc:
        _grading_failed(answer_id, exc)
        raise
    return _grade_store(answer_id, grade, force=force)


def _rubric_grade(answer: Answer) -> Grade:
    from ml.grading import rubric

    answer = Answer.objects.select_related("question_version__question").get(pk=answer.pk)
    return rubric.grade_with_rubric(_spec_for_answer(answer), answer.text)


@transaction.atomic
def _grade_store(answer_id: int, grade: Grade, *, force: bool) -> Answer:
    from apps.interviews import tasks

    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.grading_status in SCORED and not force:
        return answer  # another delivery of the same task got here first
    _store_grade(answer, grade)
    answer.rubric_grade = grade.to_dict()
    now = timezone.now()
    answer.graded_at = answer.graded_at or now
    answer.refined_at = None
    answer.error_kind, answer.error_message = Answer.ErrorKind.NONE, ""
    refine = llm_configured()
    answer.grading_status = Answer.GradingStatus.PROVISIONAL if refine else Answer.GradingStatus.GRADED
    answer.save(update_fields=[*_GRADE_FIELDS, "rubric_grade", "graded_at", "refined_at", "error_kind",
                               "error_message", "grading_status"])
    _after_grade(answer)
    if refine:
        transaction.on_commit(lambda: tasks.answer_refine_task.delay(answer_id))
    return answer


@transaction.atomic
def _grading_failed(answer_id: int, exc: Exception) -> None:
    """Record why grading failed; back to pending for a retry, or failed after MAX_GRADE_ATTEMPTS."""
    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.grading_status in SCORED:
        return
    answer.error_kind = Answer.ErrorKind.INTERNAL
    answer.error_message = f"{type(exc).__name__}: {exc}"[:500]
    gave_up = answer.attempts >= MAX_GRADE_ATTEMPTS
    answer.grading_status = Answer.GradingStatus.FAILED if gave_up else Answer.GradingStatus.PENDING
    answer.save(update_fields=["error_kind", "error_message", "grading_status"])
    if gave_up:
        _after_grade(answer)


def _after_grade(answer: Answer) -> None:
    """A grade (or a final failure) is in: let the interviewer go on, refresh a finished report."""
    interview = Interview.objects.get(pk=answer.interview_id)
    if interview.awaiting_answer_id == answer.pk:
        interview_advance(interview_id=interview.pk)
    elif interview.status == Interview.Status.FINISHED:
        interview_report_refresh(interview=interview)


def _error_kind(exc: Exception) -> str:
    from ml.llm.base import LLMBadOutput, LLMTimeout, LLMUnavailable

    if isinstance(exc, LLMTimeout):
        return Answer.ErrorKind.TIMEOUT
    if isinstance(exc, LLMUnavailable):
        return Answer.ErrorKind.CONNECTION
    if isinstance(exc, LLMBadOutput):
        return Answer.ErrorKind.MALFORMED_OUTPUT
    return Answer.ErrorKind.INTERNAL


def answer_refine(*, answer_id: int) -> Answer | None:
    """The LLM judge's second opinion, combined with the rubric grade; status `graded`.

    On an LLM error the rubric grade stands (still `provisional`), the error kind is stored and the
    error is raised again so the task can retry with backoff.
    """
    from ml.grading.combine import combine
    from ml.grading.judge import judge_answer
    from ml.grading.types import Grade
    from ml.llm import get_llm
    from ml.llm.base import LLMError

    answer = Answer.objects.select_related("question_version__question").filter(pk=answer_id).first()
    if answer is None or answer.grading_status != Answer.GradingStatus.PROVISIONAL:
        return answer
    llm = get_llm()
    if llm is None:
        return answer  # the LLM was switched off: the rubric grade stays provisional until it is back
    rubric_grade = Grade.from_dict(answer.rubric_grade or answer.grade)
    Answer.objects.filter(pk=answer_id).update(refine_attempts=F("refine_attempts") + 1)
    try:
        judged = judge_answer(_spec_for_answer(answer), answer.text, llm=llm, rubric_grade=rubric_grade)
        grade = combine(rubric_grade, judged)
    except LLMError as exc:
        Answer.objects.filter(pk=answer_id, grading_status=Answer.GradingStatus.PROVISIONAL).update(
            error_kind=_error_kind(exc), error_message=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(pk=answer_id)
        if answer.grading_status != Answer.GradingStatus.PROVISIONAL:
            return answer
        _store_grade(answer, grade)
        answer.grading_status = Answer.GradingStatus.GRADED
        answer.refined_at = timezone.now()
        answer.error_kind, answer.error_message = Answer.ErrorKind.NONE, ""
        answer.save(update_fields=[*_GRADE_FIELDS, "grading_status", "refined_at", "error_kind", "error_message"])
        interview = Interview.objects.get(pk=answer.interview_id)
        if interview.status == Interview.Status.FINISHED:
            interview_report_refresh(interview=interview)
    return answer


def answers_refine_provisional(*, limit: int = 200) -> int:
    """Queue the judge for provisional answers when the LLM answers its health probe. Returns how many."""
    from apps.interviews import tasks
    from ml.llm import get_llm

    llm = get_llm()
    if llm is None:
        return 0
    try:
        health = llm.health()
    except Exception as exc:
        health = f"error: {exc}"
    if health != "ok":
        logger.info("LLM not healthy, provisional grades wait", extra={"health": health})
        return 0
    ids = list(
        Answer.objects.filter(grading_status=Answer.GradingStatus.PROVISIONAL, refine_attempts__lt=MAX_REFINE_ATTEMPTS)
        .order_by("graded_at").values_list("pk", flat=True)[:limit]
    )
    for answer_id in ids:
        tasks.answer_refine_task.delay(answer_id)
    return len(ids)


def answers_requeue_stuck(*, older_than_minutes: int | None = None) -> int:
    """Queue grading again for answers pending or grading for too long (a lost message, a killed worker)."""
    from apps.interviews import tasks

    minutes = STUCK_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stuck = Answer.objects.filter(
        Q(grading_status=Answer.GradingStatus.PENDING, created_at__lte=cutoff, grading_started_at__isnull=True)
        | Q(grading_status=Answer.GradingStatus.PENDING, grading_started_at__lte=cutoff)
        | Q(grading_status=Answer.GradingStatus.GRADING, grading_started_at__lte=cutoff)
    )
    ids = list(stuck.values_list("pk", flat=True)[:500])
    for answer_id in ids:
        tasks.answer_grade_task.delay(answer_id)
    return len(ids)


# --- Finishing and the report -------------------------------------------------------------------


@transaction.atomic
def interview_finish(*, interview: Interview) -> Interview:
    """Finish the interview and build its report; grades still arriving update it later."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status == Interview.Status.ACTIVE:
        interview.status = Interview.Status.FINISHED
        interview.finished_at = timezone.now()
        _clear_current(interview)
        interview.awaiting_answer = None
        interview.save(update_fields=["status", "finished_at", *_ADVANCE_FIELDS])
    return interview_report_refresh(interview=interview)


@transaction.atomic
def interview_report_refresh(*, interview: Interview) -> Interview:
    """Rebuild and store the report of a finished interview; verify a passed topic check."""
    report = interview_report_build(interview=interview)
    interview.report = report
    interview.score = report["score"]
    interview.save(update_fields=["report", "score"])
    if (interview.kind == Interview.Kind.TOPIC_CHECK and interview.topic_id and report["complete"]
            and report["score"] is not None and report["score"] >= TOPIC_CHECK_PASS_SCORE):
        _topic_verify(user_id=interview.user_id, topic_id=interview.topic_id)
    return interview


def _topic_verify(*, user_id: int, topic_id: int) -> TopicProgress:
    now = timezone.now()
    progress, _ = TopicProgress.objects.select_for_update().get_or_create(
        user_id=user_id, topic_id=topic_id,
        defaults={"status": TopicProgress.Status.DONE, "started_at": now, "completed_at": now},
    )
    fields = []
    if progress.status != TopicProgress.Status.DONE:
        # Passing the check shows the topic is learned.
        progress.status, progress.completed_at = TopicProgress.Status.DONE, now
        progress.started_at = progress.started_at or now
        fields += ["status", "completed_at", "started_at"]
    if progress.verified_at is None:
        progress.verified_at = now
        fields.append("verified_at")
    if fields:
        progress.save(update_fields=[*fields, "updated_at"])
    return progress


def _point_id(result: dict[str, Any]) -> str:
    """A stored key-point result's id (grades stored before ids existed have only the position)."""
    return str(result.get("id") or f"k{int(result.get('index', 0)) + 1}")


def _question_score(main: Answer, follow_up: Answer | None) -> int | None:
    """The main answer's score plus half the credit of what the follow-up recovered."""
    if main.grading_status not in SCORED or main.score is None:
        return None
    score = float(main.score)
    if follow_up is not None and follow_up.grading_status in SCORED and follow_up.score:
        weights = {_point_id(kp): float(kp.get("weight", 1.0)) for kp in main.key_points}
        total = sum(weights.values()) or 1.0
        probed = sum(weights.get(str(i), 0.0) for i in follow_up.follow_up_key_points)
        score += FOLLOW_UP_CREDIT * (probed / total) * follow_up.score
    return min(100, round(score))


def _answer_entry(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "order": answer.order,
        "prompt": answer.prompt,
        "text": answer.text,
        "grading_status": answer.grading_status,
        "score": answer.score,
        "dimensions": answer.dimensions,
        "grader": answer.grader,
        "feedback": answer.feedback,
        "injection_suspected": answer.injection_suspected,
        "covered": [kp for kp in answer.key_points if kp.get("covered")],
        "missed": [kp for kp in answer.key_points if not kp.get("covered")],
    }


def interview_report_build(*, interview: Interview) -> dict[str, Any]:
    """The report: overall and per-skill scores, dimensions, strengths, gaps linked to roadmap
    topics, next steps, and every answer with its covered and missed key points and the reference answer."""
    answers = selectors.interview_answers_for_report(interview=interview)
    follow_ups = {a.parent_id: a for a in answers if a.parent_id is not None}
    questions: list[dict[str, Any]] = []
    skill_scores: dict[str, list[int]] = defaultdict(list)
    skill_names: dict[str, str] = {}
    skill_missed: dict[str, list[str]] = defaultdict(list)
    dims: dict[str, list[int]] = defaultdict(list)
    for main in (a for a in answers if a.parent_id is None):
        question = main.question_version.question
        follow_up = follow_ups.get(main.pk)
        score = _question_score(main, follow_up)
        skills = list(question.skills.all())
        recovered = {_point_id(kp) for kp in (follow_up.key_points if follow_up else []) if kp.get("covered")}
        missed_texts = [kp["text"] for kp in main.key_points
                        if not kp.get("covered") and _point_id(kp) not in recovered]
        if score is not None:
            for skill in skills:
                skill_scores[skill.slug].append(score)
                skill_names[skill.slug] = skill.name
                skill_missed[skill.slug].extend(missed_texts)
            for name, value in main.dimensions.items():
                dims[name].append(int(value))
        questions.append({
            "question": question.pk,
            "round": question.round,
            "skills": [s.slug for s in skills],
            "score": score,
            "answer": _answer_entry(main),
            "follow_up": _answer_entry(follow_up) if follow_up else None,
            "reference_answer": main.question_version.reference_answer,
        })
    scored = [q["score"] for q in questions if q["score"] is not None]
    pending = sum(1 for a in answers if a.grading_status not in SETTLED)
    by_skill = sorted(
        ({"slug": slug, "name": skill_names[slug], "score": round(sum(v) / len(v))} for slug, v in skill_scores.items()),
        key=lambda s: (s["score"], s["slug"]),
    )
    strengths = [s for s in reversed(by_skill) if s["score"] >= STRENGTH_SCORE]
    gaps = [
        {**s, "missed_key_points": list(dict.fromkeys(skill_missed[s["slug"]]))[:5], "topics": []}
        for s in by_skill if s["score"] < GAP_SCORE
    ]
    _link_topics(gaps, user_id=interview.user_id)
    score = round(sum(scored) / len(scored)) if scored else None
    return {
        "score": score,
        "complete": pending == 0,
        "pending": pending,
        "answered": len(questions),
        "by_skill": by_skill,
        "dimensions": {name: round(sum(v) / len(v)) for name, v in dims.items()},
        "strengths": strengths,
        "gaps": gaps,
        "next_steps": _next_steps(interview, score, gaps),
        "questions": questions,
    }


def _link_topics(gaps: list[dict[str, Any]], *, user_id: int) -> None:
    """Attach to each gap up to three roadmap topics that teach the skill, unfinished ones first."""
    if not gaps:
        return
    slugs = [g["slug"] for g in gaps]
    topics = (
        Topic.objects.filter(skills__slug__in=slugs)
        .select_related("stage__track")
        .prefetch_related("skills")
        .distinct()
        .order_by("stage__track__order", "stage__order", "order")
    )
    done = set(TopicProgress.objects.filter(user_id=user_id, status=TopicProgress.Status.DONE).values_list("topic_id", flat=True))
    by_skill: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for topic in topics:
        entry = {"id": topic.pk, "title": topic.title, "track": topic.stage.track.slug, "done": topic.pk in done}
        for skill in topic.skills.all():
            if skill.slug in slugs:
                by_skill[skill.slug].append(entry)
    for gap in gaps:
        gap["topics"] = sorted(by_skill[gap["slug"]], key=lambda t: t["done"])[:3]


def _next_steps(interview: Interview, score: int | None, gaps: list[dict[str, Any]]) -> list[str]:
    steps: list[str] = []
    for gap in gaps[:3]:
        if gap["topics"]:
            steps.append(f'Study "{gap["topics"][0]["title"]}" to strengthen {gap["name"]}.')
        else:
            steps.append(f"Practise {gap['name']}: review the reference answers below.")
    if score is None:
        return steps
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        if score >= TOPIC_CHECK_PASS_SCORE:
            steps.append("Topic verified: move on to the next topic of your roadmap.")
        else:
            steps.append(f"Score {TOPIC_CHECK_PASS_SCORE} or more to verify this topic: review it and check again.")
    elif score >= 80 and interview.difficulty < 3:
        steps.append("Strong result: try the next difficulty level.")
    elif score < 50:
        steps.append("Retake this round after studying the gaps; aim to state every key point in full sentences.")
    else:
        steps.append("Take another mock interview of this round to consolidate.")
    return steps


# --- A question about a project named on the resume (resume interviews, with an LLM) --------------


def _project_question_finish(interview: Interview, *, error: str) -> Interview:
    interview.project_question_status = ProjectQuestionStatus.FAILED
    interview.project_question_error = error[:300]
    interview.save(update_fields=["project_question_status", "project_question_error"])
    return interview


def interview_project_question_write(*, interview_id: int, final_attempt: bool = True) -> Interview:
    """Ask the LLM for one question about a project the interview's resume names; the interview asks
    it as its next main question once it is ready. Idempotent (only a pending request runs).

    The resume is data to the LLM (fenced, and screener lines were removed at processing); the reply
    must name a project that is on the resume, or nothing is stored. An unreachable LLM propagates
    `LLMUnavailable` (the task retries) until the final attempt, which gives up: the interview goes on
    with bank questions either way.
    """
    from apps.questionbank.services import question_create
    from apps.resumes.selectors import skill_matcher
    from ml.interviewer import ProjectQuestionError, write_project_question
    from ml.llm import LLMError, LLMUnavailable, get_llm

    interview = Interview.objects.select_related("resume").get(pk=interview_id)
    if interview.project_question_status != ProjectQuestionStatus.PENDING:
        return interview
    if interview.resume is None:
        return _project_question_finish(interview, error="The resume was deleted.")
    if not interview.is_active:
        return _project_question_finish(interview, error="The interview ended before the question was written.")
    try:
        llm = get_llm()
    except LLMError as exc:
        return _project_question_finish(interview, error=f"The LLM backend is misconfigured: {exc}")
    if llm is None:
        return _project_question_finish(interview, error="No LLM backend is configured.")
    round_ = interview.round if interview.round in InterviewRound.values else InterviewRound.LLM_DEEP_DIVE
    try:
        written = write_project_question(interview.resume.sections or {}, round_label=InterviewRound(round_).label,
                                         llm=llm)
    except LLMUnavailable as exc:
        if final_attempt:
            return _project_question_finish(interview, error=f"The LLM could not be reached: {exc}")
        raise
    except ProjectQuestionError as exc:
        return _project_question_finish(interview, error=str(exc))
    except LLMError as exc:
        return _project_question_finish(interview, error=f"The LLM's reply was not usable: {exc}")
    found = skill_matcher().find(" ".join([written.prompt, *(str(p["text"]) for p in written.key_points)]))
    owned = set(interview.focus_skills)
    skills = [slug for slug in found if slug in owned] or list(found)
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview_id)
        if interview.project_question_status != ProjectQuestionStatus.PENDING:  # a redelivered task got here first
            return interview
        try:
            question = question_create(
                user=interview.user, round=round_, difficulty=interview.difficulty, skills=skills[:5],
                status=Question.Status.DRAFT, source=Question.Source.RESUME, embed=False,
                key=f"resume-{interview.pk}-project", prompt=written.prompt, key_points=written.key_points,
                reference_answer=written.reference_answer,
            )
        except ApplicationError as exc:
            return _project_question_finish(interview, error=f"The LLM's question was not usable: {exc.message}")
        interview.project_question = question
        interview.project_question_status = ProjectQuestionStatus.READY
        interview.project_question_error = ""
        interview.save(update_fields=["project_question", "project_question_status", "project_question_error"])
    logger.info("interview %s: project question on %r ready", interview.pk, written.project)
    return interview
