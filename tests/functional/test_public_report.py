"""The public report journey in headless Chromium: keyboard, errors, no JavaScript, axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cohesion.incidents.models import ContactDetails, Incident

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _vocabularies(transactional_db) -> None:
    """Browser tests flush the database, seeded vocabularies too: put them back."""
    from cohesion.vocabularies.models import Term
    from cohesion.vocabularies.seed import install

    if not Term.objects.exists():
        install(Term)


def _continue(page: Page) -> None:
    # Wait for the next page: the old one may hold an element the next step looks for.
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def _error_shown(page: Page, message: str, check_axe=None) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(message)
    assert page.title().startswith("Error:")
    if check_axe is not None:
        check_axe(page)


def test_whole_journey_with_errors_on_every_step(site, page, derby_council, check_axe):
    page.goto(f"{site}/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a hate incident")
    check_axe(page)
    start = page.get_by_role("button", name="Start now")
    start.focus()
    page.keyboard.press("Enter")

    # What happened: empty first, then typed by keyboard.
    expect(page).to_have_url(f"{site}/report/what-happened/")
    check_axe(page)
    _continue(page)
    _error_shown(page, "Tell us what happened", check_axe)
    page.get_by_role("link", name="Tell us what happened").click()
    expect(page.get_by_label("What happened?")).to_be_focused()
    page.keyboard.type("Two men shouted abuse at my neighbour and me.")
    _continue(page)

    # When: a date that does not exist keeps what was typed.
    expect(page).to_have_url(f"{site}/report/when/")
    check_axe(page)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    _continue(page)
    _error_shown(page, "The date it happened must be a real date", check_axe)
    expect(page.get_by_label("Day")).to_have_value("31")
    page.get_by_label("Day").fill("14")
    _continue(page)

    # Where: nothing chosen, then Normanton from the list.
    expect(page).to_have_url(f"{site}/report/where/")
    check_axe(page)
    page.get_by_label("Describe the place (optional)").fill("Near the shops")
    _continue(page)
    _error_shown(page, "Choose the area where it happened", check_axe)
    expect(page.get_by_label("Describe the place (optional)")).to_have_value("Near the shops")
    page.get_by_label("Where did it happen?").select_option(label="Normanton")
    _continue(page)

    # Why: "not sure" and a reason together is refused.
    expect(page).to_have_url(f"{site}/report/why/")
    check_axe(page)
    _continue(page)
    _error_shown(page, "Select why you think it happened", check_axe)
    page.get_by_label("Race, ethnicity or nationality").check()
    page.get_by_label("Religion or belief").check()
    _continue(page)

    # What they did.
    expect(page).to_have_url(f"{site}/report/what-they-did/")
    check_axe(page)
    _continue(page)
    _error_shown(page, "Select what they did", check_axe)
    page.get_by_label("Threats or intimidation").check()
    _continue(page)

    # Who.
    expect(page).to_have_url(f"{site}/report/who/")
    check_axe(page)
    _continue(page)
    _error_shown(page, "Select who is making this report", check_axe)
    page.get_by_label("It happened to me").check()
    _continue(page)

    # About them: optional.
    expect(page).to_have_url(f"{site}/report/about-them/")
    check_axe(page)
    page.get_by_role("group", name="Their age").get_by_label("35 to 44").check()
    _continue(page)

    # Contact: "yes" reveals the details; neither phone nor email is an error.
    expect(page).to_have_url(f"{site}/report/contact/")
    check_axe(page)
    expect(page.get_by_label("Phone number")).to_be_hidden()
    page.get_by_label("Yes").check()
    expect(page.get_by_label("Phone number")).to_be_visible()
    check_axe(page)
    page.get_by_label("Your name (optional)").fill("Dana")
    _continue(page)
    _error_shown(page, "Enter a phone number or an email address", check_axe)
    expect(page.get_by_label("Your name (optional)")).to_have_value("Dana")
    page.get_by_label("Email address").fill("dana@example.org")
    _continue(page)

    # Sharing.
    expect(page).to_have_url(f"{site}/report/sharing/")
    check_axe(page)
    _continue(page)
    _error_shown(page, "Select who we can share your report with", check_axe)
    page.get_by_label("The police").check()
    _continue(page)

    # Check answers, change one, send.
    expect(page).to_have_url(f"{site}/report/check-your-answers/")
    check_axe(page)
    expect(page.locator(".govuk-summary-list")).to_contain_text("14 February 2025")
    page.get_by_role("link", name="Change when it happened").click()
    page.get_by_label("Day").fill("15")
    _continue(page)
    expect(page).to_have_url(f"{site}/report/check-your-answers/")
    expect(page.locator(".govuk-summary-list")).to_contain_text("15 February 2025")
    page.get_by_role("button", name="Send report").click()

    expect(page).to_have_url(f"{site}/report/sent/")
    check_axe(page)
    reference = page.locator("#reference").inner_text()
    incident = Incident.objects.get()
    assert incident.reference == reference
    assert incident.ward.name == "Normanton"
    assert str(incident.occurred_on) == "2025-02-15"
    assert ContactDetails.objects.get(incident=incident).email == "dana@example.org"


def test_journey_without_javascript(site, no_js_page, derby_council):
    page = no_js_page
    page.goto(f"{site}/report/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("What happened?").fill("Someone wrote graffiti on the community centre.")
    _continue(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2025")
    _continue(page)
    # No map without JavaScript: the list does the job.
    expect(page.locator("#report-map-group")).to_be_hidden()
    page.get_by_label("Where did it happen?").select_option(
        label="Somewhere in Derby, not sure where"
    )
    _continue(page)
    page.get_by_label("I am not sure").check()
    _continue(page)
    expect(page).to_have_url(f"{site}/report/what-they-did/")
    page.get_by_role("checkbox", name="Graffiti").check()
    _continue(page)
    page.get_by_label("I do not want to say who I am").check()
    _continue(page)
    page.get_by_role("button", name="Skip these questions").click()
    # Anonymous: no contact question.
    expect(page).to_have_url(f"{site}/report/sharing/")
    page.get_by_label("Do not share it").check()
    _continue(page)
    expect(page).to_have_url(f"{site}/report/check-your-answers/")
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(f"{site}/report/sent/")
    incident = Incident.objects.get()
    assert incident.ward is None
    assert incident.council.code == "E06000015"
    assert incident.reporter_role == "anonymous"
    assert not ContactDetails.objects.exists()


def test_contact_details_show_without_javascript(site, no_js_page, derby_council):
    """With JavaScript off, the conditional contact fields are simply always shown."""
    page = no_js_page
    page.goto(f"{site}/report/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("What happened?").fill("Verbal abuse in the street.")
    _continue(page)
    for label, value in (("Day", "2"), ("Month", "3"), ("Year", "2025")):
        page.get_by_label(label).fill(value)
    _continue(page)
    page.get_by_label("Where did it happen?").select_option(label="Normanton")
    _continue(page)
    expect(page).to_have_url(f"{site}/report/why/")
    page.get_by_role("checkbox", name="Disability").check()
    _continue(page)
    page.get_by_label("Verbal abuse, such as name-calling or insults").check()
    _continue(page)
    page.get_by_label("I saw it happen to someone else").check()
    _continue(page)
    _continue(page)
    expect(page.get_by_label("Phone number")).to_be_visible()


def test_language_switcher_shows_polish(site, page, derby_council, check_axe):
    page.goto(f"{site}/report/")
    page.get_by_role("button", name="Polski").click()
    expect(page).to_have_url(f"{site}/report/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Zgłoś incydent motywowany nienawiścią"
    )
    check_axe(page)
    page.get_by_role("button", name="Rozpocznij").click()
    page.get_by_role("button", name="Dalej").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Opisz, co się stało")
    check_axe(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_map_point_fills_the_hidden_fields(site, page, derby_council, check_axe):
    page.goto(f"{site}/report/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("What happened?").fill("Stones thrown at our window.")
    _continue(page)
    for label, value in (("Day", "5"), ("Month", "3"), ("Year", "2025")):
        page.get_by_label(label).fill(value)
    _continue(page)
    expect(page.locator("#report-map")).to_be_visible()
    check_axe(page)
    page.locator("#report-map").click()
    expect(page.locator("#report-map-status")).to_have_text("Place marked on the map.")
    assert page.locator("#id_latitude").input_value() != ""
    page.get_by_role("button", name="Remove the mark from the map").click()
    assert page.locator("#id_latitude").input_value() == ""
