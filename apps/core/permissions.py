"""Who may open a staff page: visitors are sent to sign in, signed-in learners get the 403 page.

Django's `staff_member_required` sends everyone who is not staff to the admin login, which tells a
learner nothing; a learner who follows a staff link should read that the page is for staff.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

STAFF_ONLY = "This page is for staff. Your account is a learner account, so it cannot open it."

View = Callable[..., HttpResponse]


def staff_page(view: View) -> View:
    """Decorate a page view that only staff may open (the project's 403 page for learners)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied(STAFF_ONLY)
        return view(request, *args, **kwargs)

    return wrapper
