"""Strategy pages in a real browser: an officer's RAG update, and zero axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cohesion.strategies import actions
from tests.integration.test_strategy_pages import build_charter

pytestmark = pytest.mark.browser

FESTIVAL = "1.1 Run a festival of neighbourhoods"


@pytest.fixture
def charter(olu, derby, derbyshire_police):
    made = build_charter(olu, derby, derbyshire_police)
    actions.update_strategy(by=olu, strategy=made.strategy, data={"is_published": True})
    return made


def test_officer_turns_an_action_red_through_the_pages(site, page, check_axe, sign_in, charter):
    sign_in(page, "olu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Strategies").click()
    page.get_by_role("link", name="Derby Cohesion and Integration Charter").click()
    page.get_by_role("link", name="All actions, with filters").click()
    page.get_by_role("link", name=FESTIVAL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run a festival of neighbourhoods")
    page.get_by_role("link", name="Update this action").click()

    # Red without a corrective action: refused, with the error summary and what was typed.
    page.get_by_label("Red – off track").check()  # noqa: RUF001
    page.get_by_label("Progress (%)").fill("35")
    page.get_by_label("Commentary", exact=True).fill("The main venue has pulled out.")
    page.get_by_role("button", name="Save update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the corrective action")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Commentary", exact=True)).to_have_value(
        "The main venue has pulled out."
    )
    expect(page.get_by_label("Red – off track")).to_be_checked()  # noqa: RUF001
    check_axe(page)

    summary.get_by_role("link", name=re.compile("^Enter the corrective action")).click()
    expect(page.get_by_label("Corrective action")).to_be_focused()
    page.get_by_label("Corrective action").fill("Booking the Assembly Rooms instead.")
    page.get_by_role("button", name="Save update").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Action updated.")
    rag_row = page.locator(".govuk-summary-list__row").filter(has_text="RAG rating")
    expect(rag_row).to_contain_text("Red – off track")  # noqa: RUF001
    history = page.locator(".cohesion-timeline > li").first
    expect(history).to_contain_text("Olu Tester")
    expect(history).to_contain_text("RAG rating: Green – on track")  # noqa: RUF001
    expect(history).to_contain_text("Red – off track")  # noqa: RUF001
    expect(history).to_contain_text("Corrective action: none")
    check_axe(page)


def test_strategy_and_action_pages_have_no_axe_violations(site, page, check_axe, sign_in, charter):
    sign_in(page, "olu")
    action = charter.actions["P1"]
    for path, heading in [
        ("/strategies/", "Strategies"),
        ("/strategies/derby-charter/", "Derby Cohesion and Integration Charter"),
        ("/strategies/derby-charter/actions/", "Actions"),
        ("/strategies/derby-charter/actions/?rag=amber&overdue=on", "Actions"),
        (f"/strategies/actions/{action.uuid}/", action.title),
        (f"/strategies/actions/{action.uuid}/update/", f"Update: {action.title}"),
        (f"/strategies/plans/{charter.council_plan.uuid}/actions/new/", "Add an action"),
        ("/strategies/derby-charter/plans/new/", "Create a plan"),
        ("/strategies/derby-charter/settings/", "Strategy settings"),
        ("/strategies/derby-charter/reviews/new/", "Take a review point"),
        ("/strategies/derby-charter/signatories/new/", "Sign up an organisation"),
        ("/strategies/derby-charter/import/", "Import actions from a file"),
    ]:
        page.goto(site + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_axe(page)


def test_import_errors_have_no_axe_violations(site, page, check_axe, sign_in, charter, tmp_path):
    bad = tmp_path / "actions.csv"
    bad.write_text(
        "id,plan,title,status\n,Council action plan 2025 to 2026,Interfaith football league,"
        "In progress\n",
        encoding="utf-8",
    )
    sign_in(page, "olu")
    page.goto(f"{site}/strategies/derby-charter/import/")
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(bad)
    page.get_by_role("button", name="Upload and import").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing has been changed")
    errors = page.get_by_role("table").filter(has_text="problem")
    expect(errors.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["2", "rag", "Choose a RAG rating for an action in progress"]
    )
    check_axe(page)


def test_report_page_has_no_axe_violations(site, page, check_axe, sign_in, charter):
    sign_in(page, "olu")
    page.goto(f"{site}/strategies/derby-charter/report/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Derby Cohesion")
    check_axe(page)


def test_public_pages_have_no_axe_violations(site, page, check_axe, charter):
    page.goto(f"{site}/strategies/public/")
    page.get_by_role("link", name="Derby Cohesion and Integration Charter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Derby Cohesion and Integration Charter"
    )
    expect(page.get_by_text("Extra patrols around places of worship.")).to_be_visible()
    check_axe(page)


def test_update_form_works_without_javascript(
    site, page, goto_without_scripts, check_axe, sign_in, charter
):
    action = charter.actions["P2"]
    sign_in(page, "olu")
    goto_without_scripts(page, f"{site}/strategies/actions/{action.uuid}/update/")
    page.get_by_label("In progress", exact=True).check()
    page.get_by_label("Green – on track").check()  # noqa: RUF001
    page.get_by_label("Progress (%)").fill("10")
    page.get_by_role("button", name="Save update").click()

    expect(page.locator(".govuk-summary-list")).to_contain_text("10% complete")
    check_axe(page)
