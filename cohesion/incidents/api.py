"""/api/v1/incidents/: the same records, scope, actions and export as the pages.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Field as ModelField
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.log import record, record_view
from cohesion.audit.models import AuditAction
from cohesion.incidents import actions, export
from cohesion.incidents.access import get_incident_for_user, incidents_visible_to
from cohesion.incidents.forms import IncidentForm, wards_for
from cohesion.incidents.models import Incident, IncidentLink
from cohesion.vocabularies.models import Term, Vocabulary

router = Router(tags=["incidents"], auth=django_auth)

MAX_PAGE_SIZE = 500


class IncidentRow(Schema):
    """The wide export's fields (docs/incident-export.md), plus the record's identifier."""

    uuid: str
    reference: str
    occurred_on: dt.date
    ward_code: str
    strand_race: int
    strand_religion: int
    strand_sexual_orientation: int
    strand_disability: int
    strand_transgender: int
    victim_key: str
    victim_sex: str
    victim_age_band: str
    victim_ethnicity: str
    suspect_sex: str
    suspect_age_band: str
    record_kind: str
    asb_qualifier: str
    status: str
    council_code: str
    ward_generation: int | None
    lsoa_code: str
    strands: list[str] = Field(..., description="Codes of every hate strand recorded")
    incident_types: list[str] = Field(..., description="Codes of every incident type recorded")
    online: int
    location_type: str
    victim_type: str
    victim_religion: str
    victim_disability: str
    suspect_count: int | None
    suspect_ethnicity: str
    suspect_known_to_victim: str
    suspect_under_18: int | None
    reporting_channel: str
    reporter_role: str
    police_reference: str
    referrals: str
    counted_in_statistics: int
    audience: str
    synthetic: int


class IncidentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[IncidentRow]


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: dt.datetime
    note: str


class ReferralOut(Schema):
    id: int
    referred_to: str
    referred_on: dt.date
    outcome: str
    outcome_on: dt.date | None
    note: str


class IncidentDetail(IncidentRow):
    organisation: str
    occurred_to: dt.date | None
    narrative: str
    location_description: str
    strand_subcodes: list[str]
    consent_to_contact: bool
    consent_to_share: list[str]
    status_history: list[StatusChangeOut]
    referral_list: list[ReferralOut]
    linked_references: list[str] = Field(..., description="Linked incidents you can see")
    repeat_count: int = Field(..., description="Other incidents you can see with the same key")


class IncidentFilters(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="Occurred on or after")
    date_to: dt.date | None = Field(None, alias="to", description="Occurred on or before")
    ward: str | None = Field(None, description="GSS code of a ward")
    status: str | None = None
    record_kind: str | None = None
    strand: str | None = Field(None, description="Hate strand code, e.g. race")

    def export_filters(self) -> export.ExportFilters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' must be the same as or before 'to'")
        return export.ExportFilters(
            date_from=self.date_from,
            date_to=self.date_to,
            ward=self.ward or "",
            status=self.status or "",
            record_kind=self.record_kind or "",
            strand=self.strand or "",
        )


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _row(incident: Incident, strands: list[str], types: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = export.wide_record(incident, strands, types)
    for name in ("ward_generation", "suspect_count", "suspect_under_18"):
        if row[name] == "":
            row[name] = None
    row["uuid"] = str(incident.uuid)
    row["strands"] = sorted(t.code for t in incident.strands.all())
    row["incident_types"] = sorted(t.code for t in incident.incident_types.all())
    return row


def _bad_request(message: str) -> HttpResponse:
    return JsonResponse({"detail": message}, status=400)


@router.get("/incidents/", response=IncidentPage, summary="Incidents you can see")
def list_incidents(
    request: HttpRequest,
    filters: Query[IncidentFilters],
    page: int = 1,
    page_size: int = 100,
) -> Any:
    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_VIEW):
        raise Http404
    try:
        chosen = filters.export_filters()
    except ValueError as exc:
        return _bad_request(str(exc))
    incidents = export.for_export(chosen.apply(incidents_visible_to(user)))
    paginator = Paginator(incidents, max(1, min(page_size, MAX_PAGE_SIZE)))
    current = paginator.get_page(page)
    strands, types = export.strand_codes(), export.type_codes()
    items = [_row(incident, strands, types) for incident in current]
    # The items carry victim keys and demographics: looking at them is recorded.
    record(
        action=AuditAction.PERSONAL_DATA_VIEWED,
        by=user,
        detail={
            "viewed": "incident list (export fields)",
            "filters": chosen.for_audit(),
            "count": len(items),
        },
    )
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": items,
    }


@router.get(
    "/incidents/export.csv",
    summary="The incident export as CSV (docs/incident-export.md)",
    response={200: None},
)
def export_csv(
    request: HttpRequest, filters: Query[IncidentFilters], layout: str = "wide"
) -> HttpResponse | StreamingHttpResponse:
    from cohesion.incidents.views import export_response

    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_EXPORT):
        raise Http404
    if layout not in export.LAYOUTS:
        return _bad_request("layout must be wide or long")
    try:
        chosen = filters.export_filters()
    except ValueError as exc:
        return _bad_request(str(exc))
    incidents = chosen.apply(incidents_visible_to(user))
    return export_response(user, incidents, chosen, layout)


def _detail(user: User, incident: Incident) -> dict[str, Any]:
    visible = incidents_visible_to(user)
    row = _row(incident, export.strand_codes(), export.type_codes())
    links = IncidentLink.objects.filter(Q(from_incident=incident) | Q(to_incident=incident))
    other_ids = [
        link.to_incident_id if link.from_incident_id == incident.pk else link.from_incident_id
        for link in links
    ]
    repeat_count = 0
    if incident.victim_key:
        repeat_count = (
            visible.filter(victim_key=incident.victim_key).exclude(pk=incident.pk).count()
        )
    return row | {
        "organisation": incident.organisation.name,
        "occurred_to": incident.occurred_to,
        "narrative": incident.narrative,
        "location_description": incident.location_description,
        "strand_subcodes": sorted(t.code for t in incident.strand_subcodes.all()),
        "consent_to_contact": incident.consent_to_contact,
        "consent_to_share": list(incident.consent_to_share),
        "status_history": list(incident.status_changes.all()),
        "referral_list": list(incident.referrals.all()),
        "linked_references": sorted(
            visible.filter(pk__in=other_ids).values_list("reference", flat=True)
        ),
        "repeat_count": repeat_count,
    }


@router.get("/incidents/{incident_uuid}", response=IncidentDetail, summary="One incident")
def get_incident(request: HttpRequest, incident_uuid: str) -> dict[str, Any]:
    user = _user(request)
    incident = get_incident_for_user(user, incident_uuid)
    record_view(
        by=user, target=incident, what="incident record (narrative, victim and suspect details)"
    )
    return _detail(user, incident)


def _form_data(user: User, body: dict[str, Any]) -> QueryDict:
    """The JSON body as the page form's fields: codes become the form's choices."""
    data = QueryDict(mutable=True)
    # Fields left out take the model's default (e.g. "not_known"), as the page preselects them.
    for name in actions.EDITABLE_FIELDS:
        field = Incident._meta.get_field(name)
        if not isinstance(field, ModelField):
            continue
        if name not in body and field.has_default() and isinstance(field.default, str):
            data[name] = field.default
    # Newest boundaries win when a code is in two generations.
    wards = {w.code: w.pk for w in wards_for(user).order_by("code", "generation")}
    for name, value in body.items():
        if name == "ward" and isinstance(value, str):
            value = wards.get(value.upper(), value)
        if name == "council" and isinstance(value, str):
            council = Area.objects.filter(code=value.upper(), level=AreaLevel.LAD).first()
            value = council.pk if council else value
        if name in ("strands", "strand_subcodes", "incident_types") and isinstance(value, list):
            vocabulary = {
                "strands": Vocabulary.HATE_STRAND,
                "strand_subcodes": Vocabulary.STRAND_SUBCODE,
                "incident_types": Vocabulary.INCIDENT_TYPE,
            }[name]
            codes = {t.code: t.pk for t in Term.objects.of(vocabulary)}
            value = [codes.get(str(code), code) for code in value]
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on" if name != "suspect_under_18" else "true"
            elif name == "suspect_under_18":
                data[name] = "false"
        elif value is not None:
            data[name] = str(value)
    return data


@router.post(
    "/incidents/",
    response={201: IncidentDetail, 422: ErrorsOut},
    summary="Record an incident (the same checks as the page)",
)
def record_incident(request: HttpRequest, payload: Body[dict[str, Any]]) -> Any:
    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_RECORD) or user.organisation_id is None:
        raise Http404
    form = IncidentForm(_form_data(user, payload), user=user)
    if not form.is_valid():
        return Status(422, {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}})
    try:
        incident = actions.record_incident(
            by=user,
            fields=form.incident_fields(),
            **form.terms(),
            victim_details=form.victim_details(),
            contact=form.contact(),
        )
    except actions.IncidentError as exc:
        return Status(422, {"errors": {"__all__": [str(exc)]}})
    return Status(201, _detail(user, get_incident_for_user(user, incident.uuid)))
