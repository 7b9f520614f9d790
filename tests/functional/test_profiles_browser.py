"""Area profile pages in a real browser: zero axe violations, charts with tables, no JS needed."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DERBY = "E06000015"
NORMANTON = "E05015521"


@pytest.fixture(autouse=True)
def _urls_imported() -> None:
    # The first request imports every app's views and the API, which can take longer
    # than the browser's 10 s wait on a busy machine: do it before the clock starts.
    assert get_resolver().url_patterns


def test_derby_council_profile_has_no_axe_violations(site, page, check_axe, area_statistics):
    page.goto(f"{site}/areas/{DERBY}/")
    page.get_by_role("link", name=re.compile("^Profile")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Derby")
    expect(page.locator('tr[data-measure="pct_born_outside_uk"]')).to_contain_text("19.6%")
    expect(page.get_by_role("heading", level=2, name="Wards")).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Normanton").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Normanton")
    expect(page.get_by_role("img", name=re.compile("^LSOAs in Normanton"))).to_be_visible()
    check_axe(page)


def test_ward_profile_without_javascript(
    site, page, goto_without_scripts, check_axe, area_statistics
):
    goto_without_scripts(page, f"{site}/areas/{NORMANTON}/profile/")
    expect(page.locator('tr[data-measure="pct_born_outside_uk"]')).to_contain_text("47.3%")
    expect(page.locator('table[data-table="deprivation-chart"]')).to_be_visible()
    check_axe(page)


def test_signed_in_officer_sees_the_restricted_sections(
    site, page, check_axe, sign_in, olu, area_statistics
):
    sign_in(page, "olu")
    page.goto(f"{site}/areas/{NORMANTON}/profile/")
    expect(page.get_by_role("heading", level=2, name="Hate incidents")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Community tension")).to_be_visible()
    check_axe(page)
