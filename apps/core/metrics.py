"""Prometheus metrics the service exports on /metrics (apps/ops), beside django-prometheus's request and
database metrics. Defined once here (core is the floor, every app may import it); recorded where the
work happens.

With PROMETHEUS_MULTIPROC_DIR set (deploy/run-local.sh, the containers), every process of the host —
gunicorn workers and Celery workers alike — writes its samples there and /metrics adds them up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

QUEUES = ("default", "grading", "llm", "documents")

GRADING_SECONDS = Histogram(
    "coach_grading_seconds", "Time to grade one answer, by grader: the instant rubric grade or the LLM judge.",
    ["grader"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
LLM_ERRORS = Counter(
    "coach_llm_errors_total", "LLM calls that failed, by kind (timeout, connection, malformed_output, "
    "internal) and by what called it (judge, project_question, question_drafts).", ["kind", "caller"],
)
RESUMES_PROCESSED = Counter(
    "coach_resumes_processed_total", "Resumes processed, by outcome (ready, failed, gone).", ["outcome"],
)
RESUME_PROCESSING_SECONDS = Histogram(
    "coach_resume_processing_seconds", "Time to process one resume, extraction to matches.",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 240),
)


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[None]:
    """Observe the block's duration, whether it returns or raises."""
    started = time.perf_counter()
    try:
        yield
    finally:
        (histogram.labels(**labels) if labels else histogram).observe(time.perf_counter() - started)


def llm_error_kind(exc: BaseException) -> str:
    """The label an LLM error is counted under (the same kinds answers store)."""
    from ml.llm.base import LLMBadOutput, LLMTimeout, LLMUnavailable

    if isinstance(exc, LLMTimeout):
        return "timeout"
    if isinstance(exc, LLMUnavailable):
        return "connection"
    if isinstance(exc, LLMBadOutput):
        return "malformed_output"
    return "internal"


def queue_depths() -> dict[str, int | None]:
    """Messages waiting in each Celery queue (None when the broker does not answer)."""
    from config.celery import app

    depths: dict[str, int | None] = dict.fromkeys(QUEUES)
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            channel = connection.default_channel
            for queue in QUEUES:
                # Declaring an existing queue changes nothing and answers its size (passive fails on Redis until
                # a worker has bound it).
                depths[queue] = int(channel.queue_declare(queue=queue).message_count)
    except Exception:  # noqa: S110 - an unreachable broker shows as "unknown", /healthz says why
        pass
    return depths


class QueueDepthCollector(Collector):
    """`coach_queue_depth{queue=...}`, read from the broker when /metrics is scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("coach_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"])
        for queue, depth in queue_depths().items():
            if depth is not None:
                family.add_metric([queue], depth)
        yield family


@contextmanager
def llm_errors_counted(caller: str) -> Iterator[None]:
    """Count an LLM error raised in the block (under its kind and `caller`), then let it propagate."""
    from ml.llm.base import LLMError

    try:
        yield
    except LLMError as exc:
        LLM_ERRORS.labels(kind=llm_error_kind(exc), caller=caller).inc()
        raise
