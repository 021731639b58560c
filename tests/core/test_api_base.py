import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_account_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/"):
        assert path in paths


CONTRACT = [  # every row of shared/API.md
    ("post", "/api/v1/auth/register/"), ("post", "/api/v1/auth/token/"), ("get", "/api/v1/me/"), ("patch", "/api/v1/me/"),
    ("get", "/api/v1/tracks/"), ("get", "/api/v1/tracks/{}/"), ("get", "/api/v1/skills/"),
    ("put", "/api/v1/progress/topics/{}/"), ("get", "/api/v1/progress/"), ("get", "/api/v1/projects/"),
    ("get", "/api/v1/portfolio/"), ("post", "/api/v1/portfolio/"), ("get", "/api/v1/portfolio/{}/"),
    ("patch", "/api/v1/portfolio/{}/"), ("delete", "/api/v1/portfolio/{}/"),
    ("get", "/api/v1/questions/"), ("post", "/api/v1/questions/"), ("get", "/api/v1/questions/{}/"),
    ("patch", "/api/v1/questions/{}/"), ("delete", "/api/v1/questions/{}/"), ("post", "/api/v1/questions/import/"),
    ("get", "/api/v1/questions/{}/similar/"), ("post", "/api/v1/questions/{}/try/"),
    ("get", "/api/v1/companies/"), ("post", "/api/v1/companies/"), ("get", "/api/v1/roles/"), ("post", "/api/v1/roles/"),
    ("get", "/api/v1/roles/{}/"), ("patch", "/api/v1/roles/{}/"), ("delete", "/api/v1/roles/{}/"),
    ("post", "/api/v1/interviews/"), ("get", "/api/v1/interviews/"), ("get", "/api/v1/interviews/{}/"),
    ("post", "/api/v1/interviews/{}/answers/"), ("get", "/api/v1/answers/{}/"), ("post", "/api/v1/interviews/{}/finish/"),
    ("post", "/api/v1/resumes/"), ("get", "/api/v1/resumes/{}/"), ("get", "/api/v1/resumes/{}/matches/"),
    ("delete", "/api/v1/resumes/{}/"), ("get", "/api/v1/readiness/"),
    ("get", "/api/v1/me/export/"), ("delete", "/api/v1/me/"),
]


def test_openapi_schema_describes_every_contract_endpoint(client):
    import re as _re

    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    described = {(method, _re.sub(r"\{[^}]+\}", "{}", path)) for path, ops in paths.items() for method in ops}
    assert [row for row in CONTRACT if row not in described] == []


def test_api_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assets = re.findall(rb'(?:src|href)="([^"]+)"', page.content)
    assert assets and all(a.startswith(b"/") for a in assets), assets


def test_api_requires_authentication_by_default(anon_api):
    assert anon_api.get("/api/v1/me/").status_code == 401
