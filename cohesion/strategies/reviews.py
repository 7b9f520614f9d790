"""Review points: when the next one is due, and each action's direction of travel.

Councils report to scrutiny every six months by default (some quarterly), so
the cadence is the strategy's `review_interval_months`. Direction of travel
compares an action with the snapshot taken at the last review point, as
council reports show an arrow against the previous period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from cohesion.strategies.choices import Direction
from cohesion.strategies.models import ReviewPoint, ReviewSnapshot, Strategy
from cohesion.strategies.rules import direction_of_travel

# Reviews scheduled this far ahead at most (a strategy without an end date).
_MAX_REVIEWS = 200


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day if it is shorter (31 Aug + 6)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_taken_review(strategy: Strategy, *, before: dt.date | None = None) -> ReviewPoint | None:
    """The latest review point taken (snapshots exist), optionally dated before `before`."""
    reviews = ReviewPoint.objects.filter(strategy=strategy, taken_at__isnull=False)
    if before is not None:
        reviews = reviews.filter(review_on__lt=before)
    return reviews.order_by("-review_on").first()


def direction_since_last_review(
    strategy: Strategy, *, at: ReviewPoint | None = None
) -> dict[int, Direction]:
    """Action id -> improved / same / worse / new since the previous review.

    Without `at`: each action as it is now against the latest review taken.
    With a taken `at`: each action as `at` froze it against the review taken
    before it, which is what a report for that review shows. With a review
    point not yet taken: the actions now, against the review taken before it.
    Actions with no earlier snapshot are new.
    """
    if at is not None:
        previous = last_taken_review(strategy, before=at.review_on)
    else:
        previous = last_taken_review(strategy)
    before: dict[int, tuple[str, str]] = {}
    if previous is not None:
        before = {
            action_id: (status, rag)
            for action_id, status, rag in ReviewSnapshot.objects.filter(
                review=previous
            ).values_list("action_id", "status", "rag")
        }
    now: Iterable[tuple[int, str, str]]
    if at is not None and at.is_taken:
        now = ReviewSnapshot.objects.filter(review=at).values_list("action_id", "status", "rag")
    else:
        now = strategy.actions.values_list("pk", "status", "rag")
    directions: dict[int, Direction] = {}
    for action_id, status, rag in now:
        before_status, before_rag = before.get(action_id, (None, ""))
        directions[action_id] = direction_of_travel(
            before_status=before_status, before_rag=before_rag, status=status, rag=rag
        )
    return directions


def due_review_dates(strategy: Strategy, today: dt.date) -> list[dt.date]:
    """Review dates not yet taken, up to and including the next one on or after `today`.

    The cadence runs every `review_interval_months` from the last review taken
    (or, before the first, from the strategy's start); review points already
    scheduled by hand for later dates count too. The last date in the list is
    the next review; any before it are overdue. Empty when the strategy has no
    start date and no review, or has ended with nothing left to review.
    """
    last = last_taken_review(strategy)
    anchor = last.review_on if last is not None else strategy.starts_on
    scheduled = ReviewPoint.objects.filter(strategy=strategy, taken_at__isnull=True)
    if anchor is not None:
        scheduled = scheduled.filter(review_on__gt=anchor)
    dates = set(scheduled.values_list("review_on", flat=True))
    if anchor is not None:
        for step in range(1, _MAX_REVIEWS + 1):
            day = add_months(anchor, step * strategy.review_interval_months)
            if strategy.ends_on is not None and day > strategy.ends_on:
                break
            dates.add(day)
            if day >= today:
                break
    due = sorted(dates)
    upcoming = [d for d in due if d >= today]
    return [d for d in due if d < today] + upcoming[:1]


def next_review_date(strategy: Strategy, today: dt.date) -> dt.date | None:
    """The next review on or after `today`, if any is scheduled."""
    dates = due_review_dates(strategy, today)
    return dates[-1] if dates and dates[-1] >= today else None
