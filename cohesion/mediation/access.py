"""Who may see and manage mediation cases: own organisation, area in scope."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.lib.ids import uuid_or_404
from cohesion.mediation.models import MediationCase


def cases_visible_to(user: User) -> QuerySet[MediationCase]:
    if user.is_superuser:
        return MediationCase.objects.all()
    if not has_permission(user, Permission.MEDIATION_VIEW):
        return MediationCase.objects.none()
    if user.organisation_id is None:
        return MediationCase.objects.none()
    return MediationCase.objects.filter(
        organisation_id=user.organisation_id, area_id__in=areas_in_scope(user).values("id")
    )


def get_case_for_user(user: User, case_uuid: str | uuid.UUID) -> MediationCase:
    key = uuid_or_404(case_uuid)
    case = (
        cases_visible_to(user)
        .select_related("organisation", "area", "mediator")
        .filter(uuid=key)
        .first()
    )
    if case is None:
        raise Http404
    return case


def can_manage_case(user: User, case: MediationCase) -> bool:
    return user.is_superuser or (
        has_permission(user, Permission.MEDIATION_MANAGE)
        and cases_visible_to(user).filter(pk=case.pk).exists()
    )
