"""Consultations in a real browser: a respondent answers every kind of question without
signing in, and the results and the staff theming page pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cohesion.consultations import actions
from cohesion.consultations.models import Response
from tests.integration.consultation_records import answer, make_consultation

pytestmark = pytest.mark.browser


@pytest.fixture
def answered(derby, derby_council, olu):
    """A second consultation, closed, with a theme answered and published."""
    consultation = make_consultation(derby, derby_council, olu)
    for _ in range(12):
        actions.record_response(
            by=None,
            consultation=consultation,
            channel="online",
            answers=answer(consultation, rating=4),
        )
    consultation = actions.close_consultation(by=olu, consultation=consultation)
    theme = actions.save_theme(by=olu, consultation=consultation, title="Longer opening hours")
    actions.save_answer(
        by=olu, theme=theme, we_did="Centres now open on Sundays.", outcome="changed"
    )
    actions.publish_answers(by=olu, consultation=consultation, notify=False)
    return consultation


def test_a_respondent_answers_every_kind_of_question_without_signing_in(
    site, page, check_axe, derby, derby_council, answered, sign_in
):
    consultation = make_consultation(derby, derby_council)
    page.goto(f"{site}/consultations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    check_axe(page)

    page.get_by_role("link", name="Community centres (test)").first.click()
    check_axe(page)
    page.get_by_role("button", name="Respond to this consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your response")
    check_axe(page)

    # Send with the required question unanswered: the error summary, and the typed text kept.
    page.get_by_label("What should change? (optional)").fill("Open on Sundays")
    page.get_by_role("button", name="Send response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Answer the question: How well do people get on?"
    )
    expect(page.get_by_label("What should change? (optional)")).to_have_value("Open on Sundays")
    check_axe(page)

    page.get_by_label("Fairly well").check()
    page.get_by_label("Youth").check()
    page.get_by_label("Centres").check()
    page.get_by_label("4: good").check()
    page.get_by_label("Tell me what happened because of this consultation").check()
    page.get_by_label("Your email address").fill("amira@example.org")
    page.get_by_role("button", name="Send response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Response sent")
    check_axe(page)

    stored = Response.objects.get(consultation=consultation)
    assert stored.reference in page.locator(".govuk-panel").inner_text()
    assert stored.answers.count() == 4

    page.goto(f"{site}/consultations/{answered.uuid}/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results and what we did")
    expect(page.get_by_text("Centres now open on Sundays.")).to_be_visible()
    check_axe(page)

    sign_in(page, "olu")
    page.goto(f"{site}/consultations/manage/{answered.uuid}/themes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes and answers")
    check_axe(page)
