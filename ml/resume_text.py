"""The old import path of `ml.resume` (resume files to clean text), kept so `from ml import resume_text`
and `from ml.resume_text import ...` go on working. New code imports `ml.resume`."""

from ml.resume import *  # noqa: F403
from ml.resume import __all__  # noqa: F401
from ml.resume.experience import _RANGE  # noqa: F401 - the date-range pattern, read by callers of the old path
