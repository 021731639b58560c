"""Browser pages: download my data, delete my account (the same services as the API)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.core.exceptions import ApplicationError
from apps.privacy import selectors, services


@login_required
def export(request: HttpRequest) -> HttpResponse:
    body = json.dumps(selectors.user_export(user=request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.user_erase(user=request.user, password=request.POST.get("password", ""))
        except ApplicationError as exc:
            error = exc.message
        else:
            logout(request)
            messages.success(request, "Your account and everything in it were deleted.")
            return redirect("home")
    return render(request, "privacy/delete_account.html", {"error": error}, status=400 if error else 200)
