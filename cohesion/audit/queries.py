"""Reads of the audit trail, limited to what the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cohesion.audit.models import AuditEvent

if TYPE_CHECKING:
    from cohesion.accounts.models import User


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Operators see everything; an organisation's administrator sees what its people did
    and what was done to its records (by target organisation recorded in `detail`)."""
    events = AuditEvent.objects.all()
    if user.is_superuser:
        return events
    if user.organisation is None:
        return events.none()
    org_id = str(user.organisation.uuid)
    return events.filter(Q(actor_organisation_id=org_id) | Q(detail__target_organisation=org_id))


def search(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Apply the audit page's filters (all optional)."""
    if text := (filters.get("q") or "").strip():
        events = events.filter(
            Q(actor_username__icontains=text)
            | Q(target_label__icontains=text)
            | Q(target_id__iexact=text)
        )
    if action := filters.get("action"):
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if start := filters.get("date_from"):
        events = events.filter(occurred_at__gte=dt.datetime.combine(start, dt.time.min, zone))
    if end := filters.get("date_to"):
        events = events.filter(
            occurred_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
        )
    return events
