"""Who may see and run consultations.

Staff pages need CONSULTATION_VIEW for the consultation's council (reading,
including responses) or CONSULTATION_MANAGE there (changing anything). A
consultation in another council is the same 404 as a missing one. The public
see every consultation that is not a draft, through `public_consultations`.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.consultations.models import Consultation, Response, Status, Theme
from cohesion.lib.ids import uuid_or_404
from cohesion.training.access import councils_of, partnership_of


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.exclude(status=Status.DRAFT).select_related("council")


def get_public_consultation(key: str | uuid.UUID) -> Consultation:
    found = public_consultations().filter(uuid=uuid_or_404(key)).first()
    if found is None:
        raise Http404
    return found


def councils_for(user: User, permission: Permission) -> QuerySet[Area]:
    """The councils in which the person holds `permission`."""
    if not has_permission(user, permission):
        return Area.objects.none()
    if user.is_superuser:
        return Area.objects.filter(level=AreaLevel.LAD)
    ids = [c.pk for c in councils_of(user) if has_permission(user, permission, area=c)]
    return Area.objects.filter(pk__in=ids)


def can_view_any(user: User) -> bool:
    return councils_for(user, Permission.CONSULTATION_VIEW).exists()


def can_manage_any(user: User) -> bool:
    return councils_for(user, Permission.CONSULTATION_MANAGE).exists()


def consultations_visible_to(user: User) -> QuerySet[Consultation]:
    councils = councils_for(user, Permission.CONSULTATION_VIEW)
    return Consultation.objects.filter(council__in=councils).select_related(
        "council", "organisation"
    )


def owner_organisations_for(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.all()
    return partnership_of(user)


def can_manage(user: User, consultation: Consultation) -> bool:
    return has_permission(user, Permission.CONSULTATION_MANAGE, area=consultation.council)


def get_consultation_for_user(user: User, key: str | uuid.UUID) -> Consultation:
    found = consultations_visible_to(user).filter(uuid=uuid_or_404(key)).first()
    if found is None:
        raise Http404
    return found


def get_consultation_for_manager(user: User, key: str | uuid.UUID) -> Consultation:
    consultation = get_consultation_for_user(user, key)
    if not can_manage(user, consultation):
        raise Http404
    return consultation


def get_response_for_user(user: User, consultation: Consultation, key: str | uuid.UUID) -> Response:
    found = (
        Response.objects.filter(consultation=consultation, uuid=uuid_or_404(key))
        .select_related("entered_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_theme_for_manager(user: User, consultation: Consultation, key: str | uuid.UUID) -> Theme:
    if not can_manage(user, consultation):
        raise Http404
    found = Theme.objects.filter(consultation=consultation, uuid=uuid_or_404(key)).first()
    if found is None:
        raise Http404
    return found
