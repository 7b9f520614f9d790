"""Who may see and change tension intelligence and assessments.

Intelligence: the right to view it, an area in the person's scope (the whole
council, or one of the item's wards), and either the person's organisation
holds it or a second person released it to the partnership.

Assessments: the dashboard right, the area in scope, and own organisation or
released. Unapproved assessments are seen only by the organisation that holds
them.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.core.release import Audience
from cohesion.lib.ids import uuid_or_404
from cohesion.tensions.models import IntelligenceItem, TensionAssessment

_SHARED = [Audience.PARTNERSHIP, Audience.PUBLIC]


def items_visible_to(user: User) -> QuerySet[IntelligenceItem]:
    if user.is_superuser:
        return IntelligenceItem.objects.all()
    if not has_permission(user, Permission.TENSION_VIEW):
        return IntelligenceItem.objects.none()
    scope = areas_in_scope(user).values("id")
    in_area = Q(council_id__in=scope) | Q(
        pk__in=IntelligenceItem.wards.through.objects.filter(area_id__in=scope).values(
            "intelligenceitem_id"
        )
    )
    holder = Q(organisation_id=user.organisation_id) | Q(audience__in=_SHARED)
    return IntelligenceItem.objects.filter(in_area & holder)


def get_item_for_user(user: User, item_uuid: str | uuid.UUID) -> IntelligenceItem:
    item = (
        items_visible_to(user)
        .select_related("organisation", "council", "recorded_by")
        .filter(uuid=uuid_or_404(item_uuid))
        .first()
    )
    if item is None:
        raise Http404
    return item


def can_edit_item(user: User, item: IntelligenceItem) -> bool:
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.TENSION_RECORD)
        and item.organisation_id == user.organisation_id
        and items_visible_to(user).filter(pk=item.pk).exists()
    )


def assessments_visible_to(user: User) -> QuerySet[TensionAssessment]:
    if user.is_superuser:
        return TensionAssessment.objects.all()
    if not has_permission(user, Permission.TENSION_DASHBOARD):
        return TensionAssessment.objects.none()
    scope = areas_in_scope(user).values("id")
    own = Q(organisation_id=user.organisation_id)
    shared = Q(audience__in=_SHARED, approved_by__isnull=False)
    return TensionAssessment.objects.filter(Q(area_id__in=scope) & (own | shared))


def get_assessment_for_user(user: User, assessment_uuid: str | uuid.UUID) -> TensionAssessment:
    assessment = (
        assessments_visible_to(user)
        .select_related("organisation", "area", "assessor", "approved_by")
        .filter(uuid=uuid_or_404(assessment_uuid))
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def can_edit_assessment(user: User, assessment: TensionAssessment) -> bool:
    """Approved assessments are a record of what was decided: they are not edited."""
    if assessment.is_approved:
        return False
    return user.is_superuser or (
        has_permission(user, Permission.TENSION_ASSESS)
        and assessment.organisation_id == user.organisation_id
        and assessments_visible_to(user).filter(pk=assessment.pk).exists()
    )


def can_approve_assessment(user: User, assessment: TensionAssessment) -> bool:
    return (
        not assessment.is_approved
        and assessment.assessor_id != user.pk
        and (user.is_superuser or assessment.organisation_id == user.organisation_id)
        and has_permission(user, Permission.TENSION_APPROVE)
        and assessments_visible_to(user).filter(pk=assessment.pk).exists()
    )
