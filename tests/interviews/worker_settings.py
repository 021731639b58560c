"""Settings for a Celery worker *process* started by a test (tests/interviews/test_worker.py).

It shares the test's database and broker key prefix (both named in the environment), and can hold
the rubric grader for WORKER_GRADE_DELAY_S seconds so the test can kill it mid-grade.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES

DATABASES["default"]["NAME"] = os.environ["WORKER_TEST_DB"]
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": os.environ["WORKER_KEYPREFIX"]}

if float(os.environ.get("WORKER_GRADE_DELAY_S", "0")) > 0:
    import time

    from ml.grading import rubric

    _grade_with_rubric = rubric.grade_with_rubric

    def _held_grade_with_rubric(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(float(os.environ["WORKER_GRADE_DELAY_S"]))
        return _grade_with_rubric(*args, **kwargs)

    rubric.grade_with_rubric = _held_grade_with_rubric
