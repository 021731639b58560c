"""Settings for a Celery worker *process* started by tests/faults/test_worker_killed.py.

It shares the test's database, broker key prefix and upload folder (named in the environment), and
holds resume extraction for WORKER_RESUME_DELAY_S seconds so the test can kill it mid-processing.
"""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES

DATABASES["default"]["NAME"] = os.environ["WORKER_TEST_DB"]
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": os.environ["WORKER_KEYPREFIX"]}
PRIVATE_UPLOAD_DIR = Path(os.environ["WORKER_UPLOAD_DIR"])

if float(os.environ.get("WORKER_RESUME_DELAY_S", "0")) > 0:
    import time

    from ml import resume_text

    _extract = resume_text.extract_text_isolated

    def _held_extract(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(float(os.environ["WORKER_RESUME_DELAY_S"]))
        return _extract(*args, **kwargs)

    resume_text.extract_text_isolated = _held_extract
