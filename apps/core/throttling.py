"""The API's rate limits for browser pages too: one budget per learner, whichever door they use."""

from __future__ import annotations

import math

from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle


class _ScopedView:
    """Stands in for a DRF view: ScopedRateThrottle only reads its `throttle_scope`."""

    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """None when the request is allowed (and counted against `scope`, as the API's ScopedRateThrottle
    counts it), else the whole seconds to wait."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, _ScopedView(scope)):  # type: ignore[arg-type]
        return None
    return max(1, math.ceil(throttle.wait() or 1))
