"""What a data protection officer may find: the records their organisation holds.

A DPO acts for their organisation as data controller, so they search, correct
and erase the incidents and mediation cases that organisation holds, whatever
ward they are in, and nothing another organisation holds (a 404, as elsewhere).
Records merely shared with the organisation by a partner are the partner's to
answer for.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from cohesion.accounts.models import OrganisationType, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.incidents.models import Incident
from cohesion.lib.ids import uuid_or_404
from cohesion.mediation.models import MediationCase


def is_dpo(user: User) -> bool:
    return has_permission(user, Permission.DATA_PROTECTION)


def can_set_retention(user: User) -> bool:
    """The schedule is one for the whole platform, so the council's officer sets it.

    A partner's data protection officer sees the schedule (their records follow it)
    but changing it is for the lead organisation of the partnership, the council.
    """
    if user.is_superuser:
        return True
    organisation = user.organisation
    return (
        is_dpo(user) and organisation is not None and organisation.type == OrganisationType.COUNCIL
    )


def incidents_held_for(user: User) -> QuerySet[Incident]:
    if user.is_superuser:
        return Incident.objects.all()
    if not is_dpo(user) or user.organisation_id is None:
        return Incident.objects.none()
    return Incident.objects.filter(organisation_id=user.organisation_id)


def cases_held_for(user: User) -> QuerySet[MediationCase]:
    if user.is_superuser:
        return MediationCase.objects.all()
    if not is_dpo(user) or user.organisation_id is None:
        return MediationCase.objects.none()
    return MediationCase.objects.filter(organisation_id=user.organisation_id)


def get_held_incident(user: User, incident_uuid: str | uuid.UUID) -> Incident:
    incident = (
        incidents_held_for(user)
        .select_related("organisation", "council", "ward", "lsoa", "recorded_by")
        .filter(uuid=uuid_or_404(incident_uuid))
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def get_held_case(user: User, case_uuid: str | uuid.UUID) -> MediationCase:
    case = (
        cases_held_for(user)
        .select_related("organisation", "area", "mediator")
        .filter(uuid=uuid_or_404(case_uuid))
        .first()
    )
    if case is None:
        raise Http404
    return case
