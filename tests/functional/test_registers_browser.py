"""The training coverage page and the projects register in a real browser, with zero
axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration.test_projects_register import (  # noqa: F401  (fixture)
    projects,
    seed_default_categories,
)
from tests.integration.test_training_register import build_register

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def categories(site):
    """The live server's tests are transactional: put back the data migration's vocabularies."""
    seed_default_categories()


@pytest.fixture
def register(derby_council, derbyshire_police, derby):
    return build_register(derby_council, derbyshire_police, derby)


def test_training_coverage_page(site, page, check_axe, sign_in, olu, register):
    sign_in(page, "olu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training coverage")
    page.get_by_label("Topic").select_option(label="Prevent awareness")
    page.get_by_label("Trained in the last (months)").fill("24")
    page.get_by_role("button", name="Show coverage").click()
    table = page.locator('table[data-table="organisations"]')
    expect(table).to_contain_text("Derbyshire Constabulary")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Departments").click()
    expect(page.get_by_role("cell", name="Neighbourhood policing", exact=True)).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Courses and sessions").click()
    page.get_by_role("link", name="Prevent awareness").click()
    check_axe(page)


def test_projects_register_pages(site, page, check_axe, sign_in, olu, projects):  # noqa: F811
    sign_in(page, "olu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects register")
    expect(page.get_by_role("link", name="Debates A")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Summary by category").click()
    expect(page.locator('[data-sentence="activity_type"]')).to_have_text(
        "5 projects: 3 debates and discussions, 1 accredited training, 1 not stated."
    )
    check_axe(page)
    page.get_by_role("link", name="All projects").click()
    page.get_by_role("link", name="Debates A").click()
    page.get_by_role("link", name="Change this project").click()
    page.get_by_label("End date").fill("2020-01-01")
    page.get_by_label("Start date").fill("2021-01-01")
    page.get_by_role("button", name="Save project").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end date must be on or after")
    check_axe(page)
