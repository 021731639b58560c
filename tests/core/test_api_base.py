import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_account_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/"):
        assert path in paths


def test_api_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assets = re.findall(rb'(?:src|href)="([^"]+)"', page.content)
    assert assets and all(a.startswith(b"/") for a in assets), assets


def test_api_requires_authentication_by_default(anon_api):
    assert anon_api.get("/api/v1/me/").status_code == 401
