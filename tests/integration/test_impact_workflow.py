"""The guided assessment through its pages, bad input, four-eyes sign-off, immutability and versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.impact import actions
from cohesion.impact import choices as c
from cohesion.impact.actions import ImpactError
from cohesion.impact.diff import Change, compare
from cohesion.impact.models import (
    ActionItem,
    EqualityImpact,
    Evidence,
    ImpactAssessment,
    PrincipleAnswer,
    ScreeningAnswer,
)
from tests.conftest import make_user
from tests.integration.impact_records import (
    complete,
    days,
    fresh,
    make_department,
    second_officer,
    signed_off,
    start,
)
from tests.integration.test_tensions import NORMANTON, ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(derby_council):
    return second_officer(derby_council)


@pytest.fixture
def libraries(derby_council, olu, tess):
    return make_department(derby_council, "Libraries", olu, tess)


# --- Through the pages -----------------------------------------------------------------


def new_form(libraries, **overrides):
    data = {
        "subject": "Library opening hours",
        "kind": "service",
        "department": str(libraries.pk),
        "proposal": "Three self-service days a week at seven branches.",
        "decision_maker": "Cabinet Member for Communities",
        "decision_maker_role": "Cabinet member decision",
        "decision_date": days(30).isoformat(),
        "review_date": days(395).isoformat(),
    }
    data.update(overrides)
    return data


def test_officer_starts_an_assessment_through_the_page_and_it_is_audited(client, olu, libraries):
    client.force_login(olu)
    page = client.get(reverse("impact-new"))
    assert page.status_code == 200
    response = client.post(reverse("impact-new"), new_form(libraries))
    a = ImpactAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("impact-detail", args=[a.uuid])
    assert (a.owner, a.created_by, a.department, a.status) == (olu, olu, libraries, "draft")
    assert a.reference.startswith("IA-") and a.version == 1
    event = AuditEvent.objects.get(action=AuditAction.IMPACT_CREATED)
    assert (event.actor_username, event.target_id) == ("olu", str(a.uuid))
    detail = client.get(response["Location"])
    assert "Principle 5: Involving individuals and communities from diverse backgrounds" in (
        detail.text
    )
    assert "Incomplete" in detail.text


def test_bad_input_on_the_new_page_keeps_what_was_typed_and_saves_nothing(client, olu, libraries):
    client.force_login(olu)
    data = new_form(
        libraries,
        kind="",
        decision_date="next Tuesday",
        proposal="Close two branches on Mondays.",
        subject="Library Mondays",
    )
    response = client.post(reverse("impact-new"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose what is being assessed" in response.text
    assert "Enter the date as year-month-day, like 2026-11-01" in response.text
    assert 'value="Library Mondays"' in response.text
    assert 'value="next Tuesday"' in response.text
    assert "Close two branches on Mondays." in response.text
    assert response.text.count("<title>Error:") == 1
    assert not ImpactAssessment.objects.exists()


def test_a_review_date_before_the_decision_is_refused(client, olu, libraries):
    client.force_login(olu)
    response = client.post(
        reverse("impact-new"), new_form(libraries, review_date=days(10).isoformat())
    )
    assert "The review date must be after the decision date" in response.text
    assert not ImpactAssessment.objects.exists()


def test_principle_page_shows_the_seed_wording_and_saves_answers(client, olu, libraries):
    a = start(olu, libraries)
    client.force_login(olu)
    url = reverse("impact-principle", args=[a.uuid, 5])
    page = client.get(url)
    assert "Principle 5: Involving individuals and communities from diverse backgrounds" in (
        page.text
    )
    assert "Have you consulted key groups of stakeholders?" in page.text
    assert "Is the method of consultation chosen appropriate for the group to be targeted?" in (
        page.text
    )
    assert "Make sure you let consultees know what influence, if any, their input had." in (
        page.text
    )
    questions = list(a.bank.principles.get(number=5).questions.all())
    response = client.post(
        url, {f"q{questions[0].pk}": "Survey with 1,214 replies.", f"q{questions[1].pk}": ""}
    )
    assert response.status_code == 302
    assert list(PrincipleAnswer.objects.values_list("answer", flat=True)) == [
        "Survey with 1,214 replies."
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.IMPACT_UPDATED, detail__part="principle 5"
    ).exists()


def test_a_suggested_action_fills_in_the_action_form(client, olu, libraries):
    a = start(olu, libraries)
    suggestion = a.bank.principles.get(number=2).suggested_actions.get(order=3)
    client.force_login(olu)
    page = client.get(reverse("impact-actions", args=[a.uuid]) + f"?suggested={suggestion.pk}")
    assert "Use the community cohesion indexing profiles to inform your service" in page.text
    response = client.post(
        reverse("impact-actions", args=[a.uuid]),
        {
            "description": suggestion.text + " Start with Normanton.",
            "owner_name": "Library service manager",
            "due_on": days(60).isoformat(),
            "suggested": str(suggestion.pk),
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.suggested_action == suggestion
    assert item.due_on == days(60)


def test_bad_evidence_keeps_what_was_typed_and_saves_nothing(client, olu, libraries):
    a = start(olu, libraries)
    client.force_login(olu)
    response = client.post(
        reverse("impact-evidence-new", args=[a.uuid]),
        {
            "kind": "consultation",
            "title": "Library futures survey",
            "link": "not a web address",
            "dated": "March",
            "summary": "Older people worried about the kiosks.",
        },
    )
    assert response.status_code == 200
    assert "Enter a web address, like https://www.example.org/report" in response.text
    assert "Enter the date as year-month-day" in response.text
    assert 'value="Library futures survey"' in response.text
    assert "Older people worried about the kiosks." in response.text
    assert not Evidence.objects.exists()


def test_equality_page_with_text_but_no_impact_keeps_everything_and_saves_nothing(
    client, olu, libraries
):
    a = start(olu, libraries)
    client.force_login(olu)
    response = client.post(
        reverse("impact-characteristic", args=[a.uuid, "disability"]),
        {
            "impact_a": "neutral",
            "evidence_b": "Kiosks are hard to use for people with sight loss.",
            "mitigation_b": "Staff on hand for set hours.",
            "impact_c": "positive",
        },
    )
    assert response.status_code == 200
    assert "Choose the likely impact under aim (b)" in response.text
    assert "Kiosks are hard to use for people with sight loss." in response.text
    assert "Staff on hand for set hours." in response.text
    assert 'value="neutral" id="id_impact_a_1" class="govuk-radios__input" checked' in (
        response.text
    )
    # Aims (a) and (c) were valid, yet nothing at all was saved.
    assert not EqualityImpact.objects.exists()


def test_marriage_and_civil_partnership_asks_about_aim_a_only(client, olu, libraries):
    a = start(olu, libraries)
    client.force_login(olu)
    page = client.get(reverse("impact-characteristic", args=[a.uuid, "marriage_civil_partnership"]))
    assert "impact_a" in page.text and "impact_b" not in page.text
    with pytest.raises(ImpactError):
        actions.record_equality(
            by=olu,
            assessment=a,
            characteristic="marriage_civil_partnership",
            cells={"b": {"impact": "neutral"}},
        )


def test_the_whole_journey_through_the_pages(client, olu, tess, libraries, derby):
    """Create, screen, answer, matrix, cohesion, act, check, submit, sign off, publish, revise."""
    client.force_login(olu)
    client.post(reverse("impact-new"), new_form(libraries))
    a = ImpactAssessment.objects.get()
    detail = reverse("impact-detail", args=[a.uuid])

    client.post(
        reverse("impact-screening", args=[a.uuid]),
        {"full_assessment_needed": "yes", "reason": "A universal service."},
    )
    for principle in a.bank.principles.all():
        client.post(
            reverse("impact-principle", args=[a.uuid, principle.number]),
            {f"q{q.pk}": f"Our answer to {q.code}" for q in principle.questions.all()},
        )
    for kind, title in [("data", "Visits by branch"), ("consultation", "Library survey")]:
        response = client.post(
            reverse("impact-evidence-new", args=[a.uuid]),
            {"kind": kind, "title": title, "dated": days(-10).isoformat(), "summary": "Seen."},
        )
        assert response.status_code == 302
    for ch in c.Characteristic:
        data = {}
        for aim in c.aims_for(ch):
            data[f"impact_{aim.value}"] = "neutral"
        if ch == c.Characteristic.AGE:
            data.update(impact_b="negative", mitigation_b="Assisted hours on kiosk days.")
        response = client.post(reverse("impact-characteristic", args=[a.uuid, ch.value]), data)
        assert response.status_code == 302, response.text
    normanton = ward(NORMANTON)
    cohesion = {"wards": [str(normanton.pk)]}
    for topic in c.CohesionTopic:
        cohesion.update({f"impact_{topic.value}": "neutral", f"evidence_{topic.value}": "Survey"})
    assert client.post(reverse("impact-cohesion", args=[a.uuid]), cohesion).status_code == 302
    client.post(
        reverse("impact-actions", args=[a.uuid]),
        {"description": "Report use by age", "owner_name": "Manager", "due_on": days(90)},
    )
    matrix = client.get(reverse("impact-equality", args=[a.uuid]))
    assert matrix.text.count("govuk-tag--grey") >= 24 and "govuk-tag--red" in matrix.text
    check = client.get(reverse("impact-check", args=[a.uuid]))
    assert "All checks are met" in check.text

    assert client.post(reverse("impact-submit", args=[a.uuid])).status_code == 302
    assert fresh(a).status == "submitted"
    # The owner cannot sign off their own assessment.
    page = client.get(detail)
    assert "You cannot sign this off because you own it" in page.text
    assert client.get(reverse("impact-sign-off", args=[a.uuid])).status_code == 404

    client.force_login(tess)
    refused = client.post(reverse("impact-sign-off", args=[a.uuid]), {"note": "Fine"})
    assert "Confirm that you have read the assessment" in refused.text
    assert fresh(a).status == "submitted"
    client.post(reverse("impact-sign-off", args=[a.uuid]), {"confirm": "on", "note": "Fine."})
    a = fresh(a)
    assert (a.status, a.signed_off_by) == ("signed_off", tess)

    summary = "Seven libraries will have self-service days. Staff will help at set hours."
    client.post(reverse("impact-publish", args=[a.uuid]), {"public_summary": summary})
    assert fresh(a).status == "published"
    client.logout()
    public = client.get(reverse("impact-public", args=[a.uuid]))
    assert public.status_code == 200
    assert summary in public.text
    assert "Olu" not in public.text and "Tess" not in public.text

    client.force_login(olu)
    response = client.post(reverse("impact-revise", args=[a.uuid]))
    v2 = ImpactAssessment.objects.get(version=2)
    assert response["Location"] == reverse("impact-detail", args=[v2.uuid])
    assert (v2.previous, v2.series, v2.status) == (a, a.series, "draft")
    client.post(
        reverse("impact-edit", args=[v2.uuid]),
        {
            **new_form(libraries),
            "owner": str(olu.pk),
            "decision_date": days(60).isoformat(),
            "review_date": days(400).isoformat(),
            "subject": "Library opening hours and self-service",
        },
    )
    page = client.get(reverse("impact-detail", args=[v2.uuid]))
    assert "Changes since version 1" in page.text
    assert "<del>Library opening hours</del>" in page.text
    assert "<ins>Library opening hours and self-service</ins>" in page.text
    trail = list(
        AuditEvent.objects.filter(action__startswith="impact_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert trail[-4:] == [
        "impact_signed_off",
        "impact_published",
        "impact_revised",
        "impact_updated",
    ]


# --- Four eyes -------------------------------------------------------------------------


def test_the_owner_and_the_submitter_cannot_sign_off(olu, tess, libraries, derby_council):
    a = complete(olu, start(olu, libraries))
    actions.submit_assessment(by=tess, assessment=a)  # a colleague in the department submits
    for person in (olu, tess):
        with pytest.raises(ImpactError, match="Someone other than the owner"):
            actions.sign_off_assessment(by=person, assessment=a)
    bea = make_user("bea", derby_council, Role.COHESION_OFFICER)
    libraries.members.add(bea)
    actions.sign_off_assessment(by=bea, assessment=a)
    assert fresh(a).signed_off_by == bea
    assert AuditEvent.objects.get(action=AuditAction.IMPACT_SIGNED_OFF).actor_username == "bea"


def test_the_author_cannot_sign_off_even_when_someone_else_owns_it(
    olu, tess, libraries, derby_council
):
    a = complete(
        olu,
        actions.create_assessment(
            by=olu,
            department=libraries,
            owner=tess,
            data={
                "subject": "Library fines",
                "kind": "policy",
                "decision_maker": "Cabinet",
                "decision_date": days(20),
                "review_date": days(200),
            },
        ),
    )
    actions.submit_assessment(by=tess, assessment=a)
    with pytest.raises(ImpactError, match="Someone other than the owner, the author"):
        actions.sign_off_assessment(by=olu, assessment=a)


def test_the_database_refuses_a_sign_off_by_the_owner_or_the_author(olu, tess, libraries):
    a = actions.create_assessment(
        by=olu, department=libraries, owner=tess, data={"subject": "Fines", "kind": "policy"}
    )
    for person in (olu, tess):
        with pytest.raises(IntegrityError), transaction.atomic():
            ImpactAssessment.objects.filter(pk=a.pk).update(signed_off_by=person)


def test_people_without_the_sign_off_right_cannot_sign_off(olu, vic, libraries, derby_council):
    ann = make_user("ann", derby_council, Role.ANALYST)
    libraries.members.add(ann, vic)
    a = complete(olu, start(olu, libraries))
    actions.submit_assessment(by=olu, assessment=a)
    for person in (ann, vic):
        with pytest.raises(PermissionDenied):
            actions.sign_off_assessment(by=person, assessment=a)
    assert fresh(a).status == "submitted"


def test_returning_sends_it_back_to_draft_with_the_reason(client, olu, tess, libraries):
    a = complete(olu, start(olu, libraries))
    actions.submit_assessment(by=olu, assessment=a)
    client.force_login(tess)
    empty = client.post(reverse("impact-return", args=[a.uuid]), {"note": ""})
    assert "Say what needs to change" in empty.text
    client.post(reverse("impact-return", args=[a.uuid]), {"note": "Add the ESOL focus group."})
    a = fresh(a)
    assert (a.status, a.returned_note, a.submitted_by) == (
        "draft",
        "Add the ESOL focus group.",
        None,
    )
    client.force_login(olu)
    assert (
        "Returned for changes: Add the ESOL focus group."
        in client.get(reverse("impact-detail", args=[a.uuid])).text
    )


# --- Immutability ----------------------------------------------------------------------


def test_a_signed_off_assessment_cannot_be_changed_by_any_action(olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries))
    principle = a.bank.principles.first()
    attempts = [
        lambda: actions.update_details(by=olu, assessment=a, data={"subject": "Other"}),
        lambda: actions.record_screening(
            by=olu, assessment=a, full_assessment_needed=False, reason="x"
        ),
        lambda: actions.record_principle_answers(
            by=olu, assessment=a, principle=principle, answers={}
        ),
        lambda: actions.add_evidence(by=olu, assessment=a, data={"kind": "data", "title": "x"}),
        lambda: actions.record_equality(by=olu, assessment=a, characteristic="age", cells={}),
        lambda: actions.record_cohesion(by=olu, assessment=a, answers={}, wards=[]),
        lambda: actions.add_action_item(
            by=olu, assessment=a, description="x", owner_name="x", due_on=days(3)
        ),
        lambda: actions.submit_assessment(by=olu, assessment=a),
    ]
    for attempt in attempts:
        with pytest.raises(ImpactError, match="signed-off assessment is fixed"):
            attempt()
    assert fresh(a).subject == "Library opening hours"


def test_the_database_refuses_changes_to_a_signed_off_assessment(olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries))
    refused = [
        lambda: ImpactAssessment.objects.filter(pk=a.pk).update(subject="Changed"),
        lambda: ImpactAssessment.objects.filter(pk=a.pk).update(status="draft"),
        lambda: EqualityImpact.objects.filter(assessment=a).update(impact="positive"),
        lambda: PrincipleAnswer.objects.filter(assessment=a).update(answer="Changed"),
        lambda: ScreeningAnswer.objects.filter(assessment=a).update(reason="Changed"),
        lambda: Evidence.objects.create(assessment=a, kind="data", title="Late"),
        lambda: ActionItem.objects.filter(assessment=a).update(description="Changed"),
        lambda: a.wards.add(a.organisation.areas.first()),
    ]
    for attempt in refused:
        with (
            pytest.raises(IntegrityError, match="signed-off assessment cannot be changed"),
            transaction.atomic(),
        ):
            attempt()
    # Monitoring still works: recording an action as done, and publishing once.
    item = a.action_items.get()
    actions.complete_action_item(by=olu, assessment=a, item=item, completed_on=days(0))
    actions.publish_assessment(by=olu, assessment=a, public_summary="What we found.")
    assert fresh(a).status == "published"
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactAssessment.objects.filter(pk=a.pk).update(public_summary="Rewritten later")


def test_editing_pages_of_a_signed_off_assessment_say_why_and_change_nothing(
    client, olu, tess, libraries
):
    a = signed_off(olu, tess, start(olu, libraries))
    client.force_login(olu)
    response = client.post(
        reverse("impact-screening", args=[a.uuid]),
        {"full_assessment_needed": "no", "reason": "Changed my mind"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("impact-detail", args=[a.uuid])
    assert "It has been signed off, so it can no longer be changed" in response.text
    assert fresh(a).screening.reason == "A universal service."
    assert "Start a revision" in response.text


def test_a_revision_copies_everything_and_shows_what_changed(olu, tess, libraries):
    v1 = signed_off(olu, tess, start(olu, libraries))
    v2 = actions.revise_assessment(by=olu, assessment=v1)
    assert (v2.version, v2.previous_id, v2.status, v2.bank_id) == (2, v1.pk, "draft", v1.bank_id)
    assert v2.equality_impacts.count() == 25
    assert v2.principle_answers.count() == v1.principle_answers.count() == 12
    assert v2.evidence.count() == 2 and v2.action_items.count() == 1
    # The decision being revisited needs its own dates.
    assert compare(v1, v2) == [
        Change("Details", "Decision date", f"{days(30).day} {days(30):%B %Y}", ""),
        Change("Details", "Review date", f"{days(395).day} {days(395):%B %Y}", ""),
    ]
    actions.record_equality(
        by=olu,
        assessment=v2,
        characteristic="age",
        cells={
            "a": {"impact": "neutral", "evidence": "No difference in usage data."},
            "b": {"impact": "neutral", "evidence": "Six months of data: no fall."},
            "c": {"impact": "neutral", "evidence": "No difference in usage data."},
        },
    )
    changes = compare(v1, v2)
    assert (
        Change(
            "Equality impacts",
            "Age, aim (b)",
            "Negative. Evidence: Over-75s use kiosks least. Mitigation: Assisted hours.",
            "Neutral. Evidence: Six months of data: no fall.",
        )
        in changes
    )
    event = AuditEvent.objects.get(action=AuditAction.IMPACT_REVISED)
    assert event.detail["previous"] == v1.reference and event.detail["version"] == 2


def test_only_the_newest_version_can_be_revised(olu, tess, libraries):
    v1 = signed_off(olu, tess, start(olu, libraries))
    actions.revise_assessment(by=olu, assessment=v1)
    with pytest.raises(ImpactError, match="A newer version already exists"):
        actions.revise_assessment(by=olu, assessment=v1)
    with pytest.raises(ImpactError, match="Only a signed-off assessment can be revised"):
        actions.revise_assessment(by=olu, assessment=start(olu, libraries))


def test_publishing_needs_a_summary_and_a_sign_off(olu, tess, libraries, client):
    draft = start(olu, libraries)
    with pytest.raises(ImpactError, match="Only a signed-off assessment can be published"):
        actions.publish_assessment(by=olu, assessment=draft, public_summary="Too soon")
    a = signed_off(olu, tess, start(olu, libraries))
    client.force_login(olu)
    response = client.post(reverse("impact-publish", args=[a.uuid]), {"public_summary": " "})
    assert "Write a summary for the public" in response.text
    assert fresh(a).status == "signed_off"


def test_completing_an_action_after_sign_off_is_recorded(client, olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries))
    item = a.action_items.get()
    client.force_login(olu)
    url = reverse("impact-action-done", args=[a.uuid, item.uuid])
    bad = client.post(url, {"completed_on": "yesterday"})
    assert "Enter the date as year-month-day" in bad.text
    client.post(url, {"completed_on": days(0).isoformat()})
    item.refresh_from_db()
    assert (item.completed_on, item.completed_by) == (days(0), olu)
    assert AuditEvent.objects.filter(detail__completed=item.description).exists()
