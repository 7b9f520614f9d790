"""Early-warning pages in a real browser: zero axe violations, charts without JS, acknowledging."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cohesion.earlywarning.models import Alert, AlertStatus
from cohesion.earlywarning.runner import run_week
from tests.integration.early_warning_data import background, store
from tests.integration.test_early_warning_pages import SPIKE, START, WARDS

pytestmark = pytest.mark.browser


@pytest.fixture
def alerts(olu, derby, derby_council) -> dict[str, Alert]:
    made = background(
        start=START,
        weeks=110,
        wards=WARDS,
        per_week=4,
        spike={SPIKE: {"Normanton": 8, "Arboretum": 4}},
    )
    store(made, derby_council)
    run_week(derby, SPIKE, notify=False)
    return {
        "council": Alert.objects.get(method="farrington-flexible", strand__isnull=True),
        "cluster": Alert.objects.get(method="space-time-scan", strand__isnull=True),
    }


def test_early_warning_pages_have_no_axe_violations(
    site, page, check_axe, sign_in, olu, derby, alerts
):
    sign_in(page, "olu")
    page.get_by_role("link", name="Early warning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Early warning alerts")
    expect(page.get_by_text("4 alerts")).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Derby, all strands, week of 6 Jul 2026").click()
    expect(page.get_by_role("img", name=re.compile("^Weekly incidents in Derby"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^6 Jul 2026"))).to_contain_text("15")
    check_axe(page)

    page.get_by_role("link", name="See the last two years in Derby").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Weekly incidents: Derby, all strands"
    )
    check_axe(page)

    page.goto(f"{site}/early-warning/backtest/")
    page.get_by_label("Council", exact=True).select_option(derby.code)
    page.get_by_label("The whole council (all strands and each strand)").check()
    page.get_by_label("EARS C2").check()
    page.get_by_role("button", name="Choose the options").click()
    check_axe(page)
    page.get_by_role("button", name="Run the backtest").click()
    expect(page.get_by_text(re.compile(r"^\d+ alarms? in two years$"))).to_be_visible()
    check_axe(page)

    page.goto(f"{site}/early-warning/settings/")
    expect(page.get_by_role("heading", level=2, name="Derby")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name=re.compile("^Change Improved Farrington")).click()
    page.get_by_label("Alpha", exact=True).fill("lots")
    page.get_by_role("button", name="Save setting").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a number, like 0.01")
    expect(page.get_by_label("Alpha", exact=True)).to_have_value("lots")
    check_axe(page)


def test_alert_page_chart_and_table_without_javascript(
    site, page, goto_without_scripts, check_axe, sign_in, olu, alerts
):
    sign_in(page, "olu")
    goto_without_scripts(page, f"{site}/early-warning/alerts/{alerts['cluster'].pk}/")
    expect(
        page.get_by_role("img", name=re.compile("^Weekly incidents in Arboretum"))
    ).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("This alert")
    check_axe(page)


def test_officer_acknowledges_an_alert_by_clicking(site, page, sign_in, olu, alerts):
    sign_in(page, "olu")
    page.goto(f"{site}/early-warning/alerts/{alerts['council'].pk}/")
    # An empty reason is refused and the error summary takes focus.
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why you are acknowledging this alert")
    page.get_by_label("Why are you acknowledging this alert?").fill(
        "Known: the trigger event on 5 July."
    )
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    expect(page.get_by_text("Known: the trigger event on 5 July.")).to_be_visible()
    alert = Alert.objects.get(pk=alerts["council"].pk)
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.reason == "Known: the trigger event on 5 July."
