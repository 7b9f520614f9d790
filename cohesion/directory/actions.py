"""Every change to the directory goes through these functions.

An entry's values travel as one JSON-ready dict (`service_payload`):

    {"service": {name, description, status, …},
     "categories": [taxonomy term ids],
     "languages": [codes],
     "schedules": [{freq, byday, opens_at "HH:MM", closes_at, valid_from, valid_to, description}],
     "locations": [{id?, name, description, location_type, latitude, longitude,
                    address_1, address_2, city, postal_code, accessibility}],
     "phone": "…", "contact_name": "…"}

A change is a `ServiceRevision` holding that dict. Council, police and other
partners' changes (and officers') are applied at once; community and faith
groups' changes wait as pending until an officer approves (applies) or rejects
them with a reason. Applying a payload replaces the service's schedules,
languages, categories and phone; locations keep their ids when edited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.areas.geo import locate_point
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.directory import access
from cohesion.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    RevisionStatus,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceRevision,
    TaxonomyTerm,
)
from cohesion.directory.vocab import LANGUAGE_NAMES

SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
)
LOCATION_FIELDS = ("name", "description", "location_type", "latitude", "longitude")
ADDRESS_FIELDS = ("address_1", "address_2", "city", "postal_code")
SCHEDULE_FIELDS = (
    "freq",
    "byday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "description",
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "system"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _time(value: Any) -> dt.time | None:
    if not value:
        return None
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def normalise_payload(data: Mapping[str, Any]) -> dict[str, Any]:
    """A payload made JSON-ready (times, dates and ids as strings), every key present."""
    service = {f: _json_value(data.get("service", {}).get(f, "")) for f in SERVICE_FIELDS}
    for age in ("minimum_age", "maximum_age"):
        if service[age] == "":
            service[age] = None
    locations = []
    for loc in data.get("locations", []):
        row = {f: _json_value(loc.get(f, "")) for f in (*LOCATION_FIELDS, *ADDRESS_FIELDS)}
        for coord in ("latitude", "longitude"):
            row[coord] = None if row[coord] in ("", None) else float(row[coord])
        row["location_type"] = row["location_type"] or "physical"
        row["accessibility"] = loc.get("accessibility", "")
        if loc.get("id"):
            row["id"] = str(loc["id"])
        locations.append(row)
    return {
        "service": service,
        "categories": sorted(str(_json_value(t)) for t in data.get("categories", [])),
        "languages": sorted(data.get("languages", [])),
        "schedules": [
            {f: _json_value(s.get(f, "")) or "" for f in SCHEDULE_FIELDS}
            for s in data.get("schedules", [])
        ],
        "locations": locations,
        "phone": data.get("phone", ""),
        "contact_name": data.get("contact_name", ""),
    }


def service_payload(service: Service) -> dict[str, Any]:
    """The service's current values, in the payload's shape."""
    locations = []
    for sal in service.service_at_locations.select_related("location").order_by("location__name"):
        loc = sal.location
        address = loc.addresses.first()
        access_row = loc.accessibility.first()
        row: dict[str, Any] = {"id": str(loc.id)}
        row.update({f: getattr(loc, f) for f in LOCATION_FIELDS})
        row.update({f: getattr(address, f) if address else "" for f in ADDRESS_FIELDS})
        row["accessibility"] = access_row.description if access_row else ""
        locations.append(row)
    phone = service.phones.first()
    contact = service.contacts.first()
    return normalise_payload(
        {
            "service": {f: getattr(service, f) for f in SERVICE_FIELDS},
            "categories": [a.taxonomy_term_id for a in service.attributes.all()],
            "languages": [lang.code for lang in service.languages.all()],
            "schedules": [
                {f: getattr(s, f) for f in SCHEDULE_FIELDS} for s in service.schedules.all()
            ],
            "locations": locations,
            "phone": phone.number if phone else "",
            "contact_name": contact.name if contact else "",
        }
    )


def pending_revision(service: Service) -> ServiceRevision | None:
    return service.revisions.filter(status=RevisionStatus.PENDING).first()


def _apply_location(service: Service, loc: Location | None, row: Mapping[str, Any]) -> Location:
    if loc is None:
        loc = Location(organization=service.organization)
    moved = (loc.latitude, loc.longitude) != (row["latitude"], row["longitude"])
    for f in LOCATION_FIELDS:
        setattr(loc, f, row[f])
    if moved or loc._state.adding:
        loc.ward = None
        if loc.latitude is not None and loc.longitude is not None:
            loc.ward = locate_point(loc.latitude, loc.longitude).ward
    loc.save()
    ServiceAtLocation.objects.get_or_create(service=service, location=loc)
    address = loc.addresses.first()
    if row["address_1"] or row["city"] or row["postal_code"]:
        address = address or Address(location=loc)
        for f in ADDRESS_FIELDS:
            setattr(address, f, row[f])
        address.save()
    elif address is not None:
        address.delete()
    loc.accessibility.all().delete()
    if row.get("accessibility"):
        Accessibility.objects.create(location=loc, description=row["accessibility"])
    return loc


def _apply(service: Service, payload: Mapping[str, Any]) -> None:
    """Write a payload onto the service and its related records."""
    for f in SERVICE_FIELDS:
        setattr(service, f, payload["service"][f])
    service.last_modified = timezone.now()
    service.save()

    current = {
        str(sal.location_id): sal.location
        for sal in service.service_at_locations.select_related("location")
    }
    kept: set[str] = set()
    for row in payload["locations"]:
        loc = _apply_location(service, current.get(row.get("id", "")), row)
        kept.add(str(loc.id))
    for loc_id, loc in current.items():
        if loc_id not in kept:
            ServiceAtLocation.objects.filter(service=service, location=loc).delete()
            if not loc.service_at_locations.exists():
                loc.delete()

    service.schedules.all().delete()
    Schedule.objects.bulk_create(
        Schedule(
            service=service,
            freq=s["freq"],
            byday=s["byday"],
            opens_at=_time(s["opens_at"]),
            closes_at=_time(s["closes_at"]),
            valid_from=_date(s["valid_from"]),
            valid_to=_date(s["valid_to"]),
            description=s["description"],
        )
        for s in payload["schedules"]
    )
    service.languages.all().delete()
    Language.objects.bulk_create(
        Language(service=service, code=code, name=LANGUAGE_NAMES.get(code, code))
        for code in payload["languages"]
    )
    service.attributes.all().delete()
    terms = TaxonomyTerm.objects.filter(id__in=payload["categories"])
    Attribute.objects.bulk_create(
        Attribute(service=service, taxonomy_term=t, link_entity="service", link_type="category")
        for t in terms
    )
    service.phones.all().delete()
    if payload["phone"]:
        Phone.objects.create(service=service, number=payload["phone"])
    service.contacts.all().delete()
    if payload["contact_name"]:
        Contact.objects.create(service=service, name=payload["contact_name"])


def _assure(service: Service, by: User | None) -> None:
    service.assured_date = timezone.localdate()
    service.assurer_email = by.email if by is not None else ""
    service.save(update_fields=["assured_date", "assurer_email"])


def _publish(
    *, service: Service, payload: dict[str, Any], by: User | None, revision: ServiceRevision | None
) -> ServiceRevision:
    _apply(service, payload)
    service.is_published = True
    service.save(update_fields=["is_published"])
    _assure(service, by)
    now = timezone.now()
    if revision is None:
        # A direct change replaces anything still waiting.
        service.revisions.filter(status=RevisionStatus.PENDING).update(
            status=RevisionStatus.SUPERSEDED
        )
        revision = ServiceRevision.objects.create(
            service=service,
            status=RevisionStatus.PUBLISHED,
            data=payload,
            created_by=by,
            created_by_name=_name(by),
            created_at=now,
            reviewed_by=by,
            reviewed_by_name=_name(by),
            reviewed_at=now,
        )
    return revision


def _propose(*, service: Service, payload: dict[str, Any], by: User | None) -> ServiceRevision:
    """submit for review: the change waits; an earlier waiting change is replaced."""
    service.revisions.filter(status=RevisionStatus.PENDING).update(status=RevisionStatus.SUPERSEDED)
    return ServiceRevision.objects.create(
        service=service,
        status=RevisionStatus.PENDING,
        data=payload,
        created_by=by,
        created_by_name=_name(by),
    )


@transaction.atomic
def create_service(
    *,
    by: User | None,
    organization: Organization,
    data: Mapping[str, Any],
    is_synthetic: bool = False,
) -> tuple[Service, ServiceRevision]:
    """Add a service. Published at once, unless `by` is a community group (then pending)."""
    if by is not None:
        _require(access.organizations_for_editor(by).filter(id=organization.id).exists())
    payload = normalise_payload(data)
    service = Service(organization=organization, is_synthetic=is_synthetic)
    # The unpublished row holds the proposed values so staff can see them; the public cannot.
    _apply(service, payload)
    if by is not None and access.needs_review(by):
        revision = _propose(service=service, payload=payload, by=by)
    else:
        revision = _publish(service=service, payload=payload, by=by, revision=None)
    record(
        action=AuditAction.DIRECTORY_ENTRY_CHANGED,
        by=by,
        target=service,
        detail={"change": "created", "revision": str(revision.id), "status": revision.status},
    )
    return service, revision


@transaction.atomic
def update_service(*, by: User, service: Service, data: Mapping[str, Any]) -> ServiceRevision:
    """Change a service: published at once, or submitted for review for a community group."""
    _require(access.services_for_editor(by).filter(id=service.id).exists())
    service = Service.objects.select_for_update().get(id=service.id)
    payload = normalise_payload(data)
    if access.needs_review(by):
        revision = submit_for_review(by=by, service=service, payload=payload)
    else:
        revision = _publish(service=service, payload=payload, by=by, revision=None)
        record(
            action=AuditAction.DIRECTORY_ENTRY_CHANGED,
            by=by,
            target=service,
            detail={"change": "published", "revision": str(revision.id)},
        )
    return revision


@transaction.atomic
def submit_for_review(
    *, by: User | None, service: Service, payload: Mapping[str, Any]
) -> ServiceRevision:
    """Propose a change that an officer must approve before the public sees it.

    `by=None` is a loader or import acting for the organisation.
    """
    if by is not None:
        _require(access.services_for_editor(by).filter(id=service.id).exists())
    revision = _propose(service=service, payload=normalise_payload(payload), by=by)
    record(
        action=AuditAction.DIRECTORY_ENTRY_CHANGED,
        by=by,
        target=service,
        detail={"change": "submitted for review", "revision": str(revision.id)},
    )
    return revision


@transaction.atomic
def approve(*, by: User, revision: ServiceRevision) -> ServiceRevision:
    """Apply a pending change and publish the service."""
    revision = ServiceRevision.objects.select_for_update().get(id=revision.id)
    _require(revision.status == RevisionStatus.PENDING)
    _require(access.services_for_reviewer(by).filter(id=revision.service_id).exists())
    _publish(service=revision.service, payload=revision.data, by=by, revision=revision)
    revision.status = RevisionStatus.PUBLISHED
    revision.reviewed_by, revision.reviewed_by_name = by, _name(by)
    revision.reviewed_at = timezone.now()
    revision.save(update_fields=["status", "reviewed_by", "reviewed_by_name", "reviewed_at"])
    record(
        action=AuditAction.DIRECTORY_ENTRY_REVIEWED,
        by=by,
        target=revision.service,
        detail={"decision": "approved", "revision": str(revision.id)},
    )
    return revision


@transaction.atomic
def reject(*, by: User, revision: ServiceRevision, reason: str) -> ServiceRevision:
    """Turn down a pending change; the published entry stays as it was."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    revision = ServiceRevision.objects.select_for_update().get(id=revision.id)
    _require(revision.status == RevisionStatus.PENDING)
    _require(access.services_for_reviewer(by).filter(id=revision.service_id).exists())
    revision.status = RevisionStatus.REJECTED
    revision.reason = reason
    revision.reviewed_by, revision.reviewed_by_name = by, _name(by)
    revision.reviewed_at = timezone.now()
    revision.save(
        update_fields=["status", "reason", "reviewed_by", "reviewed_by_name", "reviewed_at"]
    )
    record(
        action=AuditAction.DIRECTORY_ENTRY_REVIEWED,
        by=by,
        target=revision.service,
        detail={"decision": "rejected", "reason": reason, "revision": str(revision.id)},
    )
    return revision


@transaction.atomic
def mark_reviewed(*, by: User, service: Service) -> Service:
    """Confirm the entry is still right today (sets HSDS assured_date and assurer_email)."""
    _require(access.can_mark_reviewed(by, service))
    _assure(service, by)
    assert service.assured_date is not None
    record(
        action=AuditAction.DIRECTORY_ENTRY_REVIEWED,
        by=by,
        target=service,
        detail={"decision": "checked", "assured_date": service.assured_date.isoformat()},
    )
    return service


@transaction.atomic
def create_organization(
    *, by: User | None, data: Mapping[str, Any], is_synthetic: bool = False
) -> Organization:
    """A directory organisation; a partner's own is kept by their organisation."""
    fields = dict(data)
    if by is not None and not by.is_superuser:
        _require(access.can_edit_directory(by))
        if fields.get("maintainer") is None:
            fields["maintainer"] = by.organisation
        _require(fields["maintainer"] == by.organisation or access.can_review_directory(by))
    organization = Organization.objects.create(is_synthetic=is_synthetic, **fields)
    record(
        action=AuditAction.DIRECTORY_ENTRY_CHANGED,
        by=by,
        target=organization,
        detail={"change": "organisation created"},
    )
    return organization


def own_organization(by: User) -> Organization:
    """The directory organisation `by`'s organisation keeps, made on first use."""
    existing = (
        Organization.objects.filter(maintainer=by.organisation).order_by("created_at").first()
    )
    if existing is not None:
        return existing
    assert by.organisation is not None
    return create_organization(
        by=by,
        data={
            "name": by.organisation.name,
            "description": by.organisation.name,
            "website": by.organisation.website,
        },
    )
