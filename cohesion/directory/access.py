"""Who may change and review directory entries.

- Anyone (signed in or not) reads published services on the public pages.
- DIRECTORY_EDIT: a person keeps the entries of their own organisation (the
  directory organisation's `maintainer`). Council, police and other partners'
  changes are published at once; community and faith groups' changes wait for
  review.
- DIRECTORY_REVIEW (cohesion officers): approve or reject pending changes, and
  edit directly, for entries kept by organisations working in the officer's
  areas or with a location in a ward they cover.

Anything outside a person's scope is the same 404 as a missing record.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import Organisation, OrganisationType, User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.directory.models import Organization, Service, ServiceAtLocation
from cohesion.lib.ids import uuid_or_404

# Organisation types whose changes go to review before publication.
COMMUNITY_TYPES = frozenset({OrganisationType.VOLUNTARY_COMMUNITY, OrganisationType.FAITH})


def published_services() -> QuerySet[Service]:
    """What the public pages and the public API may show."""
    return Service.objects.published()


def needs_review(user: User) -> bool:
    """Whether `user`'s changes wait for an officer (community and faith groups)."""
    if user.is_superuser:
        return False
    organisation = user.organisation
    return organisation is None or organisation.type in COMMUNITY_TYPES


def can_edit_directory(user: User | AnonymousUser) -> bool:
    return has_permission(user, Permission.DIRECTORY_EDIT)


def can_review_directory(user: User | AnonymousUser) -> bool:
    return has_permission(user, Permission.DIRECTORY_REVIEW)


def _review_scope_q(user: User) -> Q:
    areas = areas_in_scope(user).values("id")
    kept_in_scope = Organisation.objects.filter(areas__in=areas).values("id")
    located_in_scope = ServiceAtLocation.objects.filter(location__ward__in=areas).values(
        "service_id"
    )
    return Q(organization__maintainer__in=kept_in_scope) | Q(id__in=located_in_scope)


def services_for_reviewer(user: User) -> QuerySet[Service]:
    if user.is_superuser:
        return Service.objects.all()
    if not can_review_directory(user):
        return Service.objects.none()
    return Service.objects.filter(
        _review_scope_q(user) | Q(organization__maintainer_id=user.organisation_id)
    )


def services_for_editor(user: User) -> QuerySet[Service]:
    """Every service `user` may change: their organisation's, and a reviewer's whole scope."""
    if user.is_superuser:
        return Service.objects.all()
    if not can_edit_directory(user) or user.organisation_id is None:
        return Service.objects.none()
    if can_review_directory(user):
        return services_for_reviewer(user)
    return Service.objects.filter(organization__maintainer_id=user.organisation_id)


def organizations_for_editor(user: User) -> QuerySet[Organization]:
    """Directory organisations `user` may add services to."""
    if user.is_superuser:
        return Organization.objects.all()
    if not can_edit_directory(user) or user.organisation_id is None:
        return Organization.objects.none()
    own = Q(maintainer_id=user.organisation_id)
    if can_review_directory(user):
        areas = areas_in_scope(user).values("id")
        own |= Q(maintainer__in=Organisation.objects.filter(areas__in=areas).values("id"))
    return Organization.objects.filter(own)


def get_service_for_editor(user: User, service_id: str | uuid.UUID) -> Service:
    service = (
        services_for_editor(user)
        .select_related("organization", "organization__maintainer")
        .filter(id=uuid_or_404(service_id))
        .first()
    )
    if service is None:
        raise Http404
    return service


def get_service_for_reviewer(user: User, service_id: str | uuid.UUID) -> Service:
    service = (
        services_for_reviewer(user)
        .select_related("organization", "organization__maintainer")
        .filter(id=uuid_or_404(service_id))
        .first()
    )
    if service is None:
        raise Http404
    return service


def can_mark_reviewed(user: User, service: Service) -> bool:
    """Confirm an entry is still right: people who publish directly, and reviewers."""
    if can_review_directory(user) and services_for_reviewer(user).filter(id=service.id).exists():
        return True
    return (
        can_edit_directory(user)
        and not needs_review(user)
        and service.organization.maintainer_id == user.organisation_id
    )


def get_published_service(service_id: str | uuid.UUID) -> Service:
    service = (
        published_services()
        .select_related("organization")
        .filter(id=uuid_or_404(service_id))
        .first()
    )
    if service is None:
        raise Http404
    return service
