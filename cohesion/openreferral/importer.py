"""Import another council's Open Referral UK 3.0 feed (services as JSON) into the directory.

The file holds one service, a list of services, or a page of `/services`
(`{"contents": [...]}`). Every record is validated against the vendored
schema and its references are checked (organisation, locations, taxonomy
terms and their parents, duplicate ids); then everything is written in one
transaction, or nothing is. Records keep their UUIDs. Errors name the record
(its position, id and name) and the JSON path.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from cohesion.audit.log import record as audit_record
from cohesion.audit.models import AuditAction
from cohesion.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from cohesion.openreferral import validate

JSON = dict[str, Any]


class ImportFailed(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ImportResult:
    services: int = 0
    organizations: int = 0
    locations: int = 0
    taxonomy_terms: int = 0
    taxonomies: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


@dataclass
class _Plan:
    services: list[JSON] = field(default_factory=list)
    organizations: dict[str, JSON] = field(default_factory=dict)
    locations: dict[str, JSON] = field(default_factory=dict)
    terms: dict[str, JSON] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    orphan_terms: set[str] = field(default_factory=set)


def read_records(path: Path) -> list[Any]:
    """The services in a feed file, in order."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc})."]) from None
    except json.JSONDecodeError as exc:
        raise ImportFailed([f"{path}: not JSON ({exc.msg} at line {exc.lineno})."]) from None
    return records_in(data)


def records_in(data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise ImportFailed(["$: expected a service, a list of services or a page with contents."])


def _label(index: int, rec: Any) -> str:
    if isinstance(rec, dict):
        return f"record {index + 1} (service {rec.get('id', '?')} {rec.get('name', '')!r})"
    return f"record {index + 1}"


def _plan(records: list[Any]) -> _Plan:
    errors: list[str] = []
    plan = _Plan()
    seen_child_ids: dict[str, str] = {}
    seen_services: set[str] = set()

    def child(kind: str, item: JSON, where: str) -> None:
        key = str(item.get("id"))
        if key in seen_child_ids and seen_child_ids[key] != kind:
            errors.append(f"{where}.id: id {key} is already used by a {seen_child_ids[key]}.")
        elif key in seen_child_ids and kind not in ("location", "organization", "taxonomy_term"):
            errors.append(f"{where}.id: duplicate {kind} id {key}.")
        seen_child_ids[key] = kind

    for index, rec in enumerate(records):
        label = _label(index, rec)
        schema_errors = validate.errors("service", rec, prefix="$")
        if schema_errors:
            errors.extend(f"{label}: {e}" for e in schema_errors)
            continue
        sid = rec["id"]
        if sid in seen_services:
            errors.append(f"{label}: $.id: duplicate service id {sid} in the file.")
            continue
        seen_services.add(sid)
        if Service.objects.filter(id=sid).exists():
            errors.append(f"{label}: $.id: service {sid} is already in the directory.")
        # Organisation: embedded, or a reference to one elsewhere in the file or already held.
        org = rec.get("organization")
        org_id = rec.get("organization_id") or (org or {}).get("id")
        if org and rec.get("organization_id") and rec["organization_id"] != org["id"]:
            errors.append(f"{label}: $.organization_id: does not match $.organization.id.")
        if org:
            plan.organizations.setdefault(org["id"], org)
        if not org_id:
            errors.append(f"{label}: $.organization_id: a service needs an organisation.")
        for i, sal in enumerate(rec.get("service_at_locations", [])):
            where = f"$.service_at_locations[{i}]"
            child("service_at_location", sal, f"{label}: {where}")
            loc = sal.get("location")
            loc_id = sal.get("location_id") or (loc or {}).get("id")
            if loc and sal.get("location_id") and sal["location_id"] != loc["id"]:
                errors.append(f"{label}: {where}.location_id: does not match location.id.")
            if sal.get("service_id") and sal["service_id"] != sid:
                errors.append(f"{label}: {where}.service_id: is not this service's id.")
            if loc:
                plan.locations.setdefault(loc["id"], loc)
            elif not loc_id:
                errors.append(f"{label}: {where}: no location or location_id.")
        for i, attr in enumerate(rec.get("attributes", [])):
            where = f"$.attributes[{i}]"
            child("attribute", attr, f"{label}: {where}")
            term = attr.get("taxonomy_term")
            term_id = attr.get("taxonomy_term_id") or (term or {}).get("id")
            if term and attr.get("taxonomy_term_id") and attr["taxonomy_term_id"] != term["id"]:
                errors.append(
                    f"{label}: {where}.taxonomy_term_id: does not match taxonomy_term.id."
                )
            if term:
                plan.terms.setdefault(term["id"], term)
            elif not term_id:
                errors.append(f"{label}: {where}: no taxonomy_term or taxonomy_term_id.")
        for kind, key in (
            ("schedule", "schedules"),
            ("language", "languages"),
            ("contact", "contacts"),
            ("service_area", "service_areas"),
        ):
            for i, item in enumerate(rec.get(key, [])):
                child(kind, item, f"{label}: $.{key}[{i}]")
        plan.services.append(rec)

    # References to things not in the file must already be in the directory.
    for index, rec in enumerate(records):
        if not isinstance(rec, dict) or rec not in plan.services:
            continue
        label = _label(index, rec)
        org_id = rec.get("organization_id") or (rec.get("organization") or {}).get("id")
        if org_id and org_id not in plan.organizations and not _exists(Organization, org_id):
            errors.append(f"{label}: $.organization_id: no organisation {org_id}.")
        for i, sal in enumerate(rec.get("service_at_locations", [])):
            loc_id = sal.get("location_id") or (sal.get("location") or {}).get("id")
            if loc_id and loc_id not in plan.locations and not _exists(Location, loc_id):
                errors.append(
                    f"{label}: $.service_at_locations[{i}].location_id: no location {loc_id}."
                )
        for i, attr in enumerate(rec.get("attributes", [])):
            term_id = attr.get("taxonomy_term_id") or (attr.get("taxonomy_term") or {}).get("id")
            if term_id and term_id not in plan.terms and not _exists(TaxonomyTerm, term_id):
                errors.append(
                    f"{label}: $.attributes[{i}].taxonomy_term_id: no taxonomy term {term_id}."
                )
    for term_id, term in plan.terms.items():
        parent = term.get("parent_id")
        if parent and parent not in plan.terms and not _exists(TaxonomyTerm, parent):
            # A service feed carries only the terms services use, not their parents: the
            # term is imported at the top level rather than refusing the whole file.
            plan.warnings.append(
                f"taxonomy term {term_id} ({term.get('name', '')!r}): parent {parent} is not "
                "in the file or the directory; imported without a parent."
            )
            plan.orphan_terms.add(term_id)
    if not records:
        errors.append("$: the file has no services.")
    if errors:
        raise ImportFailed(errors)
    return plan


def _exists(model: type[Any], key: str) -> bool:
    try:
        return bool(model.objects.filter(id=uuid.UUID(key)).exists())
    except ValueError:
        return False


def _s(data: JSON, key: str, limit: int | None = None) -> str:
    value = data.get(key)
    text = "" if value is None else str(value)
    return text[:limit] if limit else text


def _date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) and value else None


def _time(value: Any) -> dt.time | None:
    if not isinstance(value, str) or not value:
        return None
    # Drop a UTC "Z" or an offset: opening times are local wall-clock times.
    return parse_time(value.rstrip("Z")[:8])


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


@transaction.atomic
def import_records(data: Any, *, publish: bool = True) -> ImportResult:
    """Validate and write every record, or raise ImportFailed and write nothing."""
    records = records_in(data)
    plan = _plan(records)
    result = ImportResult(warnings=plan.warnings)
    for org_id, org in plan.organizations.items():
        if _exists(Organization, org_id):
            continue
        Organization.objects.create(
            id=org_id,
            name=_s(org, "name", 255),
            description=_s(org, "description"),
            email=_s(org, "email"),
            website=_s(org, "website"),
            logo=_s(org, "logo"),
            uri=_s(org, "uri"),
        )
        result.organizations += 1
    for org_id, org in plan.organizations.items():
        parent = org.get("parent_organization_id")
        if parent and _exists(Organization, parent):
            Organization.objects.filter(id=org_id).update(parent_id=parent)

    taxonomies: dict[str, Taxonomy] = {}
    new_terms: list[str] = []
    for term_id, term in plan.terms.items():
        if _exists(TaxonomyTerm, term_id):
            continue
        tax_id = term.get("taxonomy_id")
        taxonomy = None
        if tax_id:
            taxonomy = taxonomies.get(tax_id) or Taxonomy.objects.filter(id=tax_id).first()
            if taxonomy is None:
                taxonomy = Taxonomy.objects.create(
                    id=tax_id,
                    name=_s(term, "taxonomy", 255) or "Imported taxonomy",
                    description="Imported from an Open Referral UK feed.",
                )
                result.taxonomies += 1
            taxonomies[tax_id] = taxonomy
        TaxonomyTerm.objects.create(
            id=term_id,
            name=(_s(term, "name") or _s(term, "term"))[:255] or term_id,
            description=_s(term, "description"),
            code=_s(term, "code", 100),
            taxonomy=taxonomy,
            vocabulary=_s(term, "taxonomy", 255),
            language=_s(term, "language", 3),
            term_uri=_s(term, "term_uri"),
        )
        new_terms.append(term_id)
        result.taxonomy_terms += 1
    for term_id in new_terms:
        parent = plan.terms[term_id].get("parent_id")
        if parent and term_id not in plan.orphan_terms:
            TaxonomyTerm.objects.filter(id=term_id).update(parent_id=parent)

    for loc_id, loc in plan.locations.items():
        if _exists(Location, loc_id):
            continue
        location = Location.objects.create(
            id=loc_id,
            location_type=_s(loc, "location_type") or "physical",
            name=_s(loc, "name", 255),
            description=_s(loc, "description"),
            url=_s(loc, "url"),
            latitude=loc.get("latitude"),
            longitude=loc.get("longitude"),
            external_identifier=_s(loc, "external_identifier"),
            external_identifier_type=_s(loc, "external_identifier_type"),
        )
        for a in loc.get("addresses", []):
            Address.objects.create(
                id=a["id"],
                location=location,
                attention=_s(a, "attention"),
                address_1=_s(a, "address_1"),
                address_2=_s(a, "address_2"),
                city=_s(a, "city"),
                region=_s(a, "region"),
                state_province=_s(a, "state_province"),
                postal_code=_s(a, "postal_code"),
                country=_s(a, "country") or "GB",
                address_type=_s(a, "address_type") or "physical",
            )
        for a in loc.get("accessibility", []):
            Accessibility.objects.create(
                id=a["id"],
                location=location,
                description=_s(a, "description"),
                details=_s(a, "details"),
                url=_s(a, "url"),
            )
        result.locations += 1

    for rec in plan.services:
        org_id = rec.get("organization_id") or rec["organization"]["id"]
        modified = parse_datetime(rec["last_modified"]) if rec.get("last_modified") else None
        service = Service.objects.create(
            id=rec["id"],
            organization_id=org_id,
            name=_s(rec, "name", 255),
            description=_s(rec, "description"),
            url=_s(rec, "url"),
            email=_s(rec, "email"),
            status=rec["status"],
            minimum_age=_int(rec.get("minimum_age")),
            maximum_age=_int(rec.get("maximum_age")),
            assured_date=_date(rec.get("assured_date")),
            assurer_email=_s(rec, "assurer_email"),
            is_published=publish,
            **({"last_modified": modified} if modified else {}),
        )
        for sch in rec.get("schedules", []):
            _schedule(sch, service=service)
        for area in rec.get("service_areas", []):
            ServiceArea.objects.create(
                id=area["id"],
                service=service,
                name=_s(area, "name", 255),
                description=_s(area, "description"),
                extent=_s(area, "extent"),
                extent_type=_s(area, "extent_type", 20),
                uri=_s(area, "uri"),
            )
        for sal in rec.get("service_at_locations", []):
            loc_id = sal.get("location_id") or sal["location"]["id"]
            link = ServiceAtLocation.objects.create(
                id=sal["id"],
                service=service,
                location_id=loc_id,
                description=_s(sal, "description"),
            )
            for sch in sal.get("schedules", []):
                _schedule(sch, service_at_location=link)
            for ph in sal.get("phones", []):
                _phone(ph, service_at_location=link)
            for c in sal.get("contacts", []):
                _contact(c, service_at_location=link)
        for lang in rec.get("languages", []):
            Language.objects.create(
                id=lang["id"],
                service=service,
                name=_s(lang, "name", 100) or _s(lang, "code", 100),
                code=_s(lang, "code", 3),
                note=_s(lang, "note"),
            )
        for c in rec.get("contacts", []):
            _contact(c, service=service)
        for attr in rec.get("attributes", []):
            Attribute.objects.create(
                id=attr["id"],
                service=service,
                taxonomy_term_id=attr.get("taxonomy_term_id") or attr["taxonomy_term"]["id"],
                link_type=_s(attr, "link_type", 50),
                link_entity="service",
                value=_s(attr, "value", 255),
                label=_s(attr, "label", 255),
            )
        result.services += 1
    audit_record(
        action=AuditAction.DIRECTORY_IMPORTED,
        by=None,
        detail={"format": "Open Referral UK 3.0", **result.as_dict()},
    )
    return result


def _schedule(data: JSON, **owner: Any) -> None:
    Schedule.objects.create(
        id=data["id"],
        valid_from=_date(data.get("valid_from")),
        valid_to=_date(data.get("valid_to")),
        dtstart=_date(data.get("dtstart")),
        freq=_s(data, "freq"),
        interval=_int(data.get("interval")),
        byday=_s(data, "byday", 60),
        bymonthday=_s(data, "bymonthday", 60),
        description=_s(data, "description"),
        opens_at=_time(data.get("opens_at")),
        closes_at=_time(data.get("closes_at")),
        schedule_link=_s(data, "schedule_link"),
        attending_type=_s(data, "attending_type", 255),
        notes=_s(data, "notes"),
        **owner,
    )


def _phone(data: JSON, **owner: Any) -> None:
    Phone.objects.create(
        id=data["id"],
        number=_s(data, "number"),
        extension=_s(data, "extension"),
        type=_s(data, "type"),
        description=_s(data, "description"),
        **owner,
    )


def _contact(data: JSON, **owner: Any) -> None:
    contact = Contact.objects.create(
        id=data["id"],
        name=_s(data, "name"),
        title=_s(data, "title"),
        department=_s(data, "department"),
        email=_s(data, "email"),
        **owner,
    )
    for ph in data.get("phones", []):
        _phone(ph, contact=contact)


def import_file(path: Path, *, publish: bool = True) -> ImportResult:
    return import_records(read_records(path), publish=publish)
