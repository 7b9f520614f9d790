"""Due-regard checks: each promise fails in plain words when unmet, and blocks submission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.impact import actions
from cohesion.impact import choices as c
from cohesion.impact.actions import DueRegardNotShown
from cohesion.impact.bank import current_bank
from cohesion.impact.checks import run_checks
from cohesion.impact.models import ImpactAssessment
from tests.integration.impact_records import (
    complete,
    days,
    failing_codes,
    fresh,
    make_department,
    messages_of,
    second_officer,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(derby_council):
    return second_officer(derby_council)


@pytest.fixture
def libraries(derby_council, olu, tess):
    return make_department(derby_council, "Libraries", olu, tess)


# --- The checks ------------------------------------------------------------------------


def test_a_new_assessment_fails_the_checks_in_plain_words(olu, libraries):
    a = start(olu, libraries, decision_maker="", review_date=None)
    assert failing_codes(a) == {
        "screening",
        "principles",
        "matrix",
        "cohesion",
        "evidence_dated",
        "consultation",
        "decision_maker",
        "review",
    }
    assert messages_of(a, "decision_maker") == [
        "Name the person or body who will take the decision."
    ]
    assert (
        "Principle 1, question i: “Have you considered how your service could impact"
        in (messages_of(a, "principles")[0])
    )
    assert len(messages_of(a, "matrix")) == 25
    assert "Age, aim (a): choose the likely impact." in messages_of(a, "matrix")


def test_a_complete_assessment_passes_every_check(olu, libraries):
    a = complete(olu, start(olu, libraries))
    assert failing_codes(a) == set()


def test_each_negative_or_unknown_impact_needs_evidence_or_a_mitigation(olu, libraries):
    a = complete(olu, start(olu, libraries))
    actions.record_equality(
        by=olu,
        assessment=a,
        characteristic="race",
        cells={
            aim: {
                "impact": "not_known" if aim == "b" else "neutral",
                "evidence": "",
                "mitigation": "",
            }
            for aim in "abc"
        },
    )
    assert failing_codes(a) == {"follow_up"}
    assert messages_of(a, "follow_up") == [
        (
            "Race, aim (b): the impact is not known, with no evidence or mitigation. Say what "
            "the evidence shows, or what will be done about it."
        )
    ]
    actions.record_equality(
        by=olu,
        assessment=a,
        characteristic="race",
        cells={
            aim: {
                "impact": "not_known" if aim == "b" else "neutral",
                "evidence": "",
                "mitigation": "Monitor use by main language for six months." if aim == "b" else "",
            }
            for aim in "abc"
        },
    )
    assert failing_codes(a) == set()


def test_a_negative_cohesion_effect_needs_evidence_or_a_mitigation(olu, libraries):
    a = complete(olu, start(olu, libraries))
    actions.record_cohesion(
        by=olu,
        assessment=a,
        answers={
            "relations": {"impact": "neutral"},
            "new_settled": {"impact": "negative", "effect": "Newcomers lose help with forms."},
            "areas_at_risk": {"impact": "neutral"},
        },
        wards=[],
    )
    assert messages_of(a, "follow_up") == [
        "New and settled communities: the effect is negative, with no evidence or mitigation."
    ]


def test_evidence_must_be_dated_and_not_in_the_future(olu, libraries):
    a = complete(olu, start(olu, libraries))
    for title, dated in [("Staff survey", None), ("Forecast", days(3))]:
        actions.add_evidence(
            by=olu, assessment=a, data={"kind": "document", "title": title, "dated": dated}
        )
    assert failing_codes(a) == {"evidence_dated"}
    assert messages_of(a, "evidence_dated") == [
        "“Staff survey” has no date. Add the date it was published or collected.",
        f"“Forecast” is dated {days(3).day} {days(3):%B %Y}, in the future.",
    ]


def test_consultation_must_be_recorded_where_principle_5_expects_it(olu, libraries):
    a = complete(olu, start(olu, libraries), consultation=False)
    assert failing_codes(a) == {"consultation"}
    (message,) = messages_of(a, "consultation")
    assert message.startswith(
        "Principle 5 (Involving individuals and communities from diverse backgrounds in "
        "planning services) expects consultation."
    )


def test_the_decision_maker_must_be_named(olu, libraries):
    a = complete(olu, start(olu, libraries, decision_maker="  "))
    assert failing_codes(a) == {"decision_maker"}


def test_the_assessment_must_be_done_before_the_decision_date(olu, libraries):
    a = complete(olu, start(olu, libraries, decision_date=days(-1), review_date=days(300)))
    assert failing_codes(a) == {"timing"}
    (message,) = messages_of(a, "timing")
    assert "has passed. Due regard must be paid before the decision is taken." in message
    missing = complete(olu, start(olu, libraries, decision_date=None))
    assert messages_of(missing, "timing") == ["Enter the date of the decision."]


def test_a_screened_out_assessment_needs_only_its_reason_and_the_decision(olu, libraries):
    a = start(olu, libraries)
    actions.record_screening(
        by=olu,
        assessment=a,
        full_assessment_needed=False,
        reason="A change of supplier for library stationery; nobody's service changes.",
    )
    states = {check.code: check.state for check in run_checks(a)}
    assert states["principles"] == states["matrix"] == states["consultation"] == "not_needed"
    assert failing_codes(a) == set()
    actions.submit_assessment(by=olu, assessment=a)
    assert fresh(a).status == c.Status.SUBMITTED


def test_submission_is_refused_while_checks_fail_and_changes_nothing(olu, libraries):
    a = start(olu, libraries)
    with pytest.raises(DueRegardNotShown) as refused:
        actions.submit_assessment(by=olu, assessment=a)
    assert "screening" in {check.code for check in refused.value.checks}
    assert fresh(a).status == c.Status.DRAFT
    assert not AuditEvent.objects.filter(action=AuditAction.IMPACT_SUBMITTED).exists()


def test_sign_off_re_runs_the_checks(olu, tess, libraries):
    """A decision date that passed while it waited stops the sign-off."""
    a = complete(olu, start(olu, libraries))
    actions.submit_assessment(by=olu, assessment=a)
    ImpactAssessment.objects.filter(pk=a.pk).update(decision_date=days(-2), review_date=days(300))
    with pytest.raises(DueRegardNotShown):
        actions.sign_off_assessment(by=tess, assessment=a)
    assert fresh(a).status == c.Status.SUBMITTED


def test_check_page_says_what_is_missing_and_links_to_where_to_fix_it(client, olu, libraries):
    a = start(olu, libraries, decision_maker="")
    client.force_login(olu)
    page = client.get(reverse("impact-check", args=[a.uuid]))
    assert page.status_code == 200
    assert "Put right the problems below" in page.text
    assert "Name the person or body who will take the decision." in page.text
    assert reverse("impact-edit", args=[a.uuid]) in page.text
    assert reverse("impact-principle", args=[a.uuid, 3]) in page.text
    assert "Send for sign-off" not in page.text
    complete(olu, a)
    actions.update_details(by=olu, assessment=a, data={"decision_maker": "Cabinet"})
    page = client.get(reverse("impact-check", args=[a.uuid]))
    assert "All checks are met" in page.text
    assert "Send for sign-off" in page.text


def test_submitting_through_the_page_with_failing_checks_goes_back_to_the_checks(
    client, olu, libraries
):
    a = start(olu, libraries)
    client.force_login(olu)
    response = client.post(reverse("impact-submit", args=[a.uuid]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("impact-check", args=[a.uuid])
    assert "It cannot be submitted yet" in response.text
    assert fresh(a).status == c.Status.DRAFT


def test_new_assessments_use_the_current_published_question_bank(olu, libraries):
    a = start(olu, libraries)
    assert a.bank == current_bank(libraries.organisation)
    assert a.bank.version == 1 and a.bank.organisation is None
