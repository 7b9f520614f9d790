"""Every change to the training register goes through here, and is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.training.models import Attendance, Course, Department, Session, Target


def _save(*, by: User | None, obj: Model, data: dict[str, Any], what: str) -> None:
    created = obj.pk is None
    changed = {}
    for name, value in data.items():
        if getattr(obj, name, None) != value:
            changed[name] = str(value)
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    record(
        action=AuditAction.TRAINING_CHANGED,
        by=by,
        target=obj,
        detail={"what": what, "created": created, "changed": changed},
    )


@transaction.atomic
def save_course(*, by: User | None, course: Course | None = None, **data: Any) -> Course:
    course = course or Course()
    _save(by=by, obj=course, data=data, what="course")
    return course


@transaction.atomic
def save_session(*, by: User | None, session: Session | None = None, **data: Any) -> Session:
    session = session or Session()
    _save(by=by, obj=session, data=data, what="session")
    return session


@transaction.atomic
def save_department(
    *, by: User | None, department: Department | None = None, **data: Any
) -> Department:
    department = department or Department()
    _save(by=by, obj=department, data=data, what="department")
    return department


@transaction.atomic
def save_target(*, by: User | None, target: Target | None = None, **data: Any) -> Target:
    target = target or Target()
    _save(by=by, obj=target, data=data, what="target")
    return target


@transaction.atomic
def add_attendance(
    *,
    by: User | None,
    session: Session,
    department: Department,
    staff_reference: str,
    name: str = "",
    audit: bool = True,
) -> Attendance:
    attendance = Attendance.objects.create(
        session=session,
        organisation=department.organisation,
        department=department,
        staff_reference=staff_reference,
        name=name,
    )
    if audit:
        # The audit row names the session, not the person.
        record(
            action=AuditAction.TRAINING_CHANGED,
            by=by,
            target=session,
            detail={"what": "attendance", "department": department.name},
        )
    return attendance
