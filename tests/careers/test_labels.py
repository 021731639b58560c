"""Pages show career data in words: rounds by name, salaries as money with their currency and
period, companies as links to their own page."""

import pytest
from django.urls import reverse

from apps.careers.labels import round_label, salary_range
from apps.careers.models import Company, JobRole


@pytest.mark.parametrize(("low", "high", "currency", "period", "region", "expected"), [
    (120000, 300000, "USD", "year", "US", "$120,000–$300,000 a year (US)"),
    (1500000, 3500000, "INR", "year", "India", "₹15,00,000–₹35,00,000 a year (India)"),
    (90000, None, "EUR", "year", "", "from €90,000 a year"),
    (None, 40, "GBP", "hour", "", "up to £40 an hour"),
    (5000, 5000, "", "month", "", "5,000 a month"),
    (None, None, "USD", "year", "US", ""),
])
def test_salary_range_reads_as_money(low, high, currency, period, region, expected):
    assert salary_range(low=low, high=high, currency=currency, period=period, region=region) == expected


def test_round_label_names_every_round_and_never_shows_an_id():
    assert round_label("ml_fundamentals") == "ML fundamentals"
    assert round_label("llm_deep_dive") == "LLM deep dive"
    assert round_label("some_new_round") == "Some new round"


def test_role_page_shows_salary_rounds_and_company_links(client, user):
    client.force_login(user)
    role = JobRole.objects.filter(salary_min__isnull=False, hiring_companies__isnull=False).exclude(
        interview_rounds=[]).first()
    page = client.get(reverse("careers:role", args=[role.pk])).content.decode()
    assert f"${role.salary_min:,}–${role.salary_max:,} a year" in page
    assert f"{role.salary_min}–" not in page
    for round_id in role.interview_rounds:
        assert round_label(round_id) in page
    assert "ml_fundamentals" not in page and "llm_deep_dive" not in page
    company = role.hiring_companies.first()
    assert f'href="{reverse("careers:company", args=[company.slug])}"' in page


def test_company_page_lists_the_roles_it_hires_for(client, user, django_assert_max_num_queries):
    client.force_login(user)
    company = Company.objects.filter(roles__isnull=False).first()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("careers:company", args=[company.slug]))
    page = response.content.decode()
    assert response.status_code == 200 and company.name in page
    for role in company.roles.all():
        assert f'href="{reverse("careers:role", args=[role.pk])}"' in page
    assert client.get(reverse("careers:company", args=["no-such-company"])).status_code == 404
