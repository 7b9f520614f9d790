"""Public directory in a real browser: search by ward and category, open a service; zero axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration.test_directory_fixtures import (  # noqa: F401
    community,
    directory,
    terms,
)

pytestmark = pytest.mark.browser


def test_search_by_ward_and_category_then_open_a_service(site, page, check_axe, directory):  # noqa: F811
    page.goto(f"{site}/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Community directory")
    check_axe(page)
    page.get_by_label("Category").select_option(label="Advice")
    page.get_by_label("In ward").select_option(label="Arboretum (Derby)")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 service found")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Council ESOL class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council ESOL class")
    expect(page.get_by_text("1 Test Street")).to_be_visible()
    expect(page.locator("#service-map")).to_be_visible()  # the map appears with JavaScript
    check_axe(page)
