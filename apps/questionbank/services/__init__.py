"""Question bank services, one module per job; the public names are re-exported here so callers write
`from apps.questionbank import services; services.question_create(...)`.

- `questions`: create, edit (versioned), publish/retire, delete.
- `embedding`: the current prompt's vector, refreshed after commit.
- `grading`: the rubric as the grader sees it, and the rubric playground.
- `importing`: JSON/CSV import with a per-row report.
- `drafts`: LLM-drafted questions (prompt and schema in `ml/prompts/question_drafts_v1.py`).
"""

from apps.questionbank.selectors import question_spec_for
from apps.questionbank.services.drafts import question_drafts_generate, question_drafts_request
from apps.questionbank.services.embedding import (
    question_embedding_refresh,
    question_embedding_text,
    questions_embed_missing,
)
from apps.questionbank.services.grading import MAX_TRY_CHARS, question_try
from apps.questionbank.services.importing import ImportReport, ImportRowOutcome, questions_import
from apps.questionbank.services.questions import (
    question_changes,
    question_create,
    question_delete,
    question_set_status,
    question_update,
)
from ml.llm import llm_configured
from ml.prompts.question_drafts_v1 import draft_json_schema

__all__ = [
    "MAX_TRY_CHARS",
    "ImportReport",
    "ImportRowOutcome",
    "draft_json_schema",
    "llm_configured",
    "question_changes",
    "question_create",
    "question_delete",
    "question_drafts_generate",
    "question_drafts_request",
    "question_embedding_refresh",
    "question_embedding_text",
    "question_set_status",
    "question_spec_for",
    "question_try",
    "question_update",
    "questions_embed_missing",
    "questions_import",
]
