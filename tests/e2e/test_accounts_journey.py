import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_new_user_signs_up_signs_out_and_signs_in_again(page):
    page.goto("/")
    page.get_by_role("button", name="Sign up").click()
    page.fill("input[name=email]", "journey@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form button[type=submit]")
    page.get_by_role("heading", name="Welcome, journey").wait_for()

    page.locator("summary", has_text="journey").click()
    page.get_by_test_id("sign-out").click()
    page.get_by_role("button", name="Create a free account").wait_for()

    page.get_by_role("link", name="Sign in").first.click()
    page.fill("input[name=login]", "journey@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.get_by_role("heading", name="Welcome, journey").wait_for()
