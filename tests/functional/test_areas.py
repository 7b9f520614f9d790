"""Finding an area: from the list of councils to a ward, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response, expect

pytestmark = pytest.mark.browser

NORMANTON = "/areas/E05015521/"


def test_browse_from_the_area_list_to_a_ward(site, page):
    page.goto(f"{site}/areas/")

    councils = page.get_by_role("table", name="Councils")
    rows = councils.get_by_role("row")
    derby = rows.filter(has=page.get_by_role("link", name="Derby", exact=True))
    sheffield = rows.filter(has=page.get_by_role("link", name="Sheffield", exact=True))
    expect(derby.get_by_role("cell").nth(2)).to_have_text("18")
    expect(sheffield.get_by_role("cell").nth(2)).to_have_text("28")

    derby.get_by_role("link", name="Derby", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Derby")
    wards = page.get_by_role("table", name="Wards").get_by_role("link")
    expect(wards).to_have_count(18)

    wards.filter(has_text="Normanton").click()
    expect(page).to_have_url(f"{site}{NORMANTON}?generation=2024")
    expect(page.get_by_role("heading", level=1)).to_have_text("Normanton")
    expect(page.locator(".govuk-caption-l")).to_have_text("Ward")


def test_ward_page_without_javascript_draws_the_outline_and_lists_neighbourhoods(
    site, no_js_page: Page
):
    page = no_js_page
    page.goto(site + NORMANTON)

    outline = page.locator("svg.cohesion-area-outline")
    expect(outline).to_be_visible()
    expect(outline).to_have_attribute("role", "img")
    expect(outline.locator("title")).to_have_text(
        "Outline of Normanton among its neighbouring wards"
    )
    expect(page.get_by_role("img", name="Outline of Normanton")).to_be_visible()
    expect(page.locator("#area-map")).to_be_hidden()

    lsoas = page.get_by_role("table", name="Lower layer super output areas (2021)")
    expect(lsoas.get_by_role("link")).to_have_count(10)
    expect(lsoas.get_by_role("link", name="Derby 020A")).to_be_visible()


def test_ward_page_with_javascript_shows_the_map_without_console_errors(site, page: Page):
    problems: list[str] = []
    scripts: dict[str, int] = {}

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.request.resource_type == "script":
            scripts[response.url.removeprefix(site)] = response.status

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.goto(site + NORMANTON)

    holder = page.get_by_role("region", name="Map of Normanton")
    expect(holder).to_be_visible()
    expect(holder).to_have_class(re.compile(r"\bleaflet-container\b"))
    # Leaflet has drawn the ward's boundary, and the static outline has made way for it.
    expect(holder.locator("path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("svg.cohesion-area-outline")).to_be_hidden()
    # The list of neighbourhoods is still there for people who cannot use the map.
    expect(page.get_by_role("table", name="Lower layer super output areas (2021)")).to_be_visible()

    page.wait_for_load_state("networkidle")
    assert scripts.get("/static/cohesion/leaflet/leaflet.js") == 200, scripts
    assert scripts.get("/static/cohesion/area-map.js") == 200, scripts
    assert problems == []


def test_map_zoom_buttons_work_with_the_space_key(site, page: Page):
    page.goto(site + NORMANTON)
    holder = page.get_by_role("region", name="Map of Normanton")
    expect(holder).to_have_class(re.compile(r"\bleaflet-container\b"))
    page.wait_for_load_state("networkidle")
    boundary = holder.locator("path.leaflet-interactive")
    before = boundary.get_attribute("d")
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Space")
    # Zooming in redraws the ward's boundary at the new scale.
    expect(boundary).not_to_have_attribute("d", before or "")
    assert page.evaluate("() => window.scrollY") == 0  # Space did not scroll the page
