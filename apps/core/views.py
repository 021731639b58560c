from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.health import health_report
from apps.core.selectors import home_summary_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", {"summary": home_summary_for(user=request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    body: dict[str, str] = {**report, "llm_backend": settings.LLM_BACKEND}
    return JsonResponse(body, status=200 if report["database"] == "ok" else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the API's error shape under /api/, the project's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without a traceback: JSON under /api/, the standalone 500.html elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side; it has been logged.", "errors": {}},
                            status=500)
    return defaults.server_error(request)
