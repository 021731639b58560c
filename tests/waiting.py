"""Waiting on a condition, never on the clock: the one helper the worker and fault tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_for(predicate: Callable[[], Any], *, timeout: float = 60, interval: float = 0.05, what: str = "") -> Any:
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


class FinishedTasks:
    """Task ids (→ return values) that a worker in this process (the `celery_worker` fixture) has run,
    so a test waits for "the duplicate delivery ran" instead of sleeping."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}

    def _record(self, task_id: str | None = None, retval: Any = None, **kwargs: Any) -> None:
        if task_id is not None:
            self.results[task_id] = retval

    def __enter__(self) -> FinishedTasks:
        from celery.signals import task_postrun

        task_postrun.connect(self._record, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        from celery.signals import task_postrun

        task_postrun.disconnect(self._record)

    def wait(self, *task_ids: str, timeout: float = 60) -> list[Any]:
        """The return values of `task_ids`, once every one of them has run."""
        wait_for(lambda: all(t in self.results for t in task_ids), timeout=timeout, what=f"tasks {task_ids} to run")
        return [self.results[t] for t in task_ids]
