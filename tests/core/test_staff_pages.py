"""A learner who opens a staff page reads the site's 403 page (in the site's layout, saying why);
a visitor is sent to the site's sign-in page; neither ever sees the Django admin's login form."""

import pytest
from django.test import override_settings

STAFF_URLS = ["/dashboard/cohort/", "/questions/", "/questions/new/", "/questions/grading-quality/",
              "/roles/postings/new/", "/ops/health/"]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", STAFF_URLS)
def test_learner_gets_the_403_page_in_the_site_layout(client, user, url, debug):
    client.force_login(user)
    with override_settings(DEBUG=debug):  # DEBUG=1 `make run` too: never the URL-pattern 404
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert "This page is for staff" in page and 'aria-label="Main"' in page and "Go to your dashboard" in page
    assert "Django administration" not in page and "URLconf" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*STAFF_URLS, "/admin/", "/admin/accounts/user/"])
def test_visitor_is_sent_to_the_site_sign_in_page(client, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert "Django administration" not in response.content.decode()


@pytest.mark.django_db
def test_learner_opening_the_django_admin_gets_the_403_page(client, user):
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403 and "This page is for staff" in response.content.decode()
    assert "Django administration" not in response.content.decode()


@pytest.mark.django_db
def test_staff_still_reach_the_admin_and_the_staff_pages(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").status_code == 302  # already signed in: on to the admin index
    assert client.get("/dashboard/cohort/").status_code == 200


@pytest.mark.django_db
def test_a_403_under_the_api_keeps_the_api_error_shape(api):
    response = api.post("/api/v1/roles/", {}, format="json")
    assert response.status_code == 403 and set(response.json()) == {"detail", "errors"}
