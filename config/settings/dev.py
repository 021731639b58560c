"""`make run`: the base settings. DEBUG (tracebacks in the browser) only when DEBUG=1 is set."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
