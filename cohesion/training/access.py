"""Who may read and change the training register.

Reading (TRAINING_VIEW) covers the partnership: every organisation working in
a council the person covers. Changing (TRAINING_MANAGE) is narrower for partner
officers: only their own organisation's courses, departments and attendance.
Cohesion officers change anything in their council's partnership. A record
outside someone's reach is the same 404 as a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import Organisation, Role, User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.lib.ids import uuid_or_404
from cohesion.training.models import Attendance, Course, Department, Session, Target


def councils_of(user: User) -> QuerySet[Area]:
    """The councils the person works in: those they cover, or whose areas they cover."""
    scope = areas_in_scope(user)
    return Area.objects.filter(level=AreaLevel.LAD).filter(
        Q(id__in=scope.values("id")) | Q(id__in=scope.values("council_id"))
    )


def partnership_of(user: User) -> QuerySet[Organisation]:
    """Organisations working in the person's councils, and the person's own."""
    if user.is_superuser:
        return Organisation.objects.all()
    councils = councils_of(user).values("id")
    return Organisation.objects.filter(
        Q(id__in=[user.organisation_id] if user.organisation_id else [])
        | Q(areas__in=councils)
        | Q(areas__council_id__in=councils)
    ).distinct()


def organisations_readable(user: User) -> QuerySet[Organisation]:
    if not has_permission(user, Permission.TRAINING_VIEW):
        return Organisation.objects.none()
    return partnership_of(user)


def organisations_managed(user: User) -> QuerySet[Organisation]:
    """The organisations whose training records this person may change."""
    if not has_permission(user, Permission.TRAINING_MANAGE):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    if user.role == Role.PARTNER_OFFICER:
        return Organisation.objects.filter(
            id__in=[user.organisation_id] if user.organisation_id else []
        )
    return partnership_of(user)


def can_manage_organisation(user: User, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and organisations_managed(user).filter(id=organisation_id).exists()
    )


def departments_visible_to(user: User) -> QuerySet[Department]:
    return Department.objects.filter(organisation__in=organisations_readable(user).values("id"))


def courses_visible_to(user: User) -> QuerySet[Course]:
    return Course.objects.filter(organisation__in=organisations_readable(user).values("id"))


def sessions_visible_to(user: User) -> QuerySet[Session]:
    return Session.objects.filter(course__in=courses_visible_to(user).values("id"))


def targets_visible_to(user: User) -> QuerySet[Target]:
    readable = organisations_readable(user).values("id")
    councils = (
        councils_of(user).values("id") if not user.is_superuser else Area.objects.values("id")
    )
    return Target.objects.filter(Q(organisation__in=readable) | Q(council__in=councils))


def attendance_visible_to(user: User) -> QuerySet[Attendance]:
    """Attendee lists: names and staff references, so only for those who keep them."""
    return Attendance.objects.filter(organisation__in=organisations_managed(user).values("id"))


def _one(qs: QuerySet[Any], key: str | uuid.UUID) -> Any:
    found = qs.filter(uuid=uuid_or_404(key)).first()
    if found is None:
        raise Http404
    return found


def get_department_for_manager(user: User, key: str | uuid.UUID) -> Department:
    managed = organisations_managed(user).values("id")
    department: Department = _one(
        Department.objects.select_related("organisation").filter(organisation__in=managed), key
    )
    return department


def get_course_for_user(user: User, key: str | uuid.UUID) -> Course:
    course: Course = _one(courses_visible_to(user).select_related("organisation"), key)
    return course


def get_course_for_manager(user: User, key: str | uuid.UUID) -> Course:
    course = get_course_for_user(user, key)
    if not can_manage_organisation(user, course.organisation_id):
        raise Http404
    return course


def get_session_for_user(user: User, key: str | uuid.UUID) -> Session:
    session: Session = _one(sessions_visible_to(user).select_related("course"), key)
    return session


def get_attendance_for_manager(user: User, session: Session, pk: int) -> Attendance:
    """One attendance record at this session of a person whose organisation this user keeps."""
    attendance = (
        attendance_visible_to(user)
        .filter(session=session, pk=pk)
        .select_related("session__course", "organisation", "department")
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance
