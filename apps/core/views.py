import sys

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.health import health_report, health_summary
from apps.core.permissions import STAFF_ONLY
from apps.core.warmup import warmup_report


def is_staff_caller(request: HttpRequest) -> bool:
    """Staff signed in by session, or sending an API token (`Authorization: Token <key>`)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.is_staff)
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    drf_request = Request(request)
    for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        try:
            result = authenticator().authenticate(drf_request)  # type: ignore[operator]  # classes, not paths
        except APIException:
            return False
        if result is not None:
            return bool(result[0].is_staff)
    return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Anyone: "ok"/"error" per component. Staff also get what is wrong. 503 while the database is down."""
    report = health_report()
    body: dict[str, object] = health_summary(report)
    if is_staff_caller(request):
        body |= {"details": report, "llm_backend": settings.LLM_BACKEND, "models": warmup_report()}
    return JsonResponse(body, status=200 if report["database"] == "ok" else 503)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin's sign-in, never shown to people who cannot use it.

    Visitors sign in on the site's own page (and come back to the admin if they are staff); a
    signed-in learner gets the 403 page instead of a second login form.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.GET.get("next") or "/admin/")
    if not request.user.is_staff:
        raise PermissionDenied(STAFF_ONLY)
    return admin.site.login(request)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: the API's error shape under /api/, the project's page (saying why, when known) elsewhere."""
    message = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "You do not have permission to do this.", "errors": {}}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the API's error shape under /api/, the project's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


DATABASE_DOWN = "The database is not answering right now; this page will work again as soon as it is back."
RETRY_AFTER_S = 30


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": DATABASE_DOWN, "errors": {}}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({"message": DATABASE_DOWN}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without a traceback: JSON under /api/, the standalone 500.html elsewhere.

    A database that cannot be reached is a 503 with a readable message instead: Django closes the
    broken connection at the end of the request and the next request connects again by itself.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return _database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side; it has been logged.", "errors": {}},
                            status=500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the project's 403 page with what to do, not Django's technical one."""
    message = "This form had expired or came from another site. Reload the page and try again."
    return render(request, "403.html", {"message": message}, status=403)
