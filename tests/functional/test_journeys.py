"""Keyboard use and signing in and out, as a person does them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(site, page):
    page.goto(f"{site}/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    expect(page).to_have_url(f"{site}/#main-content")


def test_sign_in_and_sign_out(site, page, olu):
    page.goto(f"{site}/")
    # The start button on the home page (a link styled, and announced, as a button).
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{site}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_text("Signed in as Olu Tester (Derby City Council).")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Community cohesion and integration")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # Signed out means signed out: the dashboard sends you back to sign in.
    page.goto(f"{site}/dashboard/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/dashboard/")
