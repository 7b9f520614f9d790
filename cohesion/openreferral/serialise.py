"""Directory models as Open Referral UK 3.0 / HSDS 3 JSON.

Empty strings in the models mean "not given" and are left out, except where the
schema requires the field (address lines, a taxonomy term's `taxonomy`). The
querysets here prefetch everything a serialiser touches, so a page of services
is a fixed number of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

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

JSON = dict[str, Any]


def _clean(data: JSON) -> JSON:
    """Drop keys whose value is None or "" (not given)."""
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def _datetime(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


# --- querysets --------------------------------------------------------------------------


def location_queryset() -> QuerySet[Location]:
    return Location.objects.prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("id")),
        Prefetch("accessibility", queryset=Accessibility.objects.order_by("id")),
    )


def service_at_location_queryset() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.select_related("location").prefetch_related(
        Prefetch("location__addresses", queryset=Address.objects.order_by("id")),
        Prefetch("location__accessibility", queryset=Accessibility.objects.order_by("id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("byday", "opens_at", "id")),
        Prefetch("phones", queryset=Phone.objects.order_by("id")),
        Prefetch(
            "contacts",
            queryset=Contact.objects.order_by("name", "id").prefetch_related(
                Prefetch("phones", queryset=Phone.objects.order_by("id"))
            ),
        ),
    )


def service_queryset() -> QuerySet[Service]:
    """Services with everything the full serialisation reads."""
    return Service.objects.select_related("organization").prefetch_related(
        Prefetch(
            "schedules",
            queryset=Schedule.objects.filter(service_at_location__isnull=True).order_by(
                "byday", "opens_at", "id"
            ),
        ),
        Prefetch("service_areas", queryset=ServiceArea.objects.order_by("name", "id")),
        Prefetch(
            "service_at_locations",
            queryset=service_at_location_queryset().order_by("location__name", "id"),
        ),
        Prefetch("languages", queryset=Language.objects.order_by("name", "id")),
        Prefetch(
            "contacts",
            queryset=Contact.objects.filter(service_at_location__isnull=True)
            .order_by("name", "id")
            .prefetch_related(Prefetch("phones", queryset=Phone.objects.order_by("id"))),
        ),
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related(
                "taxonomy_term", "taxonomy_term__taxonomy"
            ).order_by("taxonomy_term__name", "id"),
        ),
    )


def taxonomy_term_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")


# --- entities ----------------------------------------------------------------------------


def organization(org: Organization) -> JSON:
    return _clean(
        {
            "id": str(org.id),
            "name": org.name,
            "description": org.description or "",
            "email": org.email,
            "website": org.website,
            "logo": org.logo,
            "uri": org.uri,
            "parent_organization_id": _id(org.parent_id),
        }
    ) | {"description": org.description or ""}


def taxonomy(tax: Taxonomy) -> JSON:
    return _clean(
        {
            "id": str(tax.id),
            "name": tax.name,
            "uri": tax.uri,
            "version": tax.version,
        }
    ) | {"description": tax.description or ""}


def taxonomy_term(term: TaxonomyTerm) -> JSON:
    vocabulary = term.vocabulary or (term.taxonomy.name if term.taxonomy else "")
    return _clean(
        {
            "id": str(term.id),
            "name": term.name,
            "code": term.code,
            "parent_id": _id(term.parent_id),
            "taxonomy_id": _id(term.taxonomy_id),
            "term_uri": term.term_uri,
            "language": term.language,
        }
    ) | {"description": term.description or "", "taxonomy": vocabulary}


def address(addr: Address) -> JSON:
    required = {
        "address_1": addr.address_1,
        "city": addr.city,
        "state_province": addr.state_province,
        "postal_code": addr.postal_code,
        "country": addr.country,
        "address_type": addr.address_type,
    }
    return (
        _clean(
            {
                "id": str(addr.id),
                "location_id": str(addr.location_id),
                "attention": addr.attention,
                "address_2": addr.address_2,
                "region": addr.region,
            }
        )
        | required
    )


def accessibility(item: Accessibility) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "location_id": str(item.location_id),
            "description": item.description,
            "details": item.details,
            "url": item.url,
        }
    )


def location(loc: Location) -> JSON:
    return _clean(
        {
            "id": str(loc.id),
            "location_type": loc.location_type,
            "name": loc.name,
            "description": loc.description,
            "url": loc.url,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "external_identifier": loc.external_identifier,
            "external_identifier_type": loc.external_identifier_type,
        }
    ) | {
        "addresses": [address(a) for a in loc.addresses.all()],
        "accessibility": [accessibility(a) for a in loc.accessibility.all()],
    }


def phone(item: Phone) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "number": item.number,
            "extension": item.extension,
            "type": item.type,
            "description": item.description,
        }
    )


def contact(item: Contact) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "service_id": _id(item.service_id),
            "name": item.name,
            "title": item.title,
            "department": item.department,
            "email": item.email,
        }
    ) | {"phones": [phone(p) for p in item.phones.all()]}


def schedule(item: Schedule) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "service_id": _id(item.service_id),
            "service_at_location_id": _id(item.service_at_location_id),
            "valid_from": _date(item.valid_from),
            "valid_to": _date(item.valid_to),
            "dtstart": _date(item.dtstart),
            "freq": item.freq,
            "interval": item.interval,
            "byday": item.byday,
            "bymonthday": item.bymonthday,
            "description": item.description,
            "opens_at": _time(item.opens_at),
            "closes_at": _time(item.closes_at),
            "schedule_link": item.schedule_link,
            "attending_type": item.attending_type,
            "notes": item.notes,
        }
    )


def language(item: Language) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "service_id": _id(item.service_id),
            "phone_id": _id(item.phone_id),
            "name": item.name,
            "code": item.code,
            "note": item.note,
        }
    )


def service_area(item: ServiceArea) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "service_id": str(item.service_id),
            "name": item.name,
            "description": item.description,
            "extent": item.extent,
            "extent_type": item.extent_type,
            "uri": item.uri,
        }
    )


def attribute(item: Attribute) -> JSON:
    return _clean(
        {
            "id": str(item.id),
            "link_id": str(item.service_id),
            "link_type": item.link_type,
            "link_entity": item.link_entity,
            "taxonomy_term_id": str(item.taxonomy_term_id),
            "value": item.value,
            "label": item.label,
        }
    ) | {"taxonomy_term": taxonomy_term(item.taxonomy_term)}


def service_at_location(sal: ServiceAtLocation) -> JSON:
    return _clean(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
        }
    ) | {
        "location": location(sal.location),
        "schedules": [schedule(s) for s in sal.schedules.all()],
        "phones": [phone(p) for p in sal.phones.all()],
        "contacts": [contact(c) for c in sal.contacts.all()],
    }


def service(svc: Service, fallback_url: Callable[[Service], str]) -> JSON:
    """The full service. `fallback_url` gives a URL when the service has none (ORUK needs one)."""
    return _clean(
        {
            "id": str(svc.id),
            "organization_id": str(svc.organization_id),
            "name": svc.name,
            "description": svc.description,
            "email": svc.email,
            "status": svc.status,
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "assured_date": _date(svc.assured_date),
            "assurer_email": svc.assurer_email,
            "last_modified": _datetime(svc.last_modified),
        }
    ) | {
        "url": svc.url or fallback_url(svc),
        "organization": organization(svc.organization),
        "schedules": [schedule(s) for s in svc.schedules.all()],
        "service_areas": [service_area(a) for a in svc.service_areas.all()],
        "service_at_locations": [service_at_location(s) for s in svc.service_at_locations.all()],
        "languages": [language(x) for x in svc.languages.all()],
        "contacts": [contact(c) for c in svc.contacts.all()],
        "attributes": [attribute(a) for a in svc.attributes.all()],
    }


def page(items: Iterable[JSON], *, total_items: int, page_number: int, per_page: int) -> JSON:
    """The ORUK paging envelope."""
    contents = list(items)
    total_pages = -(-total_items // per_page) if total_items else 0
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
