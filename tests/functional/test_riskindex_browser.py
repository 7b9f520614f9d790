"""Risk index pages in a real browser: configure, compute, results and method, zero axe violations."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from cohesion.riskindex import actions
from cohesion.riskindex.models import IndexConfiguration, IndexRun

pytestmark = pytest.mark.browser


@pytest.fixture
def configuration(derby, area_statistics) -> IndexConfiguration:
    return actions.create_default_configuration(derby)


@pytest.fixture
def warm_site(site) -> str:
    """The live server after its first request: importing the URLs (and with them the
    analytics libraries) can take longer than a browser's page-load timeout on a busy machine."""
    urllib.request.urlopen(f"{site}/accounts/login/", timeout=120).read()
    return site


def test_risk_index_configure_compute_results_method_have_no_axe_violations(
    warm_site, page, check_axe, sign_in, olu, configuration
):
    sign_in(page, "olu")
    page.get_by_role("link", name="Risk index").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohesion risk index")
    check_axe(page)

    page.get_by_role("link", name=re.compile("^Configure")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Configure")
    expect(page.get_by_text("Shown as context, not scored")).to_be_visible()
    check_axe(page)

    # A bad weight is refused, with what was typed kept and the error summary shown.
    weight = page.get_by_label(re.compile("^Weight for Population churn"))
    weight.fill("lots")
    page.get_by_role("button", name="Save configuration").click()
    expect(page.get_by_role("alert")).to_contain_text("must be a number")
    expect(page.get_by_label(re.compile("^Weight for Population churn"))).to_have_value("lots")
    check_axe(page)

    page.get_by_label(re.compile("^Weight for Population churn")).fill("2")
    page.get_by_label("rank (percentile)").check()
    page.get_by_role("button", name="Save configuration").click()
    expect(page.get_by_text("Configuration saved.")).to_be_visible()
    configuration.refresh_from_db()
    assert configuration.version == 2
    assert configuration.config["normalisation"] == "rank"

    page.get_by_role("button", name="Compute now").click()
    expect(page.get_by_text("The index has been computed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ward ranks")).to_be_visible()
    run = IndexRun.objects.get()
    top = min(run.results, key=lambda r: r["rank"])
    expect(
        page.get_by_role("row", name=re.compile(f"^1 {re.escape(top['area_name'])}"))
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="Declared weight and actual influence of each indicator")
    ).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="How the index is made (method)").click()
    expect(
        page.get_by_role("heading", name="Why diversity is not a risk indicator")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="The data behind these results")).to_be_visible()
    check_axe(page)
