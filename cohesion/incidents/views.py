"""Partner pages for incidents: list, record, read, edit, triage, refer, link, export.

Every page reads through the access helper (`incidents_visible_to` and
friends), so another organisation's record, or one outside the wards a
person covers, is the same 404 as a reference that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.log import record_view
from cohesion.incidents import actions, export
from cohesion.incidents import choices as c
from cohesion.incidents.access import (
    can_edit_incident,
    can_verify_incident,
    get_incident_for_user,
    incidents_visible_to,
)
from cohesion.incidents.forms import (
    IncidentFilterForm,
    IncidentForm,
    LinkForm,
    ReferralForm,
    ReferralOutcomeForm,
    StatusForm,
)
from cohesion.incidents.models import ContactDetails, Incident, IncidentLink, Referral

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def filters_from(form: IncidentFilterForm) -> export.ExportFilters:
    data = form.cleaned_data
    return export.ExportFilters(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        status=data.get("status") or "",
        record_kind=data.get("record_kind") or "",
        council=data.get("council") or "",
        wards=tuple(data.get("ward") or ()),
        strands=tuple(data.get("strand") or ()),
        and_strand=data.get("and_strand") or "",
        profile=tuple((name, data[name]) for name in export.PROFILE_FIELDS if data.get(name)),
        repeat_victims=bool(data.get("repeat")),
        missing=data.get("missing") or "",
    )


def export_response(
    user: User, incidents: Any, filters: export.ExportFilters, layout: str
) -> StreamingHttpResponse:
    """Stream the CSV and write the audit row (with the row count) before it leaves."""
    if layout not in export.LAYOUTS:
        raise Http404
    count = export.row_count(incidents, layout)
    export.log_export(by=user, layout=layout, filters=filters, count=count)
    response = StreamingHttpResponse(
        export.csv_lines(export.rows(incidents, layout)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename(layout, filters)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def incident_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Incidents the person may see: no narrative or personal data on this page."""
    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_VIEW):
        raise Http404
    query = request.GET.copy()
    wants_csv = query.pop("format", [""])[-1] == "csv"
    layout = query.pop("layout", ["wide"])[-1]
    query.pop("page", None)
    form = IncidentFilterForm(query or None, user=user)
    incidents = incidents_visible_to(user)
    filters = export.ExportFilters()
    if form.is_bound and form.is_valid():
        filters = filters_from(form)
        incidents = filters.apply(incidents)
    elif form.is_bound:
        incidents = incidents.none()
    can_export = has_permission(user, Permission.INCIDENT_EXPORT)
    if wants_csv:
        if not can_export or (form.is_bound and not form.is_valid()):
            raise Http404
        return export_response(user, incidents, filters, layout)
    listed = (
        incidents.select_related("ward", "council")
        .defer("ward__geometry", "council__geometry")  # boundaries: not shown, slow to decode
        .prefetch_related("strands")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_record": has_permission(user, Permission.INCIDENT_RECORD),
            "can_export": can_export,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_RECORD) or user.organisation_id is None:
        raise Http404
    form = IncidentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.record_incident(
                by=user,
                fields=form.incident_fields(),
                **form.terms(),
                victim_details=form.victim_details(),
                contact=form.contact(),
            )
        except actions.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Incident %(ref)s recorded") % {"ref": incident.reference})
            return redirect("incident-detail", incident_uuid=incident.uuid)
    return render(request, "incidents/form.html", {"form": form, "incident": None})


@require_GET
@login_required
def incident_detail(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user = _user(request)
    incident = get_incident_for_user(user, incident_uuid)
    record_view(
        by=user, target=incident, what="incident record (narrative, victim and suspect details)"
    )
    visible = incidents_visible_to(user)
    repeat_count = 0
    if incident.victim_key:
        repeat_count = (
            visible.filter(victim_key=incident.victim_key).exclude(pk=incident.pk).count()
        )
    links = (
        IncidentLink.objects.filter(Q(from_incident=incident) | Q(to_incident=incident))
        .select_related("from_incident", "to_incident")
        .order_by("linked_at")
    )
    visible_ids = set(
        visible.filter(
            pk__in=[pk for link in links for pk in (link.from_incident_id, link.to_incident_id)]
        ).values_list("pk", flat=True)
    )
    linked = [
        {
            "incident": other,
            "visible": other.pk in visible_ids,
            "reason": link.reason,
            "linked_at": link.linked_at,
        }
        for link in links
        for other in [
            link.to_incident if link.from_incident_id == incident.pk else link.from_incident
        ]
    ]
    can_edit = can_edit_incident(user, incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "strands": incident.strands.all(),
            "subcodes": incident.strand_subcodes.all(),
            "types": incident.incident_types.all(),
            "history": incident.status_changes.select_related("changed_by"),
            "referrals": incident.referrals.select_related("referred_by"),
            "linked": linked,
            "repeat_count": repeat_count,
            "has_contact": ContactDetails.objects.filter(incident=incident).exists(),
            "can_edit": can_edit,
            "can_verify": can_verify_incident(user, incident),
        },
    )


@require_GET
@login_required
def incident_contact(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    """Contact details are shown only on request, to the holding organisation, and audited."""
    user = _user(request)
    incident = get_incident_for_user(user, incident_uuid)
    if not can_edit_incident(user, incident):
        raise Http404
    contact = ContactDetails.objects.filter(incident=incident).first()
    if contact is None:
        raise Http404
    record_view(by=user, target=incident, what="contact details")
    return render(request, "incidents/contact.html", {"incident": incident, "contact": contact})


def _editable(request: HttpRequest, incident_uuid: str) -> tuple[User, Incident]:
    user = _user(request)
    incident = get_incident_for_user(user, incident_uuid)
    if not can_edit_incident(user, incident):
        # Seeing a shared record is not the right to change it; say nothing more.
        raise Http404
    return user, incident


@require_http_methods(["GET", "POST"])
@login_required
def incident_edit(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user, incident = _editable(request, incident_uuid)
    # The form works on its own copy so a refused change leaves `incident` as stored.
    form = IncidentForm(
        request.POST or None, user=user, instance=Incident.objects.get(pk=incident.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_incident(
                incident,
                by=user,
                fields=form.incident_fields(),
                **form.terms(),
                victim_details=form.victim_details(),
                contact=form.contact(),
            )
        except actions.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(request, _("Your changes were saved"))
            return redirect("incident-detail", incident_uuid=incident.uuid)
    elif request.method == "GET":
        record_view(by=user, target=incident, what="incident record (for editing)")
    return render(request, "incidents/form.html", {"form": form, "incident": incident})


@require_http_methods(["GET", "POST"])
@login_required
def incident_status(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user, incident = _editable(request, incident_uuid)
    can_verify = can_verify_incident(user, incident)
    allowed = [
        (status, c.Status(status).label)
        for status in actions.NEXT_STATUSES[incident.status]
        if status != c.Status.VERIFIED or can_verify
    ]
    form = StatusForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(
                incident,
                by=user,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                counted_in_statistics=form.cleaned_data["counted_in_statistics"],
            )
        except actions.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Status changed to %(s)s") % {"s": incident.get_status_display()}
            )
            return redirect("incident-detail", incident_uuid=incident.uuid)
    return render(
        request,
        "incidents/status.html",
        {"form": form, "incident": incident, "can_verify": can_verify},
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_new(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user, incident = _editable(request, incident_uuid)
    form = ReferralForm(
        request.POST or None, initial={"referred_on": timezone.localdate().isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_referral(incident, by=user, **form.cleaned_data)
        except actions.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral recorded"))
            return redirect("incident-detail", incident_uuid=incident.uuid)
    return render(
        request,
        "incidents/small_form.html",
        {"form": form, "incident": incident, "title": _("Record a referral")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_outcome(request: HttpRequest, incident_uuid: str, referral_id: int) -> HttpResponse:
    user, incident = _editable(request, incident_uuid)
    referral = get_object_or_404(Referral, pk=referral_id, incident=incident)
    form = ReferralOutcomeForm(
        request.POST or None,
        initial={"outcome": referral.outcome, "outcome_on": timezone.localdate().isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_referral_outcome(referral, by=user, **form.cleaned_data)
        except actions.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral outcome recorded"))
            return redirect("incident-detail", incident_uuid=incident.uuid)
    title = _("Outcome of the referral to %(to)s") % {"to": referral.get_referred_to_display()}
    return render(
        request, "incidents/small_form.html", {"form": form, "incident": incident, "title": title}
    )


@require_http_methods(["GET", "POST"])
@login_required
def link_new(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user, incident = _editable(request, incident_uuid)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = incidents_visible_to(user).filter(reference=form.cleaned_data["reference"]).first()
        if other is None:
            form.add_error(
                "reference", _("There is no incident with that reference that you can see")
            )
        else:
            try:
                actions.link_incidents(incident, other, by=user, reason=form.cleaned_data["reason"])
            except actions.IncidentError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, _("Incidents linked"))
                return redirect("incident-detail", incident_uuid=incident.uuid)
    return render(
        request,
        "incidents/small_form.html",
        {"form": form, "incident": incident, "title": _("Link to another incident")},
    )
