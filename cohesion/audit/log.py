"""Write audit rows. Every action and every view of personal data calls `record`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from cohesion.audit.context import current
from cohesion.audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from cohesion.accounts.models import User


def _is_organisation(target: object) -> bool:
    return type(target).__name__ == "Organisation"


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {}
    identifier = getattr(target, "uuid", None) or getattr(target, "code", None) or target.pk
    return {
        "target_type": target._meta.label,
        "target_id": str(identifier),
        "target_label": str(target)[:300],
    }


def record(
    *,
    action: AuditAction,
    by: User | AnonymousUser | None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit row. `by=None` means the system (a command or a task)."""
    context = current()
    actor: dict[str, str] = {"actor_username": username or "system"}
    if by is not None and by.is_authenticated:
        organisation = by.organisation
        actor = {
            "actor_id": str(by.uuid),
            "actor_username": by.username,
            "actor_organisation_id": str(organisation.uuid) if organisation else "",
            "actor_organisation_name": organisation.name if organisation else "",
        }
    elif by is not None:
        actor = {"actor_username": username or "anonymous"}
    detail = dict(detail or {})
    # Lets an organisation's administrator see who looked at their organisation's records.
    owner = getattr(target, "organisation", None) if target is not None else None
    if _is_organisation(target):
        owner = target
    if owner is not None:
        detail.setdefault("target_organisation", str(owner.uuid))
    return AuditEvent.objects.create(
        action=action,
        ip_address=context.ip_address,
        channel=context.channel,
        request_path=context.request_path,
        detail=detail,
        **actor,
        **_target_fields(target),
    )


def record_view(*, by: User, target: models.Model, what: str) -> AuditEvent:
    """Record that `by` looked at personal data held in `target` (`what` says which)."""
    return record(
        action=AuditAction.PERSONAL_DATA_VIEWED, by=by, target=target, detail={"viewed": what}
    )
