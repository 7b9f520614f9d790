"""Reminders to owners before an assessment's review date (the duty is continuing: Brown 5).

Every day, each signed-off assessment that is the newest version of its series
and whose review date is within `REVIEW_SOON_DAYS` (or has passed) gets one
email to its owner, or, if the owner cannot be reached, to the members of its
department who may edit. A `ReviewReminder` row, written in the same
transaction as the send, makes it once per review date: a failed send is tried
again the next day, a sent one never repeats. Runs from housekeeping and as
its own task (`tasks.send_impact_reminders`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.impact import choices as c
from cohesion.impact.checks import long_date
from cohesion.impact.models import ImpactAssessment, ReviewReminder
from cohesion.impact.register import REVIEW_SOON_DAYS

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    emails: int = 0
    assessments: list[str] = field(default_factory=list)


def due_for_reminder(today: dt.date) -> QuerySet[ImpactAssessment]:
    """Newest signed-off versions with a review date soon or past, not yet reminded for it."""
    reminded = ReviewReminder.objects.filter(
        assessment=OuterRef("pk"), review_date=OuterRef("review_date")
    )
    # A draft revision in progress is newer, so its series is left alone: the review is under way.
    return (
        ImpactAssessment.objects.latest_versions()
        .filter(
            status__in=c.FINAL,
            review_date__isnull=False,
            review_date__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS),
        )
        .exclude(Exists(reminded))
        .select_related("owner", "department", "organisation")
        .order_by("review_date", "reference")
    )


def recipients(assessment: ImpactAssessment) -> list[User]:
    owner = assessment.owner
    if owner.is_active and owner.email:
        return [owner]
    return [
        user
        for user in assessment.department.members.filter(is_active=True).exclude(email="")
        if has_permission(user, Permission.IMPACT_EDIT)
    ]


def reminder_text(assessment: ImpactAssessment, today: dt.date) -> tuple[str, str]:
    review = assessment.review_date
    assert review is not None
    when = "was due" if review < today else "is due"
    subject = f"Impact assessment review {when} on {long_date(review)}: {assessment.subject}"
    body = "\n".join(
        [
            (
                f"The review of the impact assessment of {assessment.subject} "
                f"({assessment.reference}, version {assessment.version}, {assessment.department.name}) "
                f"{when} on {long_date(review)}."
            ),
            "",
            (
                "The equality duty is continuing: check whether the policy or service has had the "
                "effects the assessment expected, whether the actions are done, and whether anything "
                "has changed. To record the review, sign in to Cohesion, open the assessment and "
                "choose 'Start a revision'."
            ),
            "",
            (
                f"This is an automatic reminder from {settings.SERVICE_NAME} "
                f"({settings.SERVICE_OWNER}). You get one for each review date."
            ),
        ]
    )
    return subject, body


def send_review_reminders(today: dt.date | None = None) -> ReminderRun:
    today = today or timezone.localdate()
    now = timezone.now()
    run = ReminderRun()
    for assessment in due_for_reminder(today):
        review = assessment.review_date
        if review is None:  # excluded by the query; narrows the type
            continue
        people = recipients(assessment)
        if not people:
            logger.warning("No one to remind about %s", assessment.reference)
            continue
        subject, body = reminder_text(assessment, today)
        try:
            # The record and the send succeed or fail together, so a failed send is retried.
            with transaction.atomic():
                ReviewReminder.objects.create(
                    assessment=assessment,
                    review_date=review,
                    sent_at=now,
                    recipients=len(people),
                )
                send_mail(subject, body, None, [p.email for p in people])
                record(
                    action=AuditAction.IMPACT_REMINDERS_SENT,
                    by=None,
                    target=assessment,
                    detail={
                        "review_date": review.isoformat(),
                        "to": sorted(p.username for p in people),
                    },
                )
        except IntegrityError:
            continue  # another run got there first
        except Exception:
            logger.exception("Review reminder for %s not sent", assessment.reference)
            continue
        run.emails += len(people)
        run.assessments.append(assessment.reference)
    return run
