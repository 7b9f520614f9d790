"""The one permission model, used by pages, the API and the command line alike.

A person has one role in one organisation. A role grants permissions; the
organisation and the areas the person covers limit *where* those permissions
apply (`has_permission(user, permission, area=...)`). Access helpers treat
anything outside that scope as if it did not exist (404).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from cohesion.accounts.models import Role
from cohesion.areas.models import Area, AreaLink, AreaLinkKind, AreaQuerySet

if TYPE_CHECKING:
    from cohesion.accounts.models import User


class Permission(StrEnum):
    ORGANISATION_VIEW_MEMBERS = "organisation_view_members"
    PERSON_VIEW = "person_view"
    AUDIT_VIEW = "audit_view"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMINISTRATOR: (
        "Sees the organisation's people and reads its audit trail: who did what, "
        "and who looked at the organisation's records."
    ),
    Role.COHESION_OFFICER: (
        "Owns the strategy and action plan, chairs tension monitoring, writes reports."
    ),
    Role.ANALYST: "Produces assessments, early warning and area profiles.",
    Role.PARTNER_OFFICER: "Logs intelligence and incidents, updates their organisation's actions.",
    Role.VIEWER: "Reads dashboards and reports (councillors, scrutiny members).",
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.ORGANISATION_VIEW_MEMBERS,
            Permission.PERSON_VIEW,
            Permission.AUDIT_VIEW,
        }
    ),
    Role.COHESION_OFFICER: frozenset(
        {Permission.ORGANISATION_VIEW_MEMBERS, Permission.PERSON_VIEW}
    ),
    Role.ANALYST: frozenset({Permission.ORGANISATION_VIEW_MEMBERS}),
    Role.PARTNER_OFFICER: frozenset({Permission.ORGANISATION_VIEW_MEMBERS}),
    Role.VIEWER: frozenset(),
}


def has_permission(
    user: User | AnonymousUser, permission: Permission, *, area: Area | None = None
) -> bool:
    """Whether `user`'s role grants `permission`, and (given `area`) whether they cover it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if permission not in ROLE_PERMISSIONS.get(Role(user.role), frozenset()):
        return False
    return area is None or covers_area(user, area)


def areas_in_scope(user: User) -> AreaQuerySet:
    """Every area the user covers: their own areas if set, else their organisation's.

    A covered council brings all its wards and small areas with it; a covered
    ward brings the LSOAs that fit best in it; an MSOA its LSOAs.
    """
    if user.is_superuser:
        return Area.objects.all()
    base = user.areas.all()
    if not base.exists() and user.organisation_id is not None:
        base = Area.objects.filter(organisations__id=user.organisation_id)
    ids = list(base.values_list("id", flat=True))
    best_fit_lsoas = AreaLink.objects.filter(
        kind=AreaLinkKind.LSOA21_TO_WARD, to_area_id__in=ids
    ).values("from_area_id")
    return Area.objects.filter(
        Q(id__in=ids) | Q(council_id__in=ids) | Q(parent_id__in=ids) | Q(id__in=best_fit_lsoas)
    )


def covers_area(user: User, area: Area) -> bool:
    """Whether `area` is inside the user's scope."""
    return areas_in_scope(user).filter(pk=area.pk).exists()
