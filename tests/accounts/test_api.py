import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_register_then_obtain_token_then_read_me(anon_api):
    created = anon_api.post("/api/v1/auth/register/", {"email": "Ada@Example.com", "password": "a-long enough passphrase", "display_name": "Ada"})
    assert created.status_code == 201
    assert created.json()["email"] == "ada@example.com"
    assert set(created.json()) == {"id", "email", "display_name"}

    token = anon_api.post("/api/v1/auth/token/", {"email": "ada@example.com", "password": "a-long enough passphrase"})
    assert token.status_code == 200
    client = APIClient()
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {"id": created.json()["id"], "email": "ada@example.com", "display_name": "Ada",
                         "is_staff": False, "target_role": None, "hours_per_week": 10}


def test_register_rejects_a_taken_email_and_a_weak_password_with_field_errors(anon_api, user):
    taken = anon_api.post("/api/v1/auth/register/", {"email": user.email.upper(), "password": "another long passphrase"})
    assert taken.status_code == 400
    assert "email" in taken.json()["errors"] and taken.json()["detail"]

    weak = anon_api.post("/api/v1/auth/register/", {"email": "new@example.com", "password": "12345678"})
    assert weak.status_code == 400
    assert weak.json()["errors"]["password"]

    bad = anon_api.post("/api/v1/auth/register/", {"email": "not-an-email", "password": "x"})
    assert bad.status_code == 400 and "email" in bad.json()["errors"]


def test_token_with_wrong_password_is_400(anon_api, user):
    response = anon_api.post("/api/v1/auth/token/", {"email": user.email, "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_me_can_be_updated(api):
    response = api.patch("/api/v1/me/", {"display_name": "Grace", "hours_per_week": 12})
    assert response.status_code == 200
    assert response.json()["display_name"] == "Grace" and response.json()["hours_per_week"] == 12
    assert api.patch("/api/v1/me/", {"hours_per_week": 500}).status_code == 400
    assert api.patch("/api/v1/me/", {"target_role": 999999}).status_code == 400


def test_session_clients_must_send_the_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.login(email=user.email, password=PASSWORD)
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.patch("/api/v1/me/", {"display_name": "x"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    client.get("/accounts/profile/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.patch("/api/v1/me/", {"display_name": "x"}, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200


def test_a_bad_token_is_401_in_the_error_shape(anon_api):
    response = anon_api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
