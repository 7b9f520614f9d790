"""Who may see and change impact assessments.

Least privilege inside one organisation: a draft (or one awaiting sign-off)
is seen only by members of the department that owns it and of departments it
has been shared with. Once signed off it is the organisation's record of due
regard and anyone there with the view right may read it (scrutiny members
included). Other organisations see nothing here; the public summary page is
how a published assessment leaves the organisation. Anything not visible is a
404, exactly like a missing record.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.impact import choices as c
from cohesion.impact.models import (
    ActionItem,
    Department,
    ImpactAssessment,
    ImpactAssessmentQuerySet,
)
from cohesion.lib.ids import uuid_or_404


def my_departments(user: User) -> QuerySet[Department]:
    if user.is_superuser:
        return Department.objects.all()
    if user.organisation_id is None:
        return Department.objects.none()
    return Department.objects.filter(members=user, organisation_id=user.organisation_id)


def assessments_visible_to(user: User) -> ImpactAssessmentQuerySet:
    if not user.is_authenticated or not user.is_active:
        return ImpactAssessment.objects.none()
    if user.is_superuser:
        return ImpactAssessment.objects.all()
    if not has_permission(user, Permission.IMPACT_VIEW) or user.organisation_id is None:
        return ImpactAssessment.objects.none()
    mine = Department.objects.filter(members=user).values("id")
    shared = ImpactAssessment.shared_with.through.objects.filter(department_id__in=mine).values(
        "impactassessment_id"
    )
    return ImpactAssessment.objects.filter(
        Q(organisation_id=user.organisation_id)
        & (Q(department_id__in=mine) | Q(pk__in=shared) | Q(status__in=c.FINAL))
    )


def get_assessment_for_user(user: User, assessment_uuid: str | uuid.UUID) -> ImpactAssessment:
    """The assessment if `user` may see it; otherwise Http404, whether or not it exists."""
    assessment = (
        assessments_visible_to(user)
        .select_related(
            "organisation",
            "department",
            "bank",
            "owner",
            "created_by",
            "submitted_by",
            "signed_off_by",
            "published_by",
            "previous",
        )
        .filter(uuid=uuid_or_404(assessment_uuid))
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def get_action_item_for_user(
    user: User, assessment: ImpactAssessment, item_uuid: str | uuid.UUID
) -> ActionItem:
    item = assessment.action_items.filter(uuid=uuid_or_404(item_uuid)).first()
    if item is None:
        raise Http404
    return item


def in_department(user: User, assessment: ImpactAssessment) -> bool:
    """A member of the owning department with the right to edit (or an operator)."""
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.IMPACT_EDIT)
        and assessment.organisation_id == user.organisation_id
        and assessment.department.members.filter(pk=user.pk).exists()
    )


def can_create(user: User) -> bool:
    return user.is_superuser or (
        has_permission(user, Permission.IMPACT_EDIT) and my_departments(user).exists()
    )


def can_edit(user: User, assessment: ImpactAssessment) -> bool:
    """Only drafts change. Awaiting sign-off, it must be returned first; signed off, never."""
    return assessment.status == c.Status.DRAFT and in_department(user, assessment)


def can_share(user: User, assessment: ImpactAssessment) -> bool:
    return in_department(user, assessment)


def can_sign_off(user: User, assessment: ImpactAssessment) -> bool:
    """The second person: not the owner, the author or the submitter, and holding the right."""
    return (
        assessment.status == c.Status.SUBMITTED
        and has_permission(user, Permission.IMPACT_SIGN_OFF)
        and user.pk
        not in (assessment.owner_id, assessment.created_by_id, assessment.submitted_by_id)
        and (user.is_superuser or assessment.organisation_id == user.organisation_id)
        and assessments_visible_to(user).filter(pk=assessment.pk).exists()
    )


def may_sign_off_in_principle(user: User, assessment: ImpactAssessment) -> bool:
    """Holds the right here, whatever the status (for explaining why a button is missing)."""
    return has_permission(user, Permission.IMPACT_SIGN_OFF) and (
        user.is_superuser or assessment.organisation_id == user.organisation_id
    )


def can_return(user: User, assessment: ImpactAssessment) -> bool:
    """A signer sends it back with reasons; the department can also withdraw it to change it."""
    return assessment.status == c.Status.SUBMITTED and (
        can_sign_off(user, assessment) or in_department(user, assessment)
    )


def can_publish(user: User, assessment: ImpactAssessment) -> bool:
    return assessment.status == c.Status.SIGNED_OFF and (
        in_department(user, assessment)
        or (
            may_sign_off_in_principle(user, assessment)
            and assessments_visible_to(user).filter(pk=assessment.pk).exists()
        )
    )


def is_latest_version(assessment: ImpactAssessment) -> bool:
    return not ImpactAssessment.objects.filter(
        series=assessment.series, version__gt=assessment.version
    ).exists()


def can_revise(user: User, assessment: ImpactAssessment) -> bool:
    return assessment.is_final and in_department(user, assessment) and is_latest_version(assessment)


def can_complete_actions(user: User, assessment: ImpactAssessment) -> bool:
    """Recording that an action is done is monitoring: allowed after sign-off too."""
    return in_department(user, assessment)


def can_manage(user: User) -> bool:
    """Departments and their members, and the question bank."""
    return has_permission(user, Permission.IMPACT_MANAGE) and (
        user.is_superuser or user.organisation_id is not None
    )


def published_assessments() -> ImpactAssessmentQuerySet:
    """What anyone may read, signed in or not: published summaries."""
    return ImpactAssessment.objects.filter(status=c.Status.PUBLISHED)


def get_published(assessment_uuid: str | uuid.UUID) -> ImpactAssessment:
    assessment = (
        published_assessments()
        .select_related("organisation", "department", "bank")
        .filter(uuid=uuid_or_404(assessment_uuid))
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment
