import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_visitor_sees_what_the_service_does_and_can_sign_up(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"Mock interviews" in page.content and b"Sign up" in page.content


def test_sign_up_sign_out_sign_in(client):
    response = client.post("/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert b"Welcome" in home.content and b"No target role yet" in home.content
    client.post("/accounts/logout/")
    assert b"Create a free account" in client.get("/").content
    response = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert b"Welcome" in client.get("/").content


def test_sign_in_attempts_are_throttled(client, user):
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    blocked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert blocked.status_code in (200, 429)
    assert b"Too many" in blocked.content
    assert "_auth_user_id" not in client.session


def test_profile_requires_sign_in_and_saves(client, user):
    assert client.get("/accounts/profile/").status_code == 302
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "Linus", "hours_per_week": 15, "target_role": ""}, follow=True)
    assert b"Profile saved" in response.content
    user.refresh_from_db()
    assert user.display_name == "Linus" and user.hours_per_week == 15


def test_password_reset_sends_an_email(client, user, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and user.email in mailoutbox[0].to
