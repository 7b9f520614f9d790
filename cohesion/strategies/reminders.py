"""Reminders to action leads before a review point, about actions not updated.

A review point snapshots every action, so it is only as good as the updates
behind it. `strategy.reminder_days_before` days before the next review (the
cadence in `reviews.py`), each lead with an account and an email address is
sent one email listing the live actions they lead that have had no update in
this review period. Each lead is mailed once per review: a `ReminderSent` row
is written in the same transaction as the send, so a failed send is retried
the next day and a sent one never repeats. Runs daily from housekeeping.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies.choices import Status
from cohesion.strategies.models import Action, ActionUpdate, ReminderSent, Strategy
from cohesion.strategies.reviews import add_months, last_taken_review, next_review_date

logger = logging.getLogger(__name__)

# Finished, deferred or cancelled work has nothing to report until it restarts.
LIVE = (Status.NOT_STARTED, Status.IN_PROGRESS)


@dataclass
class ReminderRun:
    """What one run did: emails sent, and the actions they listed."""

    emails: int = 0
    actions: int = 0
    strategies: list[str] = field(default_factory=list)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_start(strategy: Strategy, review_on: dt.date) -> dt.date:
    """Where this review period began: the last review taken, else one interval back."""
    previous = last_taken_review(strategy, before=review_on)
    if previous is not None:
        return previous.review_on
    return add_months(review_on, -strategy.review_interval_months)


def actions_needing_update(strategy: Strategy, review_on: dt.date) -> QuerySet[Action]:
    """Live actions of `strategy` with no update since the review period began."""
    since = timezone.make_aware(dt.datetime.combine(period_start(strategy, review_on), dt.time()))
    updated = ActionUpdate.objects.filter(action=OuterRef("pk"), made_at__gte=since)
    return (
        Action.objects.filter(strategy=strategy, status__in=LIVE)
        .exclude(Exists(updated))
        .order_by("reference", "pk")
    )


def reminder_text(
    lead: User, strategy: Strategy, review_on: dt.date, since: dt.date, actions: list[Action]
) -> tuple[str, str]:
    """The email's subject and body (plain text, so it reads the same in any client)."""
    count = f"{len(actions)} action{'s' if len(actions) != 1 else ''}"
    subject = f"Update {count} before the review on {_long_date(review_on)}: {strategy.title}"
    lines = [
        f"Dear {lead.first_name or lead.display_name},",
        "",
        (
            f"The next review of {strategy.title} is on {_long_date(review_on)}. "
            f"These actions you lead have not been updated since {_long_date(since)}:"
        ),
        "",
    ]
    for action in actions:
        due = f", due {_long_date(action.due_on)}" if action.due_on else ""
        rag = f", {action.get_rag_display()}" if action.rag else ""
        reference = f"{action.reference} " if action.reference else ""
        lines.append(f"- {reference}{action.title} ({action.get_status_display()}{rag}{due})")
    lines += [
        "",
        (
            "Please sign in to Cohesion and update each one: its status, RAG rating, progress "
            "and commentary. If nothing has changed, saving it as it is records that you checked."
        ),
        "",
        (
            f"This is an automatic reminder from {settings.SERVICE_NAME} "
            f"({settings.SERVICE_OWNER}). You get one for each review."
        ),
    ]
    return subject, "\n".join(lines)


def _remind(strategy: Strategy, review_on: dt.date, now: dt.datetime, run: ReminderRun) -> None:
    since = period_start(strategy, review_on)
    reminded = ReminderSent.objects.filter(
        strategy=strategy, review_on=review_on, lead=OuterRef("lead")
    )
    stale = (
        actions_needing_update(strategy, review_on)
        .filter(lead__isnull=False, lead__is_active=True)
        .exclude(lead__email="")
        .exclude(Exists(reminded))
        .select_related("lead")
    )
    by_lead: dict[User, list[Action]] = defaultdict(list)
    for action in stale:
        if action.lead is not None:  # always, given the filter; narrows the type
            by_lead[action.lead].append(action)
    sent: list[tuple[str, int]] = []
    for lead, actions in sorted(by_lead.items(), key=lambda item: item[0].username):
        subject, body = reminder_text(lead, strategy, review_on, since, actions)
        try:
            # The record and the send succeed or fail together: a failed send is retried.
            with transaction.atomic():
                ReminderSent.objects.create(
                    strategy=strategy,
                    review_on=review_on,
                    lead=lead,
                    sent_at=now,
                    actions=len(actions),
                )
                send_mail(subject, body, None, [lead.email])
        except IntegrityError:
            continue  # another run got there first
        except Exception:
            logger.exception("Reminder to %s for %s not sent", lead.username, strategy.slug)
            continue
        sent.append((lead.username, len(actions)))
    if sent:
        record(
            action=AuditAction.REMINDERS_SENT,
            by=None,
            target=strategy,
            detail={
                "strategy": strategy.slug,
                "review_on": review_on.isoformat(),
                "leads": [username for username, _ in sent],
                "actions": sum(n for _, n in sent),
            },
        )
        run.emails += len(sent)
        run.actions += sum(n for _, n in sent)
        run.strategies.append(strategy.slug)


def send_due_reminders(today: dt.date | None = None) -> ReminderRun:
    """Email leads of every strategy whose next review is within its reminder window."""
    today = today or timezone.localdate()
    now = timezone.now()
    run = ReminderRun()
    candidates = Strategy.objects.filter(
        Exists(Action.objects.filter(strategy=OuterRef("pk"), lead__isnull=False, status__in=LIVE))
    ).order_by("slug")
    for strategy in candidates:
        review_on = next_review_date(strategy, today)
        if review_on is None or (review_on - today).days > strategy.reminder_days_before:
            continue
        _remind(strategy, review_on, now, run)
    return run
