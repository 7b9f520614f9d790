"""Consultations: the workflow and its refusals, notifications sent exactly once,
encrypted contact details deleted by retention, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.consultations import actions
from cohesion.consultations.models import (
    Answer,
    Consultation,
    FeedbackNotification,
    QuestionKind,
    Response,
    ResponseContact,
    Status,
    SubmissionLog,
)
from cohesion.consultations.notify import send_feedback
from cohesion.privacy.models import RecordKind, RetentionAction, RetentionRule
from cohesion.privacy.retention import apply_retention, preview
from tests.integration.consultation_records import answer, make_consultation, questions

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def consultation(derby, derby_council, olu):
    return make_consultation(derby, derby_council, olu)


def _respond(consultation, email="", name="", **kw):
    return actions.record_response(
        by=None,
        consultation=consultation,
        channel="online",
        answers=answer(consultation, **kw),
        wants_feedback=bool(email),
        contact_name=name,
        contact_email=email,
    )


def _answered(consultation, olu, title="Youth", outcome="changed"):
    theme = actions.save_theme(by=olu, consultation=consultation, title=title)
    actions.save_answer(
        by=olu, theme=theme, we_did=f"We did something about {title}.", outcome=outcome
    )
    return theme


def test_the_whole_workflow_from_draft_to_answered(derby, derby_council, olu):
    consultation = make_consultation(derby, derby_council, olu, open_it=False)
    assert consultation.status == Status.DRAFT
    with pytest.raises(actions.ConsultationError):
        actions.close_consultation(by=olu, consultation=consultation)
    actions.open_consultation(by=olu, consultation=consultation)
    response = _respond(consultation, multiple=["Youth", "Centres"], rating=4, text="More clubs")
    assert Answer.objects.filter(response=response).count() == 4
    assert response.entered_by is None and response.reference.startswith("CR-")
    with pytest.raises(actions.ConsultationError):
        actions.publish_answers(by=olu, consultation=consultation)  # still open
    actions.close_consultation(by=olu, consultation=Consultation.objects.get(pk=consultation.pk))
    with pytest.raises(actions.ConsultationError):
        _respond(consultation)  # closed: no more online responses
    paper = actions.record_response(
        by=olu,
        consultation=consultation,
        channel="paper",
        answers=answer(consultation, single="Not well"),
    )
    assert paper.entered_by == olu  # late post is still entered by staff
    theme = _answered(consultation, olu)
    actions.tag_response(by=olu, response=response, themes=[theme])
    publication = actions.publish_answers(by=olu, consultation=consultation, notify=False)

    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED
    assert consultation.answers_published_at == publication.published_at
    assert publication.themes_answered == 1
    with pytest.raises(actions.ConsultationError, match="no new answers"):
        actions.publish_answers(by=olu, consultation=consultation)
    kinds = list(
        AuditEvent.objects.filter(target_id=str(consultation.uuid)).values_list("action", flat=True)
    )
    assert AuditAction.CONSULTATION_CHANGED in kinds
    assert AuditAction.CONSULTATION_THEMES_CHANGED in kinds
    assert AuditAction.CONSULTATION_ANSWERS_PUBLISHED in kinds
    assert AuditEvent.objects.filter(action=AuditAction.CONSULTATION_RESPONSE_RECORDED).count() == 2


def test_a_consultation_needs_a_question_and_a_future_closing_date_to_open(derby, derby_council):
    today = timezone.localdate()
    empty = actions.save_consultation(
        by=None,
        council=derby,
        organisation=derby_council,
        title="Empty",
        subject="s",
        audience="a",
        opens_on=today,
        closes_on=today,
    )
    with pytest.raises(actions.ConsultationError, match="at least one question"):
        actions.open_consultation(by=None, consultation=empty)
    with pytest.raises(ValidationError):
        actions.save_consultation(
            by=None,
            council=derby,
            organisation=derby_council,
            title="Backwards",
            subject="s",
            audience="a",
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
        )


def test_the_database_refuses_dates_out_of_order_and_ratings_outside_1_to_5(consultation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(
            closes_on=consultation.opens_on - dt.timedelta(days=1)
        )
    response = _respond(consultation)
    rating = questions(consultation)[QuestionKind.RATING]
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=rating, rating=6)


def test_questions_are_fixed_once_responses_arrive(consultation, olu):
    _respond(consultation)
    with pytest.raises(actions.ConsultationError):
        actions.save_question(by=olu, consultation=consultation, kind="free_text", text="New?")
    with pytest.raises(actions.ConsultationError):
        actions.delete_question(by=olu, question=consultation.questions.first())


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"single": "Not an option"}, "single"),
        ({"multiple": ["Youth", "Nope"]}, "multiple"),
        ({"rating": 7}, "rating"),
        ({"text": "x" * 5001}, "text"),
    ],
)
def test_bad_answers_are_refused_by_the_action(consultation, kw, field):
    with pytest.raises(ValidationError):
        _respond(consultation, **kw)
    assert not Response.objects.exists()


def test_a_required_question_must_be_answered(consultation):
    q = questions(consultation)
    with pytest.raises(ValidationError) as error:
        actions.record_response(
            by=None,
            consultation=consultation,
            channel="online",
            answers={q[QuestionKind.FREE_TEXT].pk: "Only this"},
        )
    assert q[QuestionKind.SINGLE_CHOICE].field_name in error.value.message_dict


def test_contact_details_are_kept_only_when_asked_and_encrypted_at_rest(consultation):
    told = _respond(consultation, email="amira@example.org", name="Amira")
    not_told = actions.record_response(
        by=None,
        consultation=consultation,
        channel="online",
        answers=answer(consultation),
        wants_feedback=False,
        contact_email="ignored@example.org",
    )
    assert told.contact.email == "amira@example.org"
    assert not ResponseContact.objects.filter(response=not_told).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name FROM consultations_responsecontact")
        raw = cursor.fetchall()
    assert "amira" not in str(raw).lower()


@override_settings(TASKS=IMMEDIATE)
def test_contributors_who_asked_are_emailed_once_per_publication(
    consultation, olu, mailoutbox, django_capture_on_commit_callbacks
):
    first = _respond(consultation, email="amira@example.org", name="Amira")
    _respond(consultation, email="AMIRA@example.org ")  # the same person again
    _respond(consultation, email="ben@example.org")
    _respond(consultation)  # did not ask
    actions.close_consultation(by=olu, consultation=consultation)
    _answered(consultation, olu, "Youth")

    with django_capture_on_commit_callbacks(execute=True):
        publication = actions.publish_answers(by=olu, consultation=consultation)

    assert sorted(m.to[0] for m in mailoutbox) == ["amira@example.org", "ben@example.org"]
    amira = next(m for m in mailoutbox if m.to[0] == "amira@example.org")
    assert amira.subject == "What we did after you answered: Community centres (test)"
    assert "Dear Amira," in amira.body
    assert "You said: Youth" in amira.body and "What changed: Changed" in amira.body
    assert FeedbackNotification.objects.filter(publication=publication).count() == 2

    # The task run again (a retry, a second worker) sends nothing more.
    mailoutbox.clear()
    assert send_feedback(publication.pk, first.pk) == 0
    assert mailoutbox == []

    # A later publication of a new answer tells them once more, about that answer.
    _answered(consultation, olu, "Reporting", outcome="partly")
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_answers(by=olu, consultation=consultation)
    assert len(mailoutbox) == 2
    assert all("You said: Reporting" in m.body for m in mailoutbox)
    assert all("You said: Youth" not in m.body for m in mailoutbox)


def test_the_database_refuses_a_second_notification_for_the_same_address(consultation, olu):
    response = _respond(consultation, email="amira@example.org")
    actions.close_consultation(by=olu, consultation=consultation)
    _answered(consultation, olu)
    publication = actions.publish_answers(by=olu, consultation=consultation, notify=False)
    FeedbackNotification.objects.create(
        publication=publication, response=response, email_hash="h", sent_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackNotification.objects.create(
            publication=publication, response=response, email_hash="h", sent_at=timezone.now()
        )


def _rule(kind: str, after_days: int, enabled: bool = True) -> RetentionRule:
    rule, _ = RetentionRule.objects.update_or_create(
        record_kind=kind,
        action=RetentionAction.DELETE,
        defaults={"after_days": after_days, "enabled": enabled},
    )
    return rule


def apply_consultation_retention(now: dt.datetime) -> dict[str, int]:
    """The retention schedule with the consultations' default rules (180 and 30 days)."""
    _rule(RecordKind.CONSULTATION_CONTACT_DETAILS, 180)
    _rule(RecordKind.CONSULTATION_SUBMISSION_LOG, 30)
    return apply_retention(now)


def test_retention_deletes_contact_details_after_the_last_publication(consultation, olu):
    response = _respond(consultation, email="amira@example.org")
    actions.close_consultation(by=olu, consultation=consultation)
    now = timezone.now()
    # Closed, not answered yet, closing date still to come: kept.
    assert (
        apply_consultation_retention(now + dt.timedelta(days=10))[
            "consultation_contact_details_deleted"
        ]
        == 0
    )
    _answered(consultation, olu)
    actions.publish_answers(by=olu, consultation=consultation, notify=False)
    # 179 days after publication: kept; 180 days after the (later) closing date: deleted.
    kept = apply_consultation_retention(now + dt.timedelta(days=179))
    assert kept["consultation_contact_details_deleted"] == 0
    gone = apply_consultation_retention(now + dt.timedelta(days=215))
    assert gone["consultation_contact_details_deleted"] == 1
    assert not ResponseContact.objects.exists()
    response.refresh_from_db()
    assert response.answers.exists()  # the response itself stays
    row = AuditEvent.objects.filter(action=AuditAction.RETENTION_DELETED).latest("id")
    assert row.detail["record_kind"] == "consultation_contact_details"
    assert row.detail["count"] == 1


def test_the_data_protection_officer_sets_the_contact_details_period(consultation, olu):
    _respond(consultation, email="amira@example.org")
    actions.close_consultation(by=olu, consultation=consultation)
    _answered(consultation, olu)
    actions.publish_answers(by=olu, consultation=consultation, notify=False)
    later = timezone.now() + dt.timedelta(days=65)  # the closing date is 30 days ahead
    # Switched off on the schedule: nothing goes, however late.
    _rule(RecordKind.CONSULTATION_CONTACT_DETAILS, 30, enabled=False)
    assert "consultation_contact_details_deleted" not in apply_retention(later)
    assert ResponseContact.objects.exists()
    # Shortened to 30 days: gone 35 days after the closing date.
    rule = _rule(RecordKind.CONSULTATION_CONTACT_DETAILS, 30)
    assert preview(rule, later) == 1
    assert apply_retention(later)["consultation_contact_details_deleted"] == 1
    assert not ResponseContact.objects.exists()


def test_retention_never_deletes_contacts_of_an_open_consultation(consultation):
    _respond(consultation, email="amira@example.org")
    counts = apply_consultation_retention(timezone.now() + dt.timedelta(days=2000))
    assert counts["consultation_contact_details_deleted"] == 0


@override_settings(PUBLIC_REPORT_RATE_LIMIT=2)
def test_online_responses_are_rate_limited_per_address(consultation):
    for _ in range(2):
        actions.submit_online_response(
            consultation=consultation, answers=answer(consultation), client_address="10.0.0.1"
        )
    with pytest.raises(actions.RateLimited):
        actions.submit_online_response(
            consultation=consultation, answers=answer(consultation), client_address="10.0.0.1"
        )
    actions.submit_online_response(
        consultation=consultation, answers=answer(consultation), client_address="10.0.0.2"
    )
    assert Response.objects.count() == 3
    assert "10.0.0.1" not in str(list(SubmissionLog.objects.values_list("client_hash", flat=True)))
    counts = apply_consultation_retention(timezone.now() + dt.timedelta(days=31))
    assert counts["consultation_submission_log_deleted"] == 3


def test_merging_themes_moves_responses_and_keeps_one_answer(consultation, olu):
    one, two = _respond(consultation), _respond(consultation)
    actions.close_consultation(by=olu, consultation=consultation)
    keep = actions.save_theme(by=olu, consultation=consultation, title="Youth clubs")
    other = _answered(consultation, olu, "Young people")
    actions.tag_response(by=olu, response=one, themes=[keep])
    actions.tag_response(by=olu, response=two, themes=[other])
    actions.merge_themes(by=olu, keep=keep, merge=[other])
    keep.refresh_from_db()
    assert set(keep.responses.all()) == {one, two}
    assert keep.answer.we_did == "We did something about Young people."
    assert "Young people" in keep.summary
    with pytest.raises(ValidationError):
        actions.save_theme(by=olu, consultation=consultation, title="youth CLUBS")


def test_daily_housekeeping_applies_consultation_retention(consultation, olu):
    """The retention above runs every day with the rest of the schedule."""
    from unittest import mock

    from cohesion.core.tasks import housekeeping

    _respond(consultation, email="amira@example.org")
    actions.close_consultation(by=olu, consultation=consultation)
    _answered(consultation, olu)
    actions.publish_answers(by=olu, consultation=consultation, notify=False)
    _rule(RecordKind.CONSULTATION_CONTACT_DETAILS, 180)
    later = timezone.now() + dt.timedelta(days=215)
    with mock.patch("cohesion.core.tasks.timezone.now", return_value=later):
        counts = housekeeping.call()
    assert counts["consultation_contact_details_deleted"] == 1
    assert not ResponseContact.objects.exists()
