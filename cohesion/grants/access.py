"""Who may see funds, applications and attachments.

- Staff with GRANTS_VIEW see the funds of the councils they cover.
- Staff with GRANTS_MANAGE see every application (except drafts, which stay
  with the group) to those funds; other staff (assessors) only the
  applications assigned to them.
- A grant applicant (GRANTS_APPLY) sees only their own organisation's
  applications.

Anything outside someone's reach is the same 404 as something missing.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.grants.models import Application, Attachment, Call, Fund, Status
from cohesion.lib.ids import uuid_or_404
from cohesion.training.access import councils_of


def is_staff(user: User) -> bool:
    return has_permission(user, Permission.GRANTS_VIEW)


def is_applicant(user: User) -> bool:
    return has_permission(user, Permission.GRANTS_APPLY) and user.organisation_id is not None


def funds_visible_to(user: User) -> QuerySet[Fund]:
    if user.is_superuser:
        return Fund.objects.all()
    if not is_staff(user):
        return Fund.objects.none()
    return Fund.objects.filter(council__in=councils_of(user).values("id"))


def funds_managed_by(user: User) -> QuerySet[Fund]:
    if not has_permission(user, Permission.GRANTS_MANAGE):
        return Fund.objects.none()
    return funds_visible_to(user)


def manages_council_funds(user: User) -> bool:
    return has_permission(user, Permission.GRANTS_MANAGE) and councils_of(user).exists()


def staff_applications(user: User) -> QuerySet[Application]:
    """What staff may see: managers all (but drafts) in their councils; assessors their own."""
    if not is_staff(user) and not has_permission(user, Permission.GRANTS_ASSESS):
        return Application.objects.none()
    qs = Application.objects.exclude(status=Status.DRAFT)
    if user.is_superuser:
        return qs
    qs = qs.filter(call__fund__council__in=councils_of(user).values("id"))
    if has_permission(user, Permission.GRANTS_MANAGE):
        return qs
    return qs.filter(assessors=user)


def own_applications(user: User) -> QuerySet[Application]:
    if not is_applicant(user):
        return Application.objects.none()
    return Application.objects.filter(organisation=user.organisation)


def applications_visible_to(user: User) -> QuerySet[Application]:
    return Application.objects.filter(
        Q(id__in=staff_applications(user).values("id"))
        | Q(id__in=own_applications(user).values("id"))
    )


def _one(qs: QuerySet[Application], key: str | uuid.UUID) -> Application:
    application = (
        qs.select_related("call__fund__council", "organisation")
        .filter(uuid=uuid_or_404(key))
        .first()
    )
    if application is None:
        raise Http404
    return application


def get_application_for_applicant(user: User, key: str | uuid.UUID) -> Application:
    return _one(own_applications(user), key)


def get_application_for_staff(user: User, key: str | uuid.UUID) -> Application:
    return _one(staff_applications(user), key)


def get_application_for_user(user: User, key: str | uuid.UUID) -> Application:
    return _one(applications_visible_to(user), key)


def get_fund_for_staff(user: User, key: str | uuid.UUID) -> Fund:
    fund = funds_visible_to(user).select_related("council").filter(uuid=uuid_or_404(key)).first()
    if fund is None:
        raise Http404
    return fund


def get_fund_for_manager(user: User, key: str | uuid.UUID) -> Fund:
    fund = funds_managed_by(user).filter(uuid=uuid_or_404(key)).first()
    if fund is None:
        raise Http404
    return fund


def get_call_for_manager(user: User, key: str | uuid.UUID) -> Call:
    call = (
        Call.objects.filter(fund__in=funds_managed_by(user), uuid=uuid_or_404(key))
        .select_related("fund")
        .first()
    )
    if call is None:
        raise Http404
    return call


def get_public_call(key: str | uuid.UUID) -> Call:
    """Any call that has opened is public (its fund's name, amounts and questions)."""
    call = (
        Call.objects.filter(uuid=uuid_or_404(key), opens_at__lte=timezone.now())
        .select_related("fund__council")
        .first()
    )
    if call is None:
        raise Http404
    return call


def get_attachment_for_user(user: User, key: str | uuid.UUID) -> Attachment:
    attachment = (
        Attachment.objects.filter(
            uuid=uuid_or_404(key), application__in=applications_visible_to(user)
        )
        .select_related("application")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
