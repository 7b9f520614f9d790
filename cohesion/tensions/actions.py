"""State changes to tension intelligence and assessments, each checked and audited.

Editing, verifying and approving are separate rights: the person who may edit
an item may not be allowed to say whether a rumour is true, and the person who
wrote an assessment may not approve it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.lib.references import new_reference
from cohesion.tensions.access import (
    can_approve_assessment,
    can_edit_assessment,
    can_edit_item,
    get_item_for_user,
)
from cohesion.tensions.models import (
    AssessmentAction,
    CounterNarrative,
    IntelligenceItem,
    TensionAssessment,
)
from cohesion.vocabularies.models import Term

_M2M = ("wards", "communities", "linked_items")


def _plain(value: Any) -> Any:
    """A JSON-safe value for the audit detail."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Area):
        return value.code
    if isinstance(value, Term):
        return value.code
    if hasattr(value, "pk") and hasattr(value, "reference"):
        return value.reference
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value if isinstance(value, int | str | bool | type(None)) else str(value)


def can_verify_item(user: User, item: IntelligenceItem) -> bool:
    """Verification is its own right, held by the organisation that holds the item."""
    return (
        item.is_rumour
        and has_permission(user, Permission.TENSION_VERIFY)
        and (user.is_superuser or item.organisation_id == user.organisation_id)
    )


def can_record_item(user: User) -> bool:
    return has_permission(user, Permission.TENSION_RECORD) and (
        user.is_superuser or user.organisation_id is not None
    )


def _set_many(obj: Any, data: dict[str, Any]) -> None:
    for name in _M2M:
        if name in data:
            getattr(obj, name).set(list(data[name]))


@transaction.atomic
def record_item(*, by: User, data: dict[str, Any]) -> IntelligenceItem:
    """Log an item of intelligence. It is internal to the recorder's organisation."""
    if not can_record_item(by) or by.organisation is None:
        raise PermissionDenied
    fields = {k: v for k, v in data.items() if k not in _M2M}
    item = IntelligenceItem.objects.create(
        reference=new_reference("INT"),
        organisation=by.organisation,
        recorded_by=by,
        **fields,
    )
    _set_many(item, data)
    record(
        action=AuditAction.INTELLIGENCE_RECORDED,
        by=by,
        target=item,
        detail={
            "item_type": item.item_type,
            "grading": item.grading,
            "council": item.council.code,
            "wards": [w.code for w in item.wards.all()],
        },
    )
    return item


@transaction.atomic
def update_item(
    *, item: IntelligenceItem, by: User, data: dict[str, Any], changed: list[str]
) -> IntelligenceItem:
    if not can_edit_item(by, item):
        raise PermissionDenied
    before = {name: _plain(getattr(item, name)) for name in changed if name not in _M2M}
    before.update({name: _plain(getattr(item, name).all()) for name in changed if name in _M2M})
    for name, value in data.items():
        if name not in _M2M:
            setattr(item, name, value)
    item.save()
    _set_many(item, data)
    after = {name: _plain(data.get(name)) for name in changed}
    record(
        action=AuditAction.INTELLIGENCE_UPDATED,
        by=by,
        target=item,
        detail={"changed": changed, "before": before, "after": after},
    )
    return item


@transaction.atomic
def change_verification(*, item: IntelligenceItem, by: User, status: str, note: str) -> None:
    """Say whether a rumour is true; who and when are kept with the status."""
    if not can_verify_item(by, item):
        raise PermissionDenied
    previous = item.verification_status
    item.verification_status = status
    item.verification_note = note.strip()
    item.verification_changed_by = by
    item.verification_changed_at = timezone.now()
    item.save(
        update_fields=[
            "verification_status",
            "verification_note",
            "verification_changed_by",
            "verification_changed_at",
            "updated_at",
        ]
    )
    record(
        action=AuditAction.RUMOUR_VERIFICATION_CHANGED,
        by=by,
        target=item,
        detail={"from": previous, "to": status, "note": item.verification_note},
    )


def can_record_counter_narrative(user: User, item: IntelligenceItem) -> bool:
    return item.is_rumour and (can_edit_item(user, item) or can_verify_item(user, item))


@transaction.atomic
def record_counter_narrative(
    *, item: IntelligenceItem, by: User, data: dict[str, Any]
) -> CounterNarrative:
    if not can_record_counter_narrative(by, item):
        raise PermissionDenied
    entry = CounterNarrative.objects.create(item=item, issued_by=by, **data)
    record(
        action=AuditAction.COUNTER_NARRATIVE_RECORDED,
        by=by,
        target=item,
        detail={
            "channel": entry.channel,
            "where": entry.where,
            "issued_on": entry.issued_on.isoformat(),
        },
    )
    return entry


def can_record_assessment(user: User) -> bool:
    return has_permission(user, Permission.TENSION_ASSESS) and (
        user.is_superuser or user.organisation_id is not None
    )


def _check_linked_items(by: User, data: dict[str, Any]) -> None:
    """Linked items must be ones the assessor may see (the form limits them too)."""
    for item in data.get("linked_items", []):
        get_item_for_user(by, item.uuid)


@transaction.atomic
def record_assessment(*, by: User, data: dict[str, Any]) -> TensionAssessment:
    if not can_record_assessment(by) or by.organisation is None:
        raise PermissionDenied
    _check_linked_items(by, data)
    fields = {k: v for k, v in data.items() if k not in _M2M}
    assessment = TensionAssessment.objects.create(
        reference=new_reference("TA"), organisation=by.organisation, assessor=by, **fields
    )
    _set_many(assessment, data)
    record(
        action=AuditAction.ASSESSMENT_RECORDED,
        by=by,
        target=assessment,
        detail={
            "area": assessment.area.code,
            "level": assessment.level,
            "period": [assessment.period_start.isoformat(), assessment.period_end.isoformat()],
        },
    )
    return assessment


@transaction.atomic
def update_assessment(
    *, assessment: TensionAssessment, by: User, data: dict[str, Any], changed: list[str]
) -> TensionAssessment:
    # Re-read under a lock: an approval between loading the page and saving wins.
    locked = TensionAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not can_edit_assessment(by, locked):
        raise PermissionDenied
    _check_linked_items(by, data)
    before = {name: _plain(getattr(assessment, name)) for name in changed if name not in _M2M}
    for name, value in data.items():
        if name not in _M2M:
            setattr(assessment, name, value)
    assessment.save()
    _set_many(assessment, data)
    record(
        action=AuditAction.ASSESSMENT_UPDATED,
        by=by,
        target=assessment,
        detail={
            "changed": changed,
            "before": before,
            "after": {name: _plain(data.get(name)) for name in changed},
        },
    )
    return assessment


@transaction.atomic
def add_assessment_action(
    *,
    assessment: TensionAssessment,
    by: User,
    description: str,
    owner_organisation: Organisation,
    owner_name: str,
    due_on: Any,
) -> AssessmentAction:
    if not can_edit_assessment(by, assessment):
        raise PermissionDenied
    action = AssessmentAction.objects.create(
        assessment=assessment,
        description=description,
        owner_organisation=owner_organisation,
        owner_name=owner_name,
        due_on=due_on,
    )
    record(
        action=AuditAction.ASSESSMENT_UPDATED,
        by=by,
        target=assessment,
        detail={
            "action_added": description,
            "owner_organisation": owner_organisation.name,
            "due_on": due_on.isoformat(),
        },
    )
    return action


@transaction.atomic
def approve_assessment(*, assessment: TensionAssessment, by: User) -> None:
    """The second person's sign-off; from now on the assessment counts and is fixed."""
    locked = TensionAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not can_approve_assessment(by, locked):
        raise PermissionDenied
    assessment.approved_by = by
    assessment.approved_at = timezone.now()
    assessment.save(update_fields=["approved_by", "approved_at", "updated_at"])
    record(
        action=AuditAction.ASSESSMENT_APPROVED,
        by=by,
        target=assessment,
        detail={"level": assessment.level, "assessor": assessment.assessor.username},
    )
