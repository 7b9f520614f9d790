"""What is waiting for the signed-in person: the dashboard's work queue.

Counts only, each through the access helper of its record type, so the
dashboard never counts what the person could not open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str


def work_for(user: User) -> list[WorkItem]:
    from cohesion.incidents.access import incidents_visible_to
    from cohesion.incidents.choices import Status
    from cohesion.tensions.access import assessments_visible_to, items_visible_to

    items: list[WorkItem] = []
    own = Q(organisation_id=user.organisation_id)
    if has_permission(user, Permission.INCIDENT_RECORD):
        new_reports = incidents_visible_to(user).filter(own, status=Status.RECEIVED).count()
        items.append(
            WorkItem(
                _("New incident reports to triage"),
                new_reports,
                reverse("incident-list") + "?status=received",
            )
        )
    if has_permission(user, Permission.TENSION_APPROVE):
        waiting = (
            assessments_visible_to(user)
            .filter(own, approved_by__isnull=True)
            .exclude(assessor=user)
            .count()
        )
        items.append(
            WorkItem(
                _("Tension assessments waiting for your approval"),
                waiting,
                reverse("assessment-list") + "?status=awaiting",
            )
        )
    if has_permission(user, Permission.RELEASE_APPROVE):
        asked = Q(own, ~Q(requested_audience="")) & ~Q(release_requested_by=user)
        sharing = (
            incidents_visible_to(user).filter(asked).count()
            + items_visible_to(user).filter(asked).count()
            + assessments_visible_to(user).filter(asked).count()
        )
        items.append(
            WorkItem(_("Requests to share records, waiting for a second person"), sharing, "")
        )
    if has_permission(user, Permission.ACTION_UPDATE):
        from cohesion.strategies.views import actions_awaiting_update

        items.append(
            WorkItem(
                _("Actions you lead without an update since the last review"),
                actions_awaiting_update(user).count(),
                reverse("strategy-list") + "#your-actions",
            )
        )
    if has_permission(user, Permission.EARLY_WARNING_ACKNOWLEDGE):
        from cohesion.earlywarning.access import open_alerts_waiting

        items.append(
            WorkItem(
                _("Early-warning alerts to acknowledge"),
                open_alerts_waiting(user).count(),
                reverse("alert-list") + "?status=open",
            )
        )
    return items
