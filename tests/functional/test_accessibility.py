"""Every kind of page passes axe-core's WCAG 2.2 A and AA rules in a real browser.

axe finds only part of what matters, so each test also checks something a person
would notice: the page's one heading, the error summary, the map.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    pytest.param("/", "Community cohesion and integration", id="home"),
    pytest.param("/areas/", "Areas", id="area-list"),
    pytest.param("/areas/E06000015/", "Derby", id="council"),
    pytest.param("/areas/E05015521/", "Normanton", id="ward"),
    pytest.param("/areas/E01013566/", "Derby 016E", id="lsoa"),
    pytest.param("/accounts/login/", "Sign in to Cohesion", id="login"),
    pytest.param("/components/", "Component gallery", id="components"),
    pytest.param("/accessibility/", "Accessibility statement for Cohesion", id="accessibility"),
    pytest.param("/privacy/", "Privacy notice", id="privacy"),
]


def test_axe_check_finds_known_violations(page, run_axe):
    """Guards the guard: a mistyped rule tag would make axe run no rules and pass everything."""
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
        '<img src="/map.png"><input type="text">'
        '<button style="width:12px;height:12px;padding:0;margin:0">a</button>'
        '<button style="width:12px;height:12px;padding:0;margin:0">b</button>'
        "</main></body></html>"
    )

    found = {violation["id"] for violation in run_axe(page).response["violations"]}
    # WCAG 2.0 A (1.1.1, 4.1.2) and WCAG 2.2 AA (2.5.8 target size) rules all ran.
    assert {"image-alt", "label", "target-size"} <= found


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(site, page, check_axe, path, heading):
    page.goto(site + path)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_axe(page)


@pytest.mark.parametrize("path", ["/areas/E06000015/", "/areas/E05015521/"])
def test_area_page_without_javascript_has_no_axe_violations(
    site, page, goto_without_scripts, check_axe, path
):
    """Without JavaScript the drawn outline stands in for the map, and must pass too."""
    goto_without_scripts(page, site + path)

    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.get_by_role("img", name=re.compile("^Outline of"))).to_be_visible()
    expect(page.locator("#area-map")).to_be_hidden()
    check_axe(page)


def test_failed_sign_in_shows_an_accessible_error_summary(site, page, check_axe, olu):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct username and password")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    check_axe(page)


def test_component_gallery_errors_are_accessible(site, page, check_axe):
    page.goto(f"{site}/components/")
    page.get_by_role("button", name="Check").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    # One linked message for each of the seven empty required fields.
    expect(summary.get_by_role("link")).to_have_count(7)
    expect(page.locator(".govuk-error-message")).to_have_count(7)
    check_axe(page)

    # Each message in the summary takes you to its field.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Full name")).to_be_focused()


def test_dashboard_has_no_axe_violations(site, page, check_axe, sign_in, olu):
    sign_in(page, "olu")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Olu Tester")
    check_axe(page)


def test_audit_trail_has_no_axe_violations(site, page, check_axe, sign_in, alice):
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail").click()

    expect(page).to_have_url(f"{site}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    # Alice's own sign-in is in the trail she is reading.
    sign_ins = page.get_by_role("row").filter(has_text="Signed in").filter(has_text="alice")
    expect(sign_ins).to_have_count(1)
    check_axe(page)


def test_pages_reflow_at_400_percent_zoom(site, page):
    """WCAG 1.4.10: at 320 CSS pixels wide (1280px at 400%) nothing scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for param in PUBLIC_PAGES:
        path = param.values[0]
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
