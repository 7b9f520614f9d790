"""Mediation case pages: own organisation and areas only, changes audited by the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.mediation import actions
from cohesion.mediation.access import can_manage_case, cases_visible_to, get_case_for_user
from cohesion.mediation.forms import CaseForm, CloseForm, PartyForm, SessionForm
from cohesion.mediation.models import CaseStatus, MediationCase

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_permission(user, Permission.MEDIATION_VIEW):
        raise Http404
    cases = cases_visible_to(user).select_related("area", "mediator")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mediation/case_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CaseStatus.choices,
            "query": f"status={status}" if status else "",
            "can_open": actions.can_open_case(user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_permission(user, Permission.MEDIATION_VIEW):
        raise Http404
    if not actions.can_open_case(user):
        raise PermissionDenied
    form = CaseForm(
        request.POST or None,
        user=user,
        initial={"opened_on": timezone.localdate(), "mediator": user},
    )
    if request.method == "POST" and form.is_valid():
        case = actions.open_case(by=user, data=form.cleaned_data)
        messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
        return redirect("mediation-detail", case.uuid)
    return render(request, "mediation/case_form.html", {"form": form, "case": None})


@require_http_methods(["GET", "POST"])
@login_required
def case_edit(request: HttpRequest, case_uuid: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    if not can_manage_case(user, case):
        raise PermissionDenied
    form = CaseForm(request.POST or None, instance=case, user=user)
    if request.method == "POST" and form.is_valid():
        fresh = MediationCase.objects.get(pk=case.pk)
        data = {name: form.cleaned_data[name] for name in form.fields}
        actions.update_case(case=fresh, by=user, data=data, changed=form.changed_data)
        messages.success(request, _("Case %(ref)s updated.") % {"ref": fresh.reference})
        return redirect("mediation-detail", fresh.uuid)
    return render(request, "mediation/case_form.html", {"form": form, "case": case})


def _case_page(
    request: HttpRequest, case: MediationCase, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    manage = can_manage_case(user, case) and case.status != CaseStatus.CLOSED
    return render(
        request,
        "mediation/case_detail.html",
        {
            "case": case,
            "parties": case.parties.select_related("organisation"),
            "sessions": case.sessions.select_related("recorded_by"),
            "can_manage": manage,
            "can_edit": can_manage_case(user, case),
            "party_form": forms.get("party_form") or (PartyForm() if manage else None),
            "session_form": forms.get("session_form") or (SessionForm() if manage else None),
            "close_form": forms.get("close_form")
            or (CloseForm(initial={"closed_on": timezone.localdate()}) if manage else None),
        },
        status=status,
    )


@require_GET
@login_required
def case_detail(request: HttpRequest, case_uuid: str) -> HttpResponse:
    return _case_page(request, get_case_for_user(_user(request), case_uuid))


def _managed_case(request: HttpRequest, case_uuid: str) -> MediationCase:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    if not can_manage_case(user, case) or case.status == CaseStatus.CLOSED:
        raise PermissionDenied
    return case


@require_POST
@login_required
def party_new(request: HttpRequest, case_uuid: str) -> HttpResponse:
    case = _managed_case(request, case_uuid)
    form = PartyForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, party_form=form)
    actions.add_party(case=case, by=_user(request), data=form.cleaned_data)
    messages.success(request, _("Party added."))
    return redirect("mediation-detail", case.uuid)


@require_POST
@login_required
def session_new(request: HttpRequest, case_uuid: str) -> HttpResponse:
    case = _managed_case(request, case_uuid)
    form = SessionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, session_form=form)
    actions.record_session(case=case, by=_user(request), data=form.cleaned_data)
    messages.success(request, _("Session recorded."))
    return redirect("mediation-detail", case.uuid)


@require_POST
@login_required
def case_close(request: HttpRequest, case_uuid: str) -> HttpResponse:
    case = _managed_case(request, case_uuid)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, close_form=form)
    actions.close_case(case=case, by=_user(request), **form.cleaned_data)
    messages.success(request, _("Case closed."))
    return redirect("mediation-detail", case.uuid)
