"""Staff pages: the list of entries someone keeps or reviews, the edit form, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohesion.accounts.models import User
from cohesion.directory import access, actions
from cohesion.directory.forms import (
    LocationFormSet,
    ManageFilterForm,
    RejectForm,
    ScheduleFormSet,
    ServiceForm,
)
from cohesion.directory.models import (
    Attribute,
    RevisionStatus,
    Service,
    ServiceRevision,
    not_checked_q,
    stale_before,
)
from cohesion.directory.views_public import opening_times, service_locations


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_editor(user: User) -> None:
    if not access.can_edit_directory(user):
        raise Http404


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_editor(user)
    form = ManageFilterForm(request.GET or None)
    pending = ServiceRevision.objects.filter(service=OuterRef("pk"), status=RevisionStatus.PENDING)
    qs = (
        access.services_for_editor(user)
        .select_related("organization")
        .annotate(has_pending=Exists(pending))
        .order_by("name", "id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(name__icontains=data["q"]) | Q(organization__name__icontains=data["q"])
            )
        if data["show"] == "needs_review":
            qs = qs.filter(has_pending=True)
        elif data["show"] == "not_checked":
            qs = qs.filter(not_checked_q())
        elif data["show"] == "unpublished":
            qs = qs.filter(is_published=False)
        if data["category"]:
            qs = qs.filter(
                id__in=Attribute.objects.filter(taxonomy_term=data["category"]).values("service_id")
            )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "directory/manage_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "stale_before": stale_before(),
            "can_review": access.can_review_directory(user),
            "needs_review": access.needs_review(user),
        },
    )


def _initial(
    payload: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    service = dict(payload["service"])
    service["categories"] = payload["categories"]
    service["languages"] = payload["languages"]
    service["phone"] = payload["phone"]
    service["contact_name"] = payload["contact_name"]
    schedules = [
        {
            "byday": [d for d in s["byday"].split(",") if d],
            "opens_at": s["opens_at"] or None,
            "closes_at": s["closes_at"] or None,
            "description": s["description"],
        }
        for s in payload["schedules"]
    ]
    return service, payload["locations"], schedules


def _payload(form: ServiceForm, locations: Any, schedules: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "service": {f: data.get(f) for f in actions.SERVICE_FIELDS},
        "categories": [t.id for t in data["categories"]],
        "languages": data["languages"],
        "phone": data["phone"],
        "contact_name": data["contact_name"],
        "locations": [
            {**f.cleaned_data, "id": f.cleaned_data.get("id") or ""}
            for f in locations.forms
            if f.has_changed() or f.cleaned_data.get("id")
            if not f.cleaned_data.get("DELETE") and f.cleaned_data
        ],
        "schedules": [
            f.payload()
            for f in schedules.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
    }


def _errors(form: ServiceForm, locations: Any, schedules: Any) -> list[tuple[str, str]]:
    items = form.error_summary()
    for formset in (locations, schedules):
        items += [("", str(e)) for e in formset.non_form_errors()]
        for f in formset.forms:
            items += f.error_summary()
    return items


def _edit(request: HttpRequest, service: Service | None) -> HttpResponse:
    user = _user(request)
    organizations = access.organizations_for_editor(user) if service is None else None
    if request.method == "POST":
        form = ServiceForm(request.POST, organizations=organizations)
        locations = LocationFormSet(request.POST, prefix="loc")
        schedules = ScheduleFormSet(request.POST, prefix="sch")
        if form.is_valid() and locations.is_valid() and schedules.is_valid():
            payload = _payload(form, locations, schedules)
            if service is None:
                organization = form.cleaned_data.get("organization") or actions.own_organization(
                    user
                )
                service, revision = actions.create_service(
                    by=user, organization=organization, data=payload
                )
            else:
                revision = actions.update_service(by=user, service=service, data=payload)
            if revision.status == RevisionStatus.PENDING:
                messages.success(
                    request,
                    _("Thank you. An officer will check the change before it is published."),
                )
            else:
                messages.success(request, _("The entry is published."))
            return redirect("directory-manage-service", service_id=service.id)
    else:
        if service is None:
            form = ServiceForm(organizations=organizations)
            locations = LocationFormSet(prefix="loc")
            schedules = ScheduleFormSet(prefix="sch")
        else:
            pending = actions.pending_revision(service)
            payload = pending.data if pending else actions.service_payload(service)
            initial, loc_initial, sch_initial = _initial(payload)
            form = ServiceForm(initial=initial)
            locations = LocationFormSet(prefix="loc", initial=loc_initial)
            schedules = ScheduleFormSet(prefix="sch", initial=sch_initial)
    return render(
        request,
        "directory/service_form.html",
        {
            "form": form,
            "locations": locations,
            "schedules": schedules,
            "service": service,
            "errors": _errors(form, locations, schedules) if request.method == "POST" else [],
            "needs_review": access.needs_review(user),
        },
    )


@login_required
def service_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_editor(user)
    return _edit(request, None)


@login_required
def service_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.get_service_for_editor(_user(request), service_id)
    return _edit(request, service)


@login_required
def service_manage(request: HttpRequest, service_id: str) -> HttpResponse:
    user = _user(request)
    service = access.get_service_for_editor(user, service_id)
    pending = actions.pending_revision(service)
    can_review = access.services_for_reviewer(user).filter(id=service.id).exists()
    return render(
        request,
        "directory/manage_service.html",
        {
            "service": service,
            "pending": pending,
            "pending_changes": _differences(actions.service_payload(service), pending.data)
            if pending
            else [],
            "can_review": can_review,
            "can_mark_reviewed": access.can_mark_reviewed(user, service),
            "reject_form": RejectForm(),
            "revisions": service.revisions.all()[:30],
            "locations": service_locations(service),
            "opening_times": opening_times(service),
        },
    )


def _differences(current: dict[str, Any], proposed: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    rows = []
    for field in actions.SERVICE_FIELDS:
        if current["service"].get(field) != proposed["service"].get(field):
            rows.append(
                (
                    field.replace("_", " "),
                    current["service"].get(field),
                    proposed["service"].get(field),
                )
            )
    for key in ("categories", "languages", "schedules", "locations", "phone", "contact_name"):
        if current.get(key) != proposed.get(key):
            rows.append((key.replace("_", " "), _("changed"), ""))
    return rows


@login_required
@require_POST
def service_approve(request: HttpRequest, service_id: str) -> HttpResponse:
    user = _user(request)
    service = access.get_service_for_reviewer(user, service_id)
    pending = actions.pending_revision(service)
    if pending is None:
        raise Http404
    actions.approve(by=user, revision=pending)
    messages.success(request, _("Change approved and published."))
    return redirect("directory-manage-service", service_id=service.id)


@login_required
@require_POST
def service_reject(request: HttpRequest, service_id: str) -> HttpResponse:
    user = _user(request)
    service = access.get_service_for_reviewer(user, service_id)
    pending = actions.pending_revision(service)
    if pending is None:
        raise Http404
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "directory/reject.html",
            {"service": service, "reject_form": form},
            status=400,
        )
    actions.reject(by=user, revision=pending, reason=form.cleaned_data["reason"])
    messages.success(request, _("Change rejected."))
    return redirect("directory-manage-service", service_id=service.id)


@login_required
@require_POST
def service_mark_reviewed(request: HttpRequest, service_id: str) -> HttpResponse:
    user = _user(request)
    service = access.get_service_for_editor(user, service_id)
    if not access.can_mark_reviewed(user, service):
        raise Http404
    actions.mark_reviewed(by=user, service=service)
    messages.success(request, _("Marked as checked today."))
    return redirect("directory-manage-service", service_id=service.id)
