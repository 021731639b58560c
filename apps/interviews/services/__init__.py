"""Interview actions, one module per job; the public names are re-exported here so callers write
`from apps.interviews import services; services.interview_start(...)`.

- `lifecycle`: start (mock, loop, resume interview, topic check), answer, advance, finish.
- `questions`: the rounds of a loop and the next question by the interviewer policy.
- `grading`: the instant rubric grade, the LLM judge's refinement, re-queueing lost work.
- `reports`: storing the report (built by `selectors.interview_report_build`), topic verification.
- `project_question`: the LLM-written question about a project on the resume.
"""

from apps.interviews.policy import GRADE_WAIT_S, STUCK_AFTER_MINUTES
from apps.interviews.services.grading import (
    answer_grade,
    answer_refine,
    answers_refine_provisional,
    answers_requeue_stuck,
)
from apps.interviews.services.lifecycle import (
    answer_submit,
    interview_advance,
    interview_finish,
    interview_start,
    topic_check_start,
)
from apps.interviews.services.project_question import interview_project_question_write
from apps.interviews.services.reports import interview_report_refresh
from ml.llm import llm_configured

__all__ = [
    "GRADE_WAIT_S",
    "STUCK_AFTER_MINUTES",
    "answer_grade",
    "answer_refine",
    "answer_submit",
    "answers_refine_provisional",
    "answers_requeue_stuck",
    "interview_advance",
    "interview_finish",
    "interview_project_question_write",
    "interview_report_refresh",
    "interview_start",
    "llm_configured",
    "topic_check_start",
]
