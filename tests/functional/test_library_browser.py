"""The good-practice library in a real browser: list, a case study, events; zero axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cohesion.library.demo import load_case_studies, load_events_and_award

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_library(derby_council):
    load_case_studies(derby_council)
    load_events_and_award(derby_council)


def test_library_case_study_and_events_have_no_axe_violations(site, page, check_axe, demo_library):
    page.goto(f"{site}/library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good-practice library")
    check_axe(page)

    page.get_by_label("Search").fill("scrutiny")
    page.get_by_role("button", name="Show results").click()
    page.get_by_role("link", name="Leicester", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leicester")
    expect(
        page.get_by_text("Leicester devised a number of sessions as part of a scrutiny review")
    ).to_be_visible()
    check_axe(page)

    page.goto(f"{site}/library/events/")
    expect(page.get_by_role("heading", level=2, name="Coming up")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Cohesion week community iftar (demo)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cohesion week community iftar (demo)"
    )
    check_axe(page)

    page.goto(f"{site}/library/awards/")
    check_axe(page)


def test_manage_pages_have_no_axe_violations(site, page, check_axe, sign_in, olu):
    sign_in(page, "olu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Good practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the library")
    check_axe(page)
    page.get_by_role("link", name="Write a new item").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title")
    check_axe(page)
    page.get_by_label("Story of cohesion").check()
    page.get_by_label("Title").fill("Street meals (test)")
    page.get_by_label("Summary").fill("Neighbours met over food.")
    page.get_by_label("Text").fill("A paragraph.\n\n- one\n- two")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Street meals (test)")
    check_axe(page)
