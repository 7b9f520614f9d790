"""Who may see and change which incidents: the one access helper for incidents.

An incident is visible to a person who has the right to view incidents, who
covers its ward (or, for an incident placed only in a council area, the whole
council), and whose organisation holds it, or to whom a second person has
released it (audience "partnership" or wider). Anything else is a 404, the
same as a reference that does not exist.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.core.release import Audience
from cohesion.incidents.models import Incident, IncidentQuerySet
from cohesion.lib.ids import uuid_or_404


def incidents_visible_to(user: User) -> IncidentQuerySet:
    if user.is_superuser:
        return Incident.objects.all()
    if not has_permission(user, Permission.INCIDENT_VIEW):
        return Incident.objects.none()
    scope = areas_in_scope(user).values("id")
    in_area = Q(ward_id__in=scope) | Q(ward__isnull=True, council_id__in=scope)
    holder = Q(organisation_id=user.organisation_id) | Q(
        audience__in=[Audience.PARTNERSHIP, Audience.PUBLIC]
    )
    return Incident.objects.filter(in_area & holder)


def get_incident_for_user(user: User, incident_uuid: str | uuid.UUID) -> Incident:
    key = uuid_or_404(incident_uuid)
    incident = (
        incidents_visible_to(user)
        .select_related("organisation", "council", "ward", "lsoa", "recorded_by", "verified_by")
        .filter(uuid=key)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def can_edit_incident(user: User, incident: Incident) -> bool:
    """Partners edit only their own organisation's records, in their own areas."""
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.INCIDENT_RECORD)
        and incident.organisation_id == user.organisation_id
        and incidents_visible_to(user).filter(pk=incident.pk).exists()
    )


def can_verify_incident(user: User, incident: Incident) -> bool:
    """Verification is a second person's check: never the person who recorded it."""
    return (
        can_edit_incident(user, incident)
        and has_permission(user, Permission.INCIDENT_VERIFY)
        and incident.recorded_by_id != user.pk
    )
