"""State changes to mediation cases, each checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, covers_area, has_permission
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.lib.references import new_reference
from cohesion.mediation.access import can_manage_case
from cohesion.mediation.models import (
    CaseStatus,
    MediationCase,
    MediationParty,
    MediationSession,
)


def can_open_case(user: User) -> bool:
    return has_permission(user, Permission.MEDIATION_MANAGE) and (
        user.is_superuser or user.organisation_id is not None
    )


def _check_mediator(by: User, mediator: User | None) -> None:
    if (
        mediator is not None
        and not by.is_superuser
        and mediator.organisation_id != by.organisation_id
    ):
        raise PermissionDenied


@transaction.atomic
def open_case(*, by: User, data: dict[str, Any]) -> MediationCase:
    if not can_open_case(by) or by.organisation is None or not covers_area(by, data["area"]):
        raise PermissionDenied
    _check_mediator(by, data.get("mediator"))
    case = MediationCase.objects.create(
        reference=new_reference("MC"), organisation=by.organisation, created_by=by, **data
    )
    record(
        action=AuditAction.MEDIATION_OPENED,
        by=by,
        target=case,
        detail={
            "area": case.area.code,
            "mediator": case.mediator.username if case.mediator else "",
        },
    )
    return case


@transaction.atomic
def update_case(*, case: MediationCase, by: User, data: dict[str, Any], changed: list[str]) -> None:
    if not can_manage_case(by, case) or not covers_area(by, data["area"]):
        raise PermissionDenied
    _check_mediator(by, data.get("mediator"))
    before = {name: str(getattr(case, name) or "") for name in changed}
    for name, value in data.items():
        setattr(case, name, value)
    case.save()
    record(
        action=AuditAction.MEDIATION_UPDATED,
        by=by,
        target=case,
        detail={
            "changed": changed,
            "before": before,
            "after": {name: str(data.get(name) or "") for name in changed},
        },
    )


@transaction.atomic
def add_party(*, case: MediationCase, by: User, data: dict[str, Any]) -> MediationParty:
    if not can_manage_case(by, case) or case.status == CaseStatus.CLOSED:
        raise PermissionDenied
    party = MediationParty.objects.create(case=case, **data)
    record(
        action=AuditAction.MEDIATION_UPDATED,
        by=by,
        target=case,
        detail={"party_added": str(party), "kind": party.kind},
    )
    return party


@transaction.atomic
def record_session(*, case: MediationCase, by: User, data: dict[str, Any]) -> MediationSession:
    if not can_manage_case(by, case) or case.status == CaseStatus.CLOSED:
        raise PermissionDenied
    session = MediationSession.objects.create(case=case, recorded_by=by, **data)
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.IN_MEDIATION
        case.save(update_fields=["status", "updated_at"])
    record(
        action=AuditAction.MEDIATION_SESSION_RECORDED,
        by=by,
        target=case,
        detail={"held_on": session.held_on.isoformat(), "attendees": session.attendees},
    )
    return session


@transaction.atomic
def close_case(
    *, case: MediationCase, by: User, outcome: str, outcome_note: str, closed_on: dt.date
) -> None:
    if not can_manage_case(by, case) or case.status == CaseStatus.CLOSED:
        raise PermissionDenied
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.outcome_note = outcome_note.strip()
    case.closed_on = closed_on
    case.save(update_fields=["status", "outcome", "outcome_note", "closed_on", "updated_at"])
    record(
        action=AuditAction.MEDIATION_UPDATED,
        by=by,
        target=case,
        detail={"closed": True, "outcome": outcome, "closed_on": closed_on.isoformat()},
    )
