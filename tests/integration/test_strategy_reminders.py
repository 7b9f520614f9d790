"""Leads are emailed before a review point about their actions without an update, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.core.tasks import housekeeping
from cohesion.strategies import actions
from cohesion.strategies.models import ReminderSent
from cohesion.strategies.reminders import send_due_reminders
from cohesion.strategies.reviews import add_months
from cohesion.strategies.tasks import send_strategy_reminders
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The next six-monthly review is 10 days away: inside the default 14-day window.
NEXT_REVIEW = TODAY + dt.timedelta(days=10)
PERIOD_START = add_months(NEXT_REVIEW, -6)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def strategy(derby, derby_council):
    return actions.create_strategy(
        by=None,
        data={
            "slug": "charter",
            "title": "Derby Cohesion and Integration Charter",
            "owner": derby_council,
            "council": derby,
            "starts_on": PERIOD_START,
        },
    )


@pytest.fixture
def plan(strategy, derby_council):
    return actions.create_plan(
        by=None,
        strategy=strategy,
        organisation=derby_council,
        title="Action plan",
        starts_on=PERIOD_START,
        ends_on=add_months(PERIOD_START, 12),
    )


def _action(plan, reference, lead, *, made_at=None, **data):
    return actions.create_action(
        by=None,
        plan=plan,
        data={"reference": reference, "title": f"Action {reference}", "lead": lead, **data},
        made_at=made_at or _at(PERIOD_START - dt.timedelta(days=20)),
    )


@pytest.fixture
def cast(plan, olu, pat, derbyshire_police, derby_council):
    """Olu leads two stale live actions and a finished one; Pat updated hers this period."""
    no_email = make_user("nomail", derby_council, Role.COHESION_OFFICER)
    no_email.email = ""
    no_email.save()
    _action(plan, "1.1", olu, status="in_progress", rag="green", due_on=NEXT_REVIEW)
    _action(plan, "1.2", olu)
    _action(plan, "1.3", olu, status="complete", completed_on=PERIOD_START)
    _action(plan, "1.4", olu, status="cancelled")
    police = _action(plan, "2.1", pat, owner=derbyshire_police)
    actions.update_action(
        by=None,
        action=police,
        data={"status": "in_progress", "rag": "green"},
        made_at=_at(PERIOD_START + dt.timedelta(days=30)),
    )
    _action(plan, "3.1", no_email)
    _action(plan, "3.2", None, lead_name="Director of Neighbourhoods")
    return {"olu": olu, "pat": pat}


def test_a_lead_with_stale_actions_is_mailed_once_with_the_list(cast):
    run = send_due_reminders()

    assert (run.emails, run.actions) == (1, 2)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["olu@example.org"]
    review = f"{NEXT_REVIEW.day} {NEXT_REVIEW:%B %Y}"
    assert email.subject == (
        f"Update 2 actions before the review on {review}: Derby Cohesion and Integration Charter"
    )
    assert (
        f"The next review of Derby Cohesion and Integration Charter is on {review}. "
        f"These actions you lead have not been updated since "
        f"{PERIOD_START.day} {PERIOD_START:%B %Y}:"
    ) in email.body
    assert (
        f"- 1.1 Action 1.1 (In progress, Green – on track, due {review})\n"  # noqa: RUF001
        "- 1.2 Action 1.2 (Not started)\n"
    ) in email.body
    assert "1.3" not in email.body
    assert "1.4" not in email.body

    # The next day's run sends nothing more for the same review.
    assert send_due_reminders().emails == 0
    assert len(mail.outbox) == 1
    sent = ReminderSent.objects.get()
    assert (sent.lead, sent.review_on, sent.actions) == (cast["olu"], NEXT_REVIEW, 2)
    event = AuditEvent.objects.get(action=AuditAction.REMINDERS_SENT)
    assert event.detail["leads"] == ["olu"]
    assert event.detail["actions"] == 2
    assert event.detail["review_on"] == NEXT_REVIEW.isoformat()


def test_an_update_this_period_means_no_reminder(cast, plan):
    for action in plan.actions.filter(lead=cast["olu"], status__in=["in_progress", "not_started"]):
        actions.update_action(by=cast["olu"], action=action, data={})
    assert send_due_reminders().emails == 0
    assert mail.outbox == []


def test_no_reminder_before_the_window_opens(cast, strategy):
    strategy.reminder_days_before = 9  # the review is 10 days away
    strategy.save()
    assert send_due_reminders().emails == 0
    strategy.reminder_days_before = 10
    strategy.save()
    assert send_due_reminders().emails == 1


def test_the_next_review_reminds_again_about_the_new_period(cast, strategy):
    send_due_reminders()
    actions.take_review(by=None, strategy=strategy, review_on=NEXT_REVIEW)
    # Ten days before the following review, Olu's actions are still stale, and Pat's
    # update now belongs to the period before: both are reminded, once each.
    later = add_months(NEXT_REVIEW, 6) - dt.timedelta(days=10)
    run = send_due_reminders(today=later)
    assert (run.emails, run.actions) == (2, 3)
    assert [m.to for m in mail.outbox[1:]] == [["olu@example.org"], ["pat@example.org"]]
    assert f"not been updated since {NEXT_REVIEW.day} {NEXT_REVIEW:%B %Y}" in mail.outbox[1].body
    assert ReminderSent.objects.filter(lead=cast["olu"]).count() == 2
    assert send_due_reminders(today=later).emails == 0


def test_housekeeping_sends_them_and_counts_them(cast):
    result = housekeeping.call()
    assert result["strategy_reminders_sent"] == 1
    assert len(mail.outbox) == 1
    assert "strategy_reminders_sent" not in housekeeping.call()


def test_the_reminder_task_runs_alone(cast):
    assert send_strategy_reminders.call() == {"emails": 1, "actions": 2}
