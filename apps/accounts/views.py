from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts import services
from apps.accounts.forms import ProfileForm
from apps.careers.selectors import role_get
from apps.core.exceptions import NotFound


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def target_role_set(request: HttpRequest, role_id: int) -> HttpResponse:
    """"Set as target role" on a role's page and on a resume's matches: back to `next` (this site only)."""
    try:
        role = role_get(role_id=role_id)
    except NotFound as exc:
        raise Http404 from exc
    services.user_update(user=request.user, target_role=role)
    messages.success(request, f"“{role.title}” is now your target role.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("careers:role", role_id=role.pk)
