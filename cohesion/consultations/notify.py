"""Tell contributors what happened: one email per publication per address, never twice.

Who: respondents to the consultation who ticked "tell me what happened" and
whose contact details are still held (retention deletes them later). Two
responses from the same address get one email. Sending is a background task
(`tasks.send_feedback_email`) enqueued after the publication commits; the task
records a `FeedbackNotification` (unique per publication and keyed hash of the
address) in the same transaction as the send, so a retried or repeated task
never sends a second email, and a failed send leaves no record and is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cohesion.consultations.models import (
    AnswerPublication,
    FeedbackNotification,
    Response,
    ResponseContact,
    ThemeAnswer,
)

logger = logging.getLogger(__name__)


def email_hash(email: str) -> str:
    key = f"{settings.SECRET_KEY}:consultation-feedback".encode()
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


def contributors(publication: AnswerPublication) -> list[int]:
    """Response ids to write to: the first response per address that asked to be told."""
    contacts = ResponseContact.objects.filter(
        response__consultation_id=publication.consultation_id, response__wants_feedback=True
    ).order_by("response__received_at", "response_id")
    seen: set[str] = set()
    chosen: list[int] = []
    for contact in contacts:
        hashed = email_hash(contact.email)
        if hashed not in seen:
            seen.add(hashed)
            chosen.append(contact.response_id)
    return chosen


def enqueue_feedback(publication_id: int) -> int:
    """Enqueue one email per contributor's address; returns how many were enqueued."""
    from cohesion.consultations.tasks import send_feedback_email

    publication = AnswerPublication.objects.get(pk=publication_id)
    chosen = contributors(publication)
    for response_id in chosen:
        try:
            send_feedback_email.enqueue(publication_id, response_id)
        except Exception:
            logger.exception(
                "Consultation feedback email for response %s not enqueued", response_id
            )
    return len(chosen)


def _link(name: str, *args: object) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return str(getattr(settings, "SITE_URL", "")).rstrip("/") + path


def feedback_email(contact: ResponseContact, publication: AnswerPublication) -> tuple[str, str]:
    consultation = publication.consultation
    answers = (
        ThemeAnswer.objects.filter(
            theme__consultation=consultation, published_at=publication.published_at
        )
        .select_related("theme")
        .order_by("theme__title")
    )
    subject = f"What we did after you answered: {consultation.title}"
    greeting = f"Dear {contact.name}," if contact.name else "Hello,"
    lines = [
        greeting,
        "",
        (
            f"Thank you for answering our consultation “{consultation.title}”. You asked us to "
            "tell you what happened. We have published what we did about what people said:"
        ),
        "",
    ]
    for answer in answers:
        lines += [
            f"You said: {answer.theme.title}",
            f"What changed: {answer.get_outcome_display()}",
            f"We did: {answer.we_did}",
            "",
        ]
    link = _link("consultations-results", consultation.uuid)
    if link:
        lines += [f"Read all the results: {link}", ""]
    lines += [
        (
            "We keep your email address only to tell you about this consultation, and delete "
            "it under our retention schedule."
        ),
        "",
        f"{settings.SERVICE_NAME} ({consultation.organisation.name})",
    ]
    return subject, "\n".join(lines)


def send_feedback(publication_id: int, response_id: int) -> int:
    """The task's body: send one contributor their email unless already sent. 1 if sent."""
    with transaction.atomic():
        publication = (
            AnswerPublication.objects.select_for_update()
            .select_related("consultation__organisation")
            .filter(pk=publication_id)
            .first()
        )
        contact = ResponseContact.objects.filter(
            response_id=response_id, response__wants_feedback=True
        ).first()
        if publication is None or contact is None:
            return 0  # deleted since (retention, or the consultation itself)
        hashed = email_hash(contact.email)
        if FeedbackNotification.objects.filter(publication=publication, email_hash=hashed).exists():
            return 0
        FeedbackNotification.objects.create(
            publication=publication,
            response=Response.objects.get(pk=response_id),
            email_hash=hashed,
            sent_at=timezone.now(),
        )
        subject, body = feedback_email(contact, publication)
        send_mail(subject, body, None, [contact.email])
    return 1
