"""Who may read and change the projects register.

Reading (PROJECTS_VIEW): projects led by an organisation in the person's
partnership (organisations working in the councils they cover) or in an area
of those councils. Changing (PROJECTS_MANAGE): a partner officer only their own
organisation's projects; a cohesion officer every project they may read. A
project outside someone's reach is the same 404 as a missing one.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import Organisation, Role, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.lib.ids import uuid_or_404
from cohesion.projects.models import Project
from cohesion.training.access import councils_of, partnership_of


def projects_visible_to(user: User) -> QuerySet[Project]:
    if user.is_superuser:
        return Project.objects.all()
    if not has_permission(user, Permission.PROJECTS_VIEW):
        return Project.objects.none()
    councils = councils_of(user).values("id")
    return Project.objects.filter(
        Q(lead_organisation__in=partnership_of(user).values("id"))
        | Q(area__in=councils)
        | Q(area__council__in=councils)
    ).distinct()


def lead_organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations whose projects this person may add."""
    if not has_permission(user, Permission.PROJECTS_MANAGE):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    if user.role == Role.PARTNER_OFFICER:
        return Organisation.objects.filter(
            id__in=[user.organisation_id] if user.organisation_id else []
        )
    return partnership_of(user)


def can_manage_project(user: User, project: Project) -> bool:
    if not has_permission(user, Permission.PROJECTS_MANAGE):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.PARTNER_OFFICER:
        return project.lead_organisation_id == user.organisation_id
    return projects_visible_to(user).filter(pk=project.pk).exists()


def can_edit_vocabulary(user: User) -> bool:
    """The categories are shared: cohesion officers keep them, not partners."""
    return has_permission(user, Permission.PROJECTS_MANAGE) and (
        user.is_superuser or user.role != Role.PARTNER_OFFICER
    )


def get_project_for_user(user: User, key: str | uuid.UUID) -> Project:
    project = (
        projects_visible_to(user)
        .select_related(
            "activity_type", "delivery_method", "primary_beneficiaries", "area", "lead_organisation"
        )
        .filter(uuid=uuid_or_404(key))
        .first()
    )
    if project is None:
        raise Http404
    return project


def get_project_for_manager(user: User, key: str | uuid.UUID) -> Project:
    project = get_project_for_user(user, key)
    if not can_manage_project(user, project):
        raise Http404
    return project
