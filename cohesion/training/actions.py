"""Every change to the training register goes through here, and is audited.

Attendance is recorded one person at a time (`record_attendance`, the form on a
session's attendee list) or many at once (`tabular.import_attendance`); both
check each person with `attendance_problems`, so a row of a file and the form
are refused for the same reasons with the same words. Audit rows about
attendance name the session and department, never the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.training import access
from cohesion.training.models import Attendance, Course, Department, Session, Target

STAFF_REFERENCE_MAX = 100
NAME_MAX = 200


class AttendanceInvalid(ValueError):
    """The attendance breaks a rule: `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


@dataclass(frozen=True)
class AttendanceScope:
    """The sessions a person may record attendance at and the organisations whose staff."""

    session_ids: frozenset[int]
    organisation_ids: frozenset[int]

    @classmethod
    def of(cls, user: User) -> AttendanceScope:
        return cls(
            session_ids=frozenset(access.sessions_visible_to(user).values_list("id", flat=True)),
            organisation_ids=frozenset(
                access.organisations_managed(user).values_list("id", flat=True)
            ),
        )


def attendance_problems(
    *,
    scope: AttendanceScope | None,
    session: Session,
    department: Department,
    staff_reference: str,
    name: str = "",
) -> dict[str, str]:
    """Why this person cannot be recorded at this session (empty if they can).

    Keys are the import's column names: session, department, staff_reference, name.
    `scope=None` is the system (the demo loader), which may record anyone.
    """
    problems: dict[str, str] = {}
    if scope is not None:
        if session.id not in scope.session_ids:
            problems["session"] = "This session is not one you can record attendance at"
        if department.organisation_id not in scope.organisation_ids:
            problems["department"] = (
                f"'{department.name}' is not a department of an organisation "
                "whose attendance you record"
            )
    reference = staff_reference.strip()
    if not reference:
        problems["staff_reference"] = "Enter the staff reference"
    elif len(reference) > STAFF_REFERENCE_MAX:
        problems["staff_reference"] = (
            f"The staff reference must be {STAFF_REFERENCE_MAX} characters or fewer"
        )
    if len(name.strip()) > NAME_MAX:
        problems["name"] = f"The name must be {NAME_MAX} characters or fewer"
    return problems


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


@transaction.atomic
def record_attendance(
    *,
    by: User | None,
    session: Session,
    department: Department,
    staff_reference: str,
    name: str = "",
) -> Attendance:
    """Record one person at one session, with the same checks as a row of an import.

    Someone already recorded at the session (the same staff reference, in any
    case, for the same organisation) is refused rather than counted twice.
    """
    reference, name = staff_reference.strip(), name.strip()
    scope = AttendanceScope.of(by) if by is not None else None
    problems = attendance_problems(
        scope=scope, session=session, department=department, staff_reference=reference, name=name
    )
    if (
        "staff_reference" not in problems
        and Attendance.objects.filter(
            session=session,
            organisation_id=department.organisation_id,
            staff_reference__iexact=reference,
        ).exists()
    ):
        problems["staff_reference"] = "This person is already recorded at this session"
    if problems:
        raise AttendanceInvalid(problems)
    return add_attendance(
        by=by, session=session, department=department, staff_reference=reference, name=name
    )


@transaction.atomic
def remove_attendance(*, by: User | None, attendance: Attendance) -> None:
    """Take one person off a session's attendance (a mistake, or a no-show)."""
    if by is not None and not access.attendance_visible_to(by).filter(pk=attendance.pk).exists():
        raise PermissionDenied
    session, department = attendance.session, attendance.department
    attendance.delete()
    record(
        action=AuditAction.TRAINING_CHANGED,
        by=by,
        target=session,
        detail={"what": "attendance removed", "department": department.name},
    )
