"""API sign-up follows the browser's verification rules and does not reveal taken emails;
API tokens are stored as digests, expire, and sign-out revokes them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.privacy.conftest import tables_containing

pytestmark = pytest.mark.django_db
NEW = {"email": "new.learner@example.com", "password": "a-long enough passphrase", "display_name": "New"}


def _token(email: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password})
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_only_as_a_digest(user):
    token = _token(user.email)
    assert _client(token).get("/api/v1/me/").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1
    assert tables_containing(token) == {} and tables_containing(token[15:]) == {}


def test_a_token_expires_and_is_renewed_by_use(user, settings):
    token = _token(user.email)
    issued = AuthToken.objects.get(user=user)
    assert timedelta(days=6) < issued.expiry - timezone.now() <= timedelta(days=7)
    AuthToken.objects.filter(pk=issued.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = _client(token).get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["detail"] == "Invalid token."
    assert not AuthToken.objects.filter(pk=issued.pk).exists()  # an expired token is deleted when tried


def test_signing_in_sweeps_the_accounts_expired_tokens(user):
    _token(user.email)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    _token(user.email)
    assert AuthToken.objects.filter(user=user).count() == 1


def test_sign_out_revokes_that_token_and_sign_out_everywhere_revokes_all(user):
    first, second, third = _token(user.email), _token(user.email), _token(user.email)
    assert _client(first).post("/api/v1/auth/logout/").status_code == 204
    assert _client(first).get("/api/v1/me/").status_code == 401
    assert _client(second).get("/api/v1/me/").status_code == 200
    assert _client(second).post("/api/v1/auth/logout-all/").status_code == 204
    assert _client(third).get("/api/v1/me/").status_code == 401


def test_a_token_header_that_is_not_utf8_is_a_401():
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token \xff\xfe")
    assert response.status_code == 401


def test_optional_verification_still_sends_the_confirmation_email(anon_api, mailoutbox):
    created = anon_api.post("/api/v1/auth/register/", NEW)
    assert created.status_code == 201 and created.json()["id"]
    assert [m.to for m in mailoutbox] == [[NEW["email"]]] and "confirm-email" in mailoutbox[0].body
    assert _token(NEW["email"], NEW["password"])


@pytest.fixture
def mandatory_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_with_mandatory_verification_no_token_before_the_email_is_confirmed(
        anon_api, client, mailoutbox, mandatory_verification):
    created = anon_api.post("/api/v1/auth/register/", NEW)
    assert created.status_code == 201
    assert created.json() == {"id": None, "email": NEW["email"], "display_name": "New"}
    refused = APIClient().post("/api/v1/auth/token/", {"email": NEW["email"], "password": NEW["password"]})
    assert refused.status_code == 400 and "Confirm your email address" in refused.json()["detail"]

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)
    assert client.post(link).status_code in (200, 302)
    assert _token(NEW["email"], NEW["password"])


def test_with_mandatory_verification_a_taken_email_gets_the_same_answer(anon_api, user, mailoutbox,
                                                                          mandatory_verification):
    free = anon_api.post("/api/v1/auth/register/", {**NEW, "display_name": "Same"})
    taken = anon_api.post("/api/v1/auth/register/", {**NEW, "email": user.email, "display_name": "Same"})
    assert (free.status_code, taken.status_code) == (201, 201)
    assert free.json() == {**taken.json(), "email": NEW["email"]}
    # The owner of the taken address is told, by email, that someone tried to sign up with it.
    owner_mail = [m for m in mailoutbox if m.to == [user.email]]
    assert len(owner_mail) == 1 and "already" in (owner_mail[0].subject + owner_mail[0].body).lower()
    assert type(user).objects.filter(email=user.email).count() == 1
    # A weak password is refused the same way for both.
    weak = {"password": "12345678"}
    assert anon_api.post("/api/v1/auth/register/", {**NEW, **weak}).json() == \
        anon_api.post("/api/v1/auth/register/", {**NEW, **weak, "email": user.email}).json()
