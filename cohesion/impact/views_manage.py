"""Departments and their members, and the question bank: pages for those who manage them.

Both need `impact_manage`, held by administrators and cohesion officers. A
person sees only their own organisation's departments and banks (plus the
default bank that ships with Cohesion); anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.impact import access, actions
from cohesion.impact.actions import ImpactError
from cohesion.impact.bank import BankFileError, bank_as_json, banks_for, current_bank, parse_bank
from cohesion.impact.forms import BankUploadForm, DepartmentForm, MemberForm
from cohesion.impact.models import Department, QuestionBank
from cohesion.lib.ids import uuid_or_404

MAX_BANK_BYTES = 1_000_000


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


def _manager(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not access.can_manage(user):
        raise Http404
    return user


def _can_view(user: User) -> bool:
    return has_permission(user, Permission.IMPACT_VIEW)


def _departments(user: User) -> QuerySet[Department]:
    if user.is_superuser:
        return Department.objects.all()
    if user.organisation_id is None:
        return Department.objects.none()
    return Department.objects.filter(organisation_id=user.organisation_id)


def _department(user: User, department_uuid: str) -> Department:
    department = (
        _departments(user)
        .select_related("organisation")
        .filter(uuid=uuid_or_404(department_uuid))
        .first()
    )
    if department is None:
        raise Http404
    return department


# --- Departments -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = None
    if user.organisation_id is not None:
        form = DepartmentForm(_posted(request), organisation_id=user.organisation_id)
        if request.method == "POST" and form.is_valid() and user.organisation is not None:
            department = actions.create_department(
                by=user, organisation=user.organisation, name=form.cleaned_data["name"]
            )
            messages.success(request, _("Department %(name)s added.") % {"name": department.name})
            return redirect("impact-department", department.uuid)
    elif request.method == "POST":
        raise Http404
    departments = _departments(user).prefetch_related("members")
    return render(
        request,
        "impact/departments.html",
        {"departments": departments, "form": form, "can_view": _can_view(user)},
    )


def _department_page(
    request: HttpRequest, user: User, department: Department, form: MemberForm | None = None
) -> HttpResponse:
    people = User.objects.filter(
        organisation_id=department.organisation_id, is_active=True
    ).exclude(pk__in=department.members.values("pk"))
    return render(
        request,
        "impact/department.html",
        {
            "department": department,
            "members": department.members.order_by("last_name", "first_name"),
            "form": form or MemberForm(people=people),
            "assessments": department.assessments.latest_versions().count(),
        },
    )


@require_GET
@login_required
def department_detail(request: HttpRequest, department_uuid: str) -> HttpResponse:
    user = _manager(request)
    return _department_page(request, user, _department(user, department_uuid))


@require_POST
@login_required
def department_add_member(request: HttpRequest, department_uuid: str) -> HttpResponse:
    user = _manager(request)
    department = _department(user, department_uuid)
    people = User.objects.filter(organisation_id=department.organisation_id, is_active=True)
    form = MemberForm(request.POST, people=people)
    if not form.is_valid():
        return _department_page(request, user, department, form)
    member = form.cleaned_data["member"]
    actions.add_department_member(by=user, department=department, member=member)
    messages.success(request, _("%(name)s added.") % {"name": member.display_name})
    return redirect("impact-department", department.uuid)


@require_POST
@login_required
def department_remove_member(
    request: HttpRequest, department_uuid: str, person_uuid: str
) -> HttpResponse:
    user = _manager(request)
    department = _department(user, department_uuid)
    member = department.members.filter(uuid=uuid_or_404(person_uuid)).first()
    if member is None:
        raise Http404
    actions.remove_department_member(by=user, department=department, member=member)
    messages.success(request, _("%(name)s removed.") % {"name": member.display_name})
    return redirect("impact-department", department.uuid)


# --- Question bank ---------------------------------------------------------------------


def _bank(user: User, bank_uuid: str) -> QuestionBank:
    bank = (
        banks_for(None if user.is_superuser else user.organisation)
        .select_related("organisation")
        .filter(uuid=uuid_or_404(bank_uuid))
        .first()
    )
    if bank is None:
        raise Http404
    return bank  # type: ignore[no-any-return]


@require_GET
@login_required
def bank_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    banks = banks_for(None if user.is_superuser else user.organisation).select_related(
        "organisation"
    )
    return render(
        request,
        "impact/banks.html",
        {
            "banks": banks,
            "current": current_bank(user.organisation),
            "form": BankUploadForm(),
            "can_upload": user.organisation is not None,
            "can_view": _can_view(user),
        },
    )


@require_GET
@login_required
def bank_detail(request: HttpRequest, bank_uuid: str) -> HttpResponse:
    user = _manager(request)
    bank = _bank(user, bank_uuid)
    return render(
        request,
        "impact/bank.html",
        {
            "bank": bank,
            "principles": bank.principles.prefetch_related("questions", "suggested_actions"),
            "current": current_bank(user.organisation),
            "can_publish": not bank.is_published
            and bank.organisation_id is not None
            and (user.is_superuser or bank.organisation_id == user.organisation_id),
            "used_by": bank.assessments.count(),
        },
    )


@require_GET
@login_required
def bank_download(request: HttpRequest, bank_uuid: str) -> HttpResponse:
    user = _manager(request)
    bank = _bank(user, bank_uuid)
    response = HttpResponse(bank_as_json(bank), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="question-bank-v{bank.version}.json"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def bank_upload(request: HttpRequest) -> HttpResponse:
    """Add a new draft version from a JSON file: the way to change questions without code."""
    user = _manager(request)
    if user.organisation is None:
        raise Http404
    form = BankUploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BANK_BYTES:
                raise BankFileError("The file is too big: a question bank is under 1 MB")
            data = parse_bank(upload.read())
        except BankFileError as error:
            form.add_error("file", str(error))
        else:
            bank = actions.load_question_bank(by=user, data=data, organisation=user.organisation)
            messages.success(
                request,
                _("Version %(n)s added as a draft. Check it, then publish it.")
                % {"n": bank.version},
            )
            return redirect("impact-bank", bank.uuid)
    return render(request, "impact/bank_upload.html", {"form": form})


@require_POST
@login_required
def bank_publish(request: HttpRequest, bank_uuid: str) -> HttpResponse:
    user = _manager(request)
    bank = _bank(user, bank_uuid)
    if bank.organisation_id is None and not user.is_superuser:
        raise Http404
    try:
        actions.publish_question_bank(by=user, bank=bank)
    except ImpactError as error:
        messages.error(request, str(error))
        return redirect("impact-bank", bank.uuid)
    messages.success(
        request,
        _("Version %(n)s published. New assessments and revisions use it from now on.")
        % {"n": bank.version},
    )
    return redirect("impact-bank", bank.uuid)
