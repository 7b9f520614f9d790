"""Tell the officers who cover an area about its new alerts, by email through the tasks API.

Who: active people with an email address whose role grants EARLY_WARNING_VIEW
and whose scope (`areas_in_scope`) includes the alert's area or a ward of its
cluster — the same rule as `access.visible_alerts`, so nobody is mailed about
an alert they could not open. Superusers are not mailed: they see everything
and cover nothing in particular.

How: one email per person per run, listing their alerts, each as the sentence
the page shows. Alerts are aggregate counts, so the email carries no personal
data; it links to the alert pages. Sending is a background task
(`tasks.send_alert_email`), enqueued after the run commits, so a slow mail
relay never holds up the run and a failed send is retried by the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from cohesion.accounts.models import User
from cohesion.accounts.permissions import ROLE_PERMISSIONS, Permission, areas_in_scope
from cohesion.areas.models import Area
from cohesion.earlywarning.describe import alert_sentence, long_date
from cohesion.earlywarning.models import Alert

logger = logging.getLogger(__name__)


def _viewing_roles() -> list[str]:
    return [
        str(role)
        for role, permissions in ROLE_PERMISSIONS.items()
        if Permission.EARLY_WARNING_VIEW in permissions
    ]


def recipients(alerts: Iterable[Alert]) -> dict[User, list[Alert]]:
    """Each person to tell, with the alerts in their scope (ordered as given)."""
    alerts = list(alerts)
    if not alerts:
        return {}
    councils = {a.council_id for a in alerts}
    # Only people tied to these councils' areas can cover them (one query, not one per person).
    council_areas = Area.objects.filter(Q(pk__in=councils) | Q(council_id__in=councils))
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False, role__in=_viewing_roles())
        .exclude(email="")
        .filter(Q(areas__in=council_areas) | Q(organisation__areas__in=council_areas))
        .distinct()
        .order_by("username")
    )
    area_ids: dict[int, set[int]] = {}
    for alert in alerts:
        area_ids[alert.pk] = {alert.area_id, *alert.cluster_areas.values_list("id", flat=True)}
    wanted = set().union(*area_ids.values())
    found: dict[User, list[Alert]] = {}
    for person in candidates:
        covered = set(areas_in_scope(person).filter(id__in=wanted).values_list("id", flat=True))
        theirs = [a for a in alerts if area_ids[a.pk] & covered]
        if theirs:
            found[person] = theirs
    return found


def _link(name: str, *args: object) -> str:
    """The page's address: absolute when the site's address is configured, else its path."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:  # the pages are not mounted (e.g. an API-only deployment)
        return ""
    return str(getattr(settings, "SITE_URL", "")).rstrip("/") + path


def alert_email(person: User, alerts: list[Alert]) -> tuple[str, str]:
    """Subject and plain-text body of one person's email."""
    count = f"{len(alerts)} early-warning alert{'s' if len(alerts) != 1 else ''}"
    weeks = sorted({a.week for a in alerts})
    subject = f"{count} for the week of {long_date(weeks[-1])}"
    lines = [
        f"Dear {person.first_name or person.username},",
        "",
        "Incidents in areas you cover were unusually high for the time of year:",
        "",
    ]
    for alert in alerts:
        lines.append(f"- {alert_sentence(alert)}")
        link = _link("alert-detail", alert.pk)
        if link:
            lines.append(f"  Open it in Cohesion: {link}")
    lines += [
        "",
        (
            "An alert is a prompt to look, not a finding. Please sign in to Cohesion, check "
            "what is known, and acknowledge each alert with a reason or link it to a tension "
            "assessment."
        ),
        "",
        (
            f"This is an automatic email from {settings.SERVICE_NAME} "
            f"({settings.SERVICE_OWNER}) after each weekly early-warning run."
        ),
    ]
    return subject, "\n".join(lines)


def send_to(person_id: int, alert_ids: list[int]) -> int:
    """Send one person their email now (the task's body). Returns 1 if sent, else 0."""
    person = User.objects.filter(pk=person_id, is_active=True).exclude(email="").first()
    if person is None:
        return 0
    alerts = list(
        Alert.objects.filter(pk__in=alert_ids)
        .select_related("area", "strand")
        .prefetch_related("cluster_areas")
        .order_by("-week", "-observed", "pk")
    )
    # Scope may have changed since the run: send only what the person may still open.
    mine = recipients(alerts).get(person, [])
    if not mine:
        return 0
    subject, body = alert_email(person, mine)
    send_mail(subject, body, None, [person.email])
    return 1


def notify_alerts(alert_ids: list[int]) -> int:
    """Enqueue one email per person covering any of these alerts; returns how many."""
    from cohesion.earlywarning.tasks import send_alert_email

    alerts = list(Alert.objects.filter(pk__in=alert_ids).order_by("-week", "-observed", "pk"))
    by_person = recipients(alerts)
    for person, theirs in by_person.items():
        try:
            send_alert_email.enqueue(person.pk, [a.pk for a in theirs])
        except Exception:
            logger.exception("Early-warning email to %s not enqueued", person.username)
    return len(by_person)
