"""Load the models when a web or worker process starts, so its first request is as fast as the rest.

Without this the first rubric-playground run, the first grade and the first question save of each
process wait for the sentence encoder to load (about 6 s), the grader's reader (a second MiniLM with
its adapters merged, ml/grading/reader.py, about a second) and the grader's calibration to be read.
The hooks that call `warm_process` are in `deploy/gunicorn.conf.py` (`post_worker_init`, each web
worker) and `config/celery.py` (`worker_process_init`, each worker child). Not in AppConfig.ready:
management commands and tests must not pay for it. `MODEL_WARMUP=0` switches it off.

Each process keeps its own state (what the staff health page shows for the web process answering)
and records it in the cache under its role, so the web process can show the workers' state too.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import asdict, dataclass

logger = logging.getLogger(__name__)

ENV_SWITCH = "MODEL_WARMUP"
CACHE_KEY = "warmup:{role}"
CACHE_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True)
class WarmupState:
    """What one process did at start: "warm" (models loaded), "off" (switched off), "failed"."""

    role: str  # "web" | "worker"
    status: str
    seconds: float | None = None
    at: float | None = None  # time.time() when it finished
    host: str = ""
    pid: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_state: WarmupState | None = None


def warmup_enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def warm_models() -> None:
    """Load the encoder and the grader's calibration and run one tiny grade through every step.

    Grading a made-up answer touches the same code (tokeniser, torch kernels, the fitted model) as
    a real first grade, so nothing is left to load lazily; the question editor's embedding uses the
    same encoder.
    """
    from ml.grading.rubric import grade_with_rubric
    from ml.grading.types import KeyPoint, QuestionSpec

    spec = QuestionSpec(
        prompt="Why load a model when the process starts?",
        key_points=(KeyPoint(text="Loading a model takes seconds", weight=1.0, id="k1"),),
        reference_answer="Loading a model takes seconds, so it is done before the first request.",
    )
    grade_with_rubric(spec, "Because loading the model takes a few seconds and nobody should wait for it.")


def warm_process(role: str) -> WarmupState:
    """Warm this process's models (unless switched off), remember and report the outcome. Never raises:
    a process that cannot warm up still serves, it just loads on first use as before."""
    global _state
    host, pid = socket.gethostname(), os.getpid()
    if not warmup_enabled():
        state = WarmupState(role=role, status="off", host=host, pid=pid)
    else:
        started = time.perf_counter()
        try:
            warm_models()
        except Exception as exc:
            logger.exception("model warm-up failed", extra={"role": role})
            state = WarmupState(role=role, status="failed", error=f"{type(exc).__name__}: {exc}"[:300],
                                at=time.time(), host=host, pid=pid)
        else:
            seconds = round(time.perf_counter() - started, 2)
            state = WarmupState(role=role, status="warm", seconds=seconds, at=time.time(), host=host, pid=pid)
            logger.info("models warm", extra={"role": role, "seconds": seconds})
    _state = state
    _record(state)
    return state


def _record(state: WarmupState) -> None:
    try:
        from django.core.cache import cache

        cache.set(CACHE_KEY.format(role=state.role), state.as_dict(), CACHE_TTL_S)
    except Exception:  # a cache that is down must not stop a process from starting
        logger.warning("could not record the warm-up state", exc_info=True)


def this_process() -> WarmupState | None:
    """This process's warm-up, or None when nothing warmed it (runserver, tests, a management command)."""
    return _state


def recorded(role: str) -> dict[str, object] | None:
    """The last state a process of `role` recorded (another process's, for the health page)."""
    try:
        from django.core.cache import cache

        return cache.get(CACHE_KEY.format(role=role))
    except Exception:
        return None


def warmup_report() -> dict[str, object]:
    """For staff: this web process's warm-up and the last one a worker recorded."""
    mine = this_process()
    return {
        "enabled": warmup_enabled(),
        "this_process": mine.as_dict() if mine else None,
        "web": recorded("web"),
        "worker": recorded("worker"),
    }
