"""The segregation page in a real browser: zero axe violations, readable without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver
from playwright.sync_api import expect

from cohesion.profiles import segregation as council_seg

pytestmark = pytest.mark.browser

DERBY = "E06000015"
NORMANTON = "E05015521"


def test_derby_segregation_page_has_no_axe_violations(
    site, page, goto_without_scripts, check_axe, derby, area_statistics
):
    # The live server is a thread of this process and shares the cache: compute here, so
    # the page's first load is not timed against 999 simulations on a busy machine.
    council_seg.clear_cache()
    council_seg.council_segregation_all(derby)
    get_resolver().url_patterns  # noqa: B018  (imports every view now, not on the first load)
    goto_without_scripts(page, f"{site}/areas/{DERBY}/segregation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Segregation measures")
    for name in ("Country of birth", "Ethnic group", "Religion"):
        expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
    row = page.locator(
        'table[data-table="country_of_birth-oa"] tr[data-measure="dissimilarity:born_outside_uk"]'
    )
    expect(row).to_contain_text("0.379")
    expect(row).to_contain_text("≤\N{NO-BREAK SPACE}0.001")
    ward = page.locator(f'table[data-table="country_of_birth-within"] tr[data-ward="{NORMANTON}"]')
    expect(ward).to_contain_text("Normanton")
    expect(
        page.get_by_role("heading", level=2, name="What this does and does not mean")
    ).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Normanton").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Normanton"))
