"""Tension and mediation pages in a real browser: zero axe violations, with and without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cohesion.accounts.models import Role
from cohesion.mediation.models import MediationCase
from cohesion.tensions import choices as c
from tests.conftest import make_user
from tests.integration.test_tension_dashboard import approved, assess, days
from tests.integration.test_tensions import ABBEY, NORMANTON, ensure_scale, make_item, ward

pytestmark = pytest.mark.browser


@pytest.fixture
def records(olu, derby):
    ensure_scale()
    tess = make_user("tess", olu.organisation, Role.COHESION_OFFICER)
    rumour = make_item(olu, derby, NORMANTON, item_type=c.ItemType.RUMOUR)
    approved(
        olu,
        tess,
        ward(NORMANTON),
        4,
        -13,
        -7,
        next_review_on=days(-1),
    )
    approved(olu, tess, ward(ABBEY), 1, -6, 0)
    draft = assess(olu, ward(NORMANTON), 5, -6, 0)
    case = MediationCase.objects.create(
        reference="MC-TEST-0001",
        organisation=olu.organisation,
        area=ward(ABBEY),
        title="Noise dispute",
        summary="Late events at a community hall.",
        mediator=olu,
    )
    return {"rumour": rumour, "draft": draft, "case": case}


def test_dashboard_map_and_table_have_no_axe_violations(
    site, page, check_axe, sign_in, olu, records
):
    sign_in(page, "olu")
    page.goto(f"{site}/tensions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Community tension")
    expect(
        page.get_by_role("img", name=re.compile("^Map of current tension levels"))
    ).to_be_visible()
    row = page.get_by_role("row", name=re.compile("^Normanton"))
    expect(row).to_contain_text("4 High · Red")
    check_axe(page)


def test_dashboard_without_javascript(
    site, page, goto_without_scripts, check_axe, sign_in, olu, records
):
    sign_in(page, "olu")
    goto_without_scripts(page, f"{site}/tensions/")
    expect(page.get_by_role("row", name=re.compile("^Abbey"))).to_contain_text("1 Low · Green")
    check_axe(page)


@pytest.mark.parametrize(
    "path",
    [
        "/tensions/intelligence/",
        "/tensions/assessments/",
        "/tensions/wards/E05015521/",
        "/mediation/",
        "/mediation/new/",
    ],
)
def test_tension_pages_have_no_axe_violations(site, page, check_axe, sign_in, olu, records, path):
    sign_in(page, "olu")
    page.goto(site + path)
    check_axe(page)


def test_detail_pages_and_errors_have_no_axe_violations(
    site, page, check_axe, sign_in, olu, records
):
    sign_in(page, "olu")
    page.goto(f"{site}/tensions/intelligence/{records['rumour'].uuid}/")
    expect(page.get_by_role("heading", name="Who can see this")).to_be_visible()
    check_axe(page)
    page.goto(f"{site}/tensions/assessments/{records['draft'].uuid}/")
    check_axe(page)
    page.goto(f"{site}/mediation/{records['case'].uuid}/")
    check_axe(page)
    page.goto(f"{site}/tensions/intelligence/new/")
    page.get_by_label("Title").fill("Leaflets at the bus station")
    page.get_by_role("button", name="Record intelligence").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the type of intelligence")
    expect(page.get_by_label("Title")).to_have_value("Leaflets at the bus station")
    check_axe(page)
