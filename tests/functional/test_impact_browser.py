"""An impact assessment's whole journey in a real browser, with zero axe violations on each page.

Olu (cohesion officer, Libraries) creates it, screens it, answers the five
principles, records evidence, fills the equality matrix and the cohesion part,
adds an action, checks and submits; Tess (a second officer) signs it off and
publishes the summary; a member of the public reads it; Olu starts a revision
and sees the difference from version 1.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohesion.impact import choices as c
from cohesion.impact.models import ImpactAssessment
from tests.integration.impact_records import make_department, second_officer

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()


def _day(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def team(olu, derby_council):
    tess = second_officer(derby_council)
    make_department(derby_council, "Libraries", olu, tess)
    return tess


def _task(page: Page, name: str) -> None:
    """Open a section from the assessment's task list."""
    page.locator(".govuk-task-list").get_by_role("link", name=name, exact=True).click()


def _save(page: Page, name: str = "Save") -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_the_whole_journey_has_no_axe_violations(
    site, page, check_axe, sign_in, olu, team, browser
):
    sign_in(page, "olu")
    page.get_by_role("link", name="Impact assessments").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact assessments")
    check_axe(page)

    # Create: a mistake first, then put right.
    page.get_by_role("link", name="Start an assessment").click()
    check_axe(page)
    page.get_by_label("Name of the policy, service, procedure or strategy").fill(
        "Library opening hours"
    )
    page.get_by_label("Date of the decision").fill("next month")
    _save(page, "Start the assessment")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what is being assessed")
    expect(page.get_by_label("Date of the decision")).to_have_value("next month")
    check_axe(page)
    page.get_by_label("Service", exact=True).check()
    page.get_by_label("Decision-maker", exact=True).fill("Cabinet Member for Communities")
    page.get_by_label("Date of the decision").fill(_day(30))
    page.get_by_label("Review date").fill(_day(395))
    _save(page, "Start the assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Library opening hours")
    check_axe(page)
    detail = page.url

    # Screening.
    _task(page, "Screening")
    page.get_by_label("Yes").check()
    page.get_by_label("Why?").fill("A change to a service about 60,000 residents use.")
    check_axe(page)
    _save(page)

    # The five principles, one page each.
    page.locator(".govuk-task-list").get_by_role("link", name=re.compile("^Principle 1:")).click()
    for number in range(1, 6):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Principle {number}:")
        boxes = page.locator("textarea")
        for i in range(boxes.count()):
            boxes.nth(i).fill(f"Our answer to principle {number}, question {i + 1}.")
        check_axe(page)
        _save(
            page,
            "Save and go to the next principle"
            if number < 5
            else ("Save and go back to the sections"),
        )

    # Evidence, including the consultation principle 5 expects.
    for kind, title in [
        ("Data or statistics", "Library visits by branch"),
        ("Consultation or engagement", "Library futures survey"),
    ]:
        page.goto(detail)
        _task(page, "Evidence")
        page.get_by_role("link", name="Add evidence").first.click()
        page.get_by_label(kind).check()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Date of the evidence").fill(_day(-20))
        page.get_by_label("What it shows").fill("What people told us.")
        check_axe(page)
        _save(page, "Add evidence")
    expect(page.get_by_role("table")).to_contain_text("Library futures survey")
    check_axe(page)

    # The equality matrix: nine characteristics, one page each.
    page.goto(detail)
    _task(page, "Equality impacts")
    check_axe(page)
    page.get_by_role("link", name="Start with age").click()
    for index, ch in enumerate(c.Characteristic):
        expect(page.get_by_role("heading", level=1)).to_have_text(str(ch.label))
        for aim in c.aims_for(ch):
            choice = (
                "negative"
                if (ch, aim) == (c.Characteristic.AGE, c.Aim.OPPORTUNITY)
                else ("neutral")
            )
            page.locator(f"input[name='impact_{aim.value}'][value='{choice}']").check()
        if ch == c.Characteristic.AGE:
            page.get_by_label("Mitigation for aim (b)").fill("Staff on hand at set hours.")
        if index in (0, 3):
            check_axe(page)
        if index < len(c.Characteristic) - 1:
            page.locator("button[name='continue']").click()
        else:
            _save(page, "Save and see the matrix")
    matrix = page.get_by_role("table", name=re.compile("Likely impact on people"))
    expect(matrix.get_by_role("row", name=re.compile("^Age"))).to_contain_text("Negative")
    check_axe(page)

    # The cohesion part, with a ward at risk.
    page.goto(detail)
    _task(page, "Cohesion")
    for topic in c.CohesionTopic:
        page.locator(f"input[name='impact_{topic.value}'][value='neutral']").check()
    page.get_by_label("Normanton").check()
    check_axe(page)
    _save(page)

    # An action, from one of the toolkit's suggestions.
    _task(page, "Action plan")
    page.get_by_role("link", name=re.compile(r"^Use this\W+Engage effectively")).click()
    page.get_by_label("Due date").fill(_day(90))
    check_axe(page)
    _save(page, "Add the action")
    expect(page.get_by_role("table").first).to_contain_text("Engage effectively")

    # Check and submit.
    page.goto(detail)
    page.get_by_role("link", name="Check and submit").first.click()
    expect(page.get_by_role("heading", name="All checks are met")).to_be_visible()
    check_axe(page)
    _save(page, "Send for sign-off")
    expect(page.locator(".govuk-tag").first).to_have_text("Awaiting sign-off")
    expect(page.get_by_text("You cannot sign this off because you own it")).to_be_visible()
    check_axe(page)

    # Tess signs off and publishes, in her own browser session.
    context = browser.new_context()
    tess_page = context.new_page()
    try:
        tess_page.goto(f"{site}/accounts/login/")
        tess_page.get_by_label("Username").fill("tess")
        tess_page.get_by_label("Password").fill("correct-horse-battery-staple")
        tess_page.get_by_role("button", name="Sign in").click()
        tess_page.goto(detail)
        tess_page.get_by_role("link", name="Sign off").click()
        check_axe(tess_page)
        tess_page.get_by_role("button", name="Sign off").click()
        expect(tess_page.locator(".govuk-error-summary")).to_contain_text(
            "Confirm that you have read the assessment"
        )
        check_axe(tess_page)
        tess_page.get_by_label(re.compile("^I have read the whole assessment")).check()
        tess_page.get_by_role("button", name="Sign off").click()
        expect(tess_page.locator(".govuk-notification-banner")).to_contain_text("Signed off")
        check_axe(tess_page)
        tess_page.get_by_role("link", name="Publish a summary").click()
        tess_page.get_by_label("Summary for the public").fill(
            "Seven libraries will have self-service days; staff will help at set hours."
        )
        check_axe(tess_page)
        tess_page.get_by_role("button", name="Publish").click()
        expect(tess_page.locator(".govuk-tag").first).to_have_text("Published")
    finally:
        context.close()

    # Anyone can read the summary without signing in.
    a = ImpactAssessment.objects.get()
    public = browser.new_context()
    reader = public.new_page()
    try:
        reader.goto(f"{site}/impact-assessments/")
        reader.get_by_role("link", name="Library opening hours").click()
        expect(reader.get_by_text("staff will help at set hours")).to_be_visible()
        check_axe(reader)
    finally:
        public.close()

    # Revise: version 2 shows what changed since version 1.
    page.goto(detail)
    page.get_by_role("button", name="Start a revision").click()
    expect(page.locator(".govuk-caption-l")).to_contain_text("version 2")
    _task(page, "The proposal and the decision")
    page.get_by_label("Name of the policy, service, procedure or strategy").fill(
        "Library opening hours, phase 2"
    )
    page.get_by_label("Date of the decision").fill(_day(60))
    page.get_by_label("Review date").fill(_day(400))
    _save(page)
    changes = page.get_by_role("table", name=re.compile("What changed since version 1"))
    expect(changes).to_contain_text("Library opening hours, phase 2")
    check_axe(page)
    assert ImpactAssessment.objects.get(version=2).previous == a
