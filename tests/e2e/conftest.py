"""Playwright against Debian's Chromium (``playwright install`` cannot download browsers here)."""

import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The sync Playwright API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in_page(page, user):
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


# --- a seeded site shared by the tests of one module ----------------------------------------------
# A transactional test reloads the catalog (about 25 s here) after every flush. The page-by-page tests
# (axe, screenshots, layout) only read, so they share one live server, one seeded learner and one staff
# member per module, committed before the module's first test and deleted after its last. Mark such a
# module `pytest.mark.django_db` (not transactional) so that the test database is set up for it.


@dataclass
class SeededSite:
    url: str
    learner: object
    staff: object
    pages: dict[str, str]  # page name -> path, for the learner's pages and the staff pages
    sessions: dict[int, str]  # user id -> session key, made server-side (no sign-in form)


STAFF_PAGES = ("questions", "cohort")


def _seed_site() -> tuple[object, object, dict[str, str]]:
    from django.core.management import call_command

    from apps.accounts.models import User
    from apps.interviews import services as interview_services
    from apps.interviews.models import Interview
    from apps.resumes.models import Resume
    from tests.factories import UserFactory

    call_command("seed_demo", learners=3, resumes=3, seed=2026, stdout=io.StringIO(), stderr=io.StringIO())
    finished = (Interview.objects.filter(user__email__endswith="@demo.example.com", status="finished")
                .order_by("user__email", "pk").first())
    assert finished is not None, "seed_demo gave none of its three learners a finished interview"
    learner = User.objects.get(pk=finished.user_id)
    resume = Resume.objects.filter(user=learner).latest("pk")
    ongoing = interview_services.interview_start(user=learner, round="ml_fundamentals", num_questions=2)
    track = learner.enrollments.select_related("track").first().track
    from apps.careers.models import Company

    # The learner's target role may come from an adjacent field with no hiring companies listed:
    # then any company that hires for some role.
    company = (learner.target_role.hiring_companies.order_by("name").first()
               or Company.objects.filter(roles__isnull=False).order_by("name").first())
    staff = UserFactory(is_staff=True, display_name="Staff Member")
    pages = {
        "home": "/", "roadmaps": "/roadmaps/", "role-picker": "/roadmaps/roles/", "track": f"/roadmaps/{track.slug}/",
        "interviews": "/interviews/", "interview": f"/interviews/{ongoing.pk}/",
        "report": f"/interviews/{finished.pk}/report/", "resume": f"/resumes/{resume.pk}/",
        "dashboard": "/dashboard/", "roles": "/roles/", "role": f"/roles/{learner.target_role_id}/",
        "company": f"/roles/companies/{company.slug}/", "forbidden": "/dashboard/cohort/",  # a learner on a staff page
        "questions": "/questions/", "cohort": "/dashboard/cohort/",
    }
    return learner, staff, pages


def _session_key(user: object) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="session")
def _test_database_released(django_db_setup, django_db_blocker) -> Iterator[None]:
    """At the end of the session, before the test database is dropped: end the idle connections that
    this process's threads left on it (the database is this process's own, ``test_llmcoach_<pid>``)."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(scope="module")
def seeded_site(django_db_setup, django_db_blocker, _test_database_released) -> Iterator[SeededSite]:
    from pytest_django.live_server_helper import LiveServer

    from apps.accounts.models import User
    from apps.roadmap.models import Track
    from tests.conftest import _load_full_catalog

    with django_db_blocker.unblock():
        if not Track.objects.exists():  # a transactional test ran before and flushed it
            _load_full_catalog()
        before = set(User.objects.values_list("pk", flat=True))
        server = LiveServer("localhost")
        try:
            learner, staff, pages = _seed_site()
            sessions = {user.pk: _session_key(user) for user in (learner, staff)}
            yield SeededSite(url=server.url, learner=learner, staff=staff, pages=pages, sessions=sessions)
        finally:
            server.stop()
            User.objects.exclude(pk__in=before).delete()


@pytest.fixture
def open_as(browser, seeded_site) -> Iterator[object]:
    """``open_as(user, width)``: a new page of ``seeded_site`` signed in as ``user`` (the learner or staff)."""
    from django.conf import settings

    contexts = []

    def _open(user: object, width: int = 1280) -> object:
        context = browser.new_context(base_url=seeded_site.url,
                                      viewport={"width": width, "height": 844 if width < 600 else 900})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": seeded_site.url,
                              "value": seeded_site.sessions[user.pk]}])
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
