"""The assessment pages in a real browser: zero axe violations, and a figure's link works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration.test_sia_links import varied_incidents  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

PERIOD = "date_from=2025-01-01&date_to=2025-12-31&council=E06000015"


def test_assessment_page_and_a_figures_records(
    site,
    page,
    check_axe,
    sign_in,
    olu,
    varied_incidents,  # noqa: F811
):
    sign_in(page, "olu")
    page.goto(f"{site}/assessment/?{PERIOD}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page)
    # Follow "Female: 2" from the victims' table to the two records behind it.
    table = page.get_by_role("table", name="Victims by sex")
    table.get_by_role("link", name="2 Female").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    expect(page.locator("caption")).to_have_text("2 incidents")
    expect(page.get_by_label("Victim's sex")).to_have_value("female")
    check_axe(page)


def test_public_assessment_has_no_axe_violations(site, page, check_axe, varied_incidents):  # noqa: F811
    page.goto(f"{site}/assessment/public/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page)
