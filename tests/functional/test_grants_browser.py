# ruff: noqa: F811  (pytest fixtures imported from test_grants_fixtures are redefined as arguments)
"""A community group registers, fills the task list, uploads a file, checks its answers
and applies; an officer then opens the fund and the application. Zero axe violations
on every page visited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.integration.test_grants_fixtures import call, fund  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_group_applies_and_staff_review_without_axe_violations(
    site, page, check_axe, sign_in, call, sam
):
    cache.clear()
    page.goto(f"{site}/grants/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grants for community groups")
    check_axe(page)
    page.get_by_role("link", name="Prevention fund: Round 1").click()
    check_axe(page)
    page.get_by_role("link", name="Create an account to apply").click()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_axe(page)
    page.get_by_label("Name of your group").fill("Heeley Walkers (test)")
    page.get_by_label("Voluntary or community group").check()
    page.get_by_label("Your first name").fill("Rae")
    page.get_by_label("Your last name").fill("Walker")
    page.get_by_label("Your email address").fill("rae@example.org")
    page.get_by_label("Choose a username").fill("rae")
    page.get_by_label("Choose a password").fill("a long unusual passphrase 42")
    page.get_by_label("Type the password again").fill("a long unusual passphrase 42")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for a grant")
    check_axe(page)

    page.get_by_role("link", name="About your group").click()
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    check_axe(page)
    page.get_by_label("Postcode").fill("S8 0ZZ")
    page.get_by_label("Contact name").fill("Rae Walker")
    page.get_by_label("Contact email address").fill("rae@example.org")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Your project", exact=True).click()
    page.get_by_label("Project title").fill("Walks for everyone")
    page.get_by_label("Describe your project").fill("Weekly walks that mix neighbours.")
    page.get_by_label("When will the project start?").fill("2027-04-01")
    page.get_by_label("When will the project end?").fill("2027-09-30")
    check_axe(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Questions about your project").click()
    page.get_by_label("Why does it matter?").fill("People rarely meet across the valley.")
    check_axe(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Budget", exact=True).click()
    page.get_by_label("How much are you asking for?").fill("800")
    page.get_by_label("What will you spend the money on?").fill("Maps £200, flasks £600")
    check_axe(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Supporting documents").click()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 plan"}]
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("link", name="plan.pdf")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Continue", exact=True).click()

    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    check_axe(page)
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Application sent")
    check_axe(page)
    page.get_by_role("link", name="Follow your application").click()
    expect(page.locator(".govuk-tag")).to_have_text("Application received")
    check_axe(page)

    page.context.clear_cookies()
    sign_in(page, "sam")
    page.goto(f"{site}/grants/funds/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant funds")
    check_axe(page)
    page.get_by_role("link", name="Prevention fund", exact=True).click()
    check_axe(page)
    page.get_by_role("link", name="Submitted", exact=True).click()
    check_axe(page)
    page.get_by_role("link", name="SHF-").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walks for everyone")
    check_axe(page)
    page.get_by_label("Eligible: send to assessment").check()
    page.get_by_role("button", name="Record eligibility check").click()
    expect(page.get_by_role("heading", name="Assessors")).to_be_visible()
    check_axe(page)
