"""The interviewer's numbers: waits, attempts, pass marks and report thresholds (one home, read by
services and selectors alike)."""

from __future__ import annotations

from django.conf import settings

from apps.interviews.models import Answer

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
