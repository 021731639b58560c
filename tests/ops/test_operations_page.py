"""The staff operations page: components, queue depths, the last catalog load and recent failures."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.catalog.models import CatalogLoad
from apps.resumes.models import Resume

pytestmark = pytest.mark.django_db


def test_visitors_are_sent_to_sign_in_and_learners_get_the_403_page(client, user):
    assert "/accounts/login/" in client.get("/ops/health/")["Location"]
    client.force_login(user)
    response = client.get("/ops/health/")
    assert response.status_code == 403 and b"This page is for staff" in response.content


def test_staff_see_queues_the_last_catalog_load_and_recent_failures(client, staff_user, user):
    Resume.objects.create(user=user, filename="cv.pdf", stored_name="x" * 32, kind="pdf", size_bytes=10,
                          sha256="0" * 64, status=Resume.Status.FAILED,
                          error="This PDF is password-protected. Remove the password and upload it again.")
    client.force_login(staff_user)
    page = client.get("/ops/health/").content.decode()
    assert "No catalog load recorded yet" in page
    assert 'data-queue="grading"' in page and 'data-queue="documents"' in page
    assert "Resume processing" in page and "password-protected" in page

    call_command("load_catalog", "--no-embed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    load = CatalogLoad.objects.get()
    assert load.ok and load.finished_at >= load.started_at and not load.error
    page = client.get("/ops/health/").content.decode()
    assert "data-catalog-load" in page and "loaded" in page and "No catalog load recorded yet" not in page
