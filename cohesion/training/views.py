"""Training register pages: coverage, courses and sessions, departments, targets,
and attendance import and export. Records are loaded through `access`, so
anything outside someone's reach is the same 404 as a missing record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.log import record, record_view
from cohesion.audit.models import AuditAction
from cohesion.training import access, actions, tabular
from cohesion.training.coverage import chart, coverage
from cohesion.training.forms import (
    AttendanceForm,
    CourseForm,
    CoverageForm,
    DepartmentForm,
    ImportForm,
    SessionForm,
    TargetForm,
)
from cohesion.training.models import Department, Topic

DEFAULT_MONTHS = 12


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(user: User) -> None:
    if not has_permission(user, Permission.TRAINING_VIEW):
        raise Http404


def _require_manage(user: User) -> None:
    if not access.organisations_managed(user).exists():
        raise Http404


def _can_manage(user: User) -> bool:
    return access.organisations_managed(user).exists()


@login_required
def coverage_report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    form = CoverageForm(request.GET or None)
    topic, months = Topic.PREVENT_AWARENESS.value, DEFAULT_MONTHS
    if form.is_bound and form.is_valid():
        topic = form.cleaned_data["topic"] or topic
        months = form.cleaned_data["months"] or months
    report = coverage(
        topic=topic,
        months=months,
        today=timezone.localdate(),
        organisations=access.organisations_readable(user),
        targets=access.targets_visible_to(user),
    )
    if not form.is_bound:
        form = CoverageForm(initial={"topic": topic, "months": months})
    return render(
        request,
        "training/coverage.html",
        {
            "form": form,
            "report": report,
            "organisation_chart": chart(list(report.organisations)),
            "department_charts": [(org, chart(org.departments)) for org in report.organisations],
            "can_manage": _can_manage(user),
        },
    )


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    courses = (
        access.courses_visible_to(user).select_related("organisation").prefetch_related("sessions")
    )
    return render(
        request,
        "training/course_list.html",
        {"courses": courses, "can_manage": _can_manage(user)},
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, button: str
) -> HttpResponse:
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "back": back, "button": button},
    )


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_manage(user)
    form = CourseForm(request.POST or None)
    form.limit_organisations(access.organisations_managed(user))
    if request.method == "POST" and form.is_valid():
        course = actions.save_course(by=user, **form.cleaned_data)
        messages.success(request, _("Course added."))
        return redirect("training-course", course.uuid)
    return _form_page(
        request, form, title=_("Add a course"), back="training-courses", button=_("Add course")
    )


@login_required
def course_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    course = access.get_course_for_user(user, key)
    can_manage = access.can_manage_organisation(user, course.organisation_id)
    form = SessionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            actions.save_session(by=user, course=course, **form.cleaned_data)
            messages.success(request, _("Session added."))
            return redirect("training-course", course.uuid)
    sessions = course.sessions.all()
    managed = access.organisations_managed(user)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "form": form,
            "can_manage": can_manage,
            "can_see_attendees": managed.exists(),
        },
    )


@login_required
def session_attendees(request: HttpRequest, key: str) -> HttpResponse:
    """The attendee list: personal data, so only for those who keep it, and audited."""
    user = _user(request)
    _require_manage(user)
    session = access.get_session_for_user(user, key)
    attendances = (
        access.attendance_visible_to(user)
        .filter(session=session)
        .select_related("organisation", "department")
    )
    record_view(by=user, target=session, what="training attendee list")
    return render(
        request,
        "training/attendees.html",
        {"session": session, "attendances": attendances},
    )


@require_http_methods(["GET", "POST"])
@login_required
def attendance_new(request: HttpRequest, key: str) -> HttpResponse:
    """Record one person at a session: the form beside the CSV/XLSX import."""
    user = _user(request)
    _require_manage(user)
    session = access.get_session_for_user(user, key)
    departments = Department.objects.filter(
        organisation__in=access.organisations_managed(user).values("id")
    ).order_by("organisation__name", "name")
    form = AttendanceForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_attendance(
                by=user,
                session=session,
                department=data["department"],
                staff_reference=data["staff_reference"],
                name=data["name"],
            )
        except actions.AttendanceInvalid as invalid:
            for field, message in invalid.problems.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("%(reference)s recorded at this session.")
                % {"reference": data["staff_reference"].strip()},
            )
            if "another" in request.POST:
                return redirect("training-attendance-new", session.uuid)
            return redirect("training-attendees", session.uuid)
    return render(
        request,
        "training/attendance_form.html",
        {"form": form, "session": session, "has_departments": departments.exists()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def attendance_remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """Ask, then take one person off a session's attendance."""
    user = _user(request)
    _require_manage(user)
    session = access.get_session_for_user(user, key)
    attendance = access.get_attendance_for_manager(user, session, pk)
    if request.method == "POST":
        try:
            actions.remove_attendance(by=user, attendance=attendance)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("%(reference)s removed from this session.")
            % {"reference": attendance.staff_reference},
        )
        return redirect("training-attendees", session.uuid)
    return render(
        request,
        "training/attendance_remove.html",
        {"session": session, "attendance": attendance},
    )


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    managed = set(access.organisations_managed(user).values_list("id", flat=True))
    departments = access.departments_visible_to(user).select_related("organisation")
    return render(
        request,
        "training/department_list.html",
        {
            "departments": [(d, d.organisation_id in managed) for d in departments],
            "can_manage": bool(managed),
        },
    )


@login_required
def department_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    user = _user(request)
    _require_manage(user)
    department = access.get_department_for_manager(user, key) if key else None
    form = DepartmentForm(request.POST or None, instance=department)
    form.limit_organisations(access.organisations_managed(user))
    if request.method == "POST" and form.is_valid():
        actions.save_department(by=user, department=department, **form.cleaned_data)
        messages.success(request, _("Department saved."))
        return redirect("training-departments")
    title = _("Change a department") if department else _("Add a department")
    return _form_page(request, form, title=title, back="training-departments", button=_("Save"))


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    targets = access.targets_visible_to(user).select_related("organisation", "council")
    can_set = user.role != "partner_officer" and _can_manage(user)
    form = None
    if can_set:
        form = TargetForm(
            request.POST or None,
            organisations=access.organisations_managed(user),
            councils=access.councils_of(user),
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            share = data.pop("share_percent")
            from decimal import Decimal

            actions.save_target(by=user, share=Decimal(share) / 100, **data)
            messages.success(request, _("Target saved."))
            return redirect("training-targets")
    elif request.method == "POST":
        raise Http404
    return render(request, "training/targets.html", {"targets": targets, "form": form})


@login_required
def import_attendance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_manage(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = tabular.import_attendance(by=user, filename=upload.name, content=upload.read())
        if result.ok:
            messages.success(
                request,
                _("Attendance imported: %(added)d added, %(unchanged)d already recorded.")
                % {"added": result.added, "unchanged": result.unchanged},
            )
            return redirect("training-coverage")
    return render(
        request,
        "training/import.html",
        {"form": form, "result": result, "columns": tabular.COLUMNS},
    )


@login_required
def export_attendance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_manage(user)
    fmt = request.GET.get("format", "csv")
    if fmt not in tabular.FORMATS:
        raise Http404
    attendances = access.attendance_visible_to(user)
    content = tabular.export_attendance(attendances, fmt)
    record(
        action=AuditAction.PERSONAL_DATA_VIEWED,
        by=user,
        detail={"viewed": "training attendance export", "rows": attendances.count()},
    )
    response = HttpResponse(content, content_type=tabular.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="training-attendance.{fmt}"'
    return response
