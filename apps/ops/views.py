"""The staff operations page and the Prometheus endpoint."""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from apps.core.health import health_report
from apps.core.metrics import QueueDepthCollector, queue_depths
from apps.core.permissions import staff_page
from apps.core.views import is_staff_caller
from apps.core.warmup import warmup_report
from apps.ops import selectors


@never_cache
@staff_page
def health_page(request: HttpRequest) -> HttpResponse:
    """Each component with its full result, the queue depths, the last catalog load, recent failures."""
    report = health_report()
    rows = [{"name": name, "ok": result == "ok", "detail": result} for name, result in report.items()]
    return render(request, "ops/health.html", {
        "rows": rows, "llm_backend": settings.LLM_BACKEND, "queues": queue_depths(),
        "catalog_load": selectors.last_catalog_load(), "failures": selectors.recent_failures(),
        "models": warmup_report(),
    }, status=200 if report["database"] == "ok" else 503)


def may_read_metrics(request: HttpRequest) -> bool:
    """Staff (session or API token), the cluster's scraper with `Authorization: Bearer $METRICS_TOKEN`,
    or a caller whose address is in METRICS_ALLOWED_NETWORKS (REMOTE_ADDR: never a forwarded header)."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        address = None
    if address is not None and any(address in network for network in settings.METRICS_ALLOWED_NETWORKS):
        return True
    return is_staff_caller(request)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format: requests and database (django-prometheus), grading latency, LLM errors,
    resume processing (every process of the host with PROMETHEUS_MULTIPROC_DIR) and queue depths."""
    if not may_read_metrics(request):
        return HttpResponse("Only staff, the metrics token or an allowed network may read metrics.\n",
                            status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    queues = CollectorRegistry()
    queues.register(QueueDepthCollector())
    return HttpResponse(generate_latest(registry) + generate_latest(queues), content_type=CONTENT_TYPE_LATEST)
