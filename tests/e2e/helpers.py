"""Small helpers shared by the browser journeys."""

from __future__ import annotations

from pathlib import Path

from tests.factories import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    """Through the real sign-in form, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
