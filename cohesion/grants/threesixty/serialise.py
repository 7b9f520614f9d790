"""Records and publisher settings -> a 360Giving 1.4 data package (a plain dict)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cohesion.grants.threesixty.records import (
    Grant,
    Publisher,
    RecipientOrganisation,
)

STANDARD_VERSION = "1.4"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]")
_DAYS_PER_MONTH = Decimal("30.4375")


def sanitise(value: str) -> str:
    """An identifier part as §2.2 asks: hyphens kept, anything else odd becomes "_"."""
    return _UNSAFE.sub("_", value.strip().replace("/", "-"))


def slug(value: str) -> str:
    """Lower-case ASCII words joined by hyphens, for unregistered groups."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "group"


def grant_id(prefix: str, grant: Grant) -> str:
    """`PREFIX-<year>-<internal id>`; the year is left out if the id already has it.

    "SHF-2026-0042" awarded in 2026 gives "360G-x-SHF-2026-0042", not "…-2026-SHF-2026-…".
    """
    key = sanitise(grant.key)
    year = str(grant.award_date.year)
    if year in key.split("-"):
        return f"{prefix}-{key}"
    return f"{prefix}-{year}-{key}"


def company_number(value: str) -> str:
    """A Companies House number: 8 characters, leading zeros restored."""
    number = re.sub(r"\s+", "", value).upper()
    return number.zfill(8) if number.isdigit() else number


def recipient_id(prefix: str, org: RecipientOrganisation) -> str:
    """The org-id.guide identifier: charity, then company, then another register, then ours."""
    charity = re.sub(r"\s+", "", org.charity_number).upper()
    if charity:
        if charity.startswith("SC"):
            return f"GB-SC-{charity}"
        if charity.startswith("NIC"):
            return f"GB-NIC-{charity[3:]}"
        return f"GB-CHC-{charity}"
    if org.company_number.strip():
        return f"GB-COH-{company_number(org.company_number)}"
    if org.other_scheme.strip() and org.other_number.strip():
        return f"{org.other_scheme.strip().upper()}-{sanitise(org.other_number)}"
    return f"{prefix}-{slug(org.name)}"


def amount(value: Decimal) -> int | float:
    """A JSON number: whole pounds as integers, pence kept otherwise."""
    return int(value) if value == value.to_integral_value() else float(value)


def duration_months(start: date, end: date) -> int:
    """Whole months between two dates (at least one), as plannedDates.duration."""
    days = Decimal((end - start).days + 1)
    return max(1, int((days / _DAYS_PER_MONTH).quantize(Decimal(1))))


def timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _recipient(prefix: str, org: RecipientOrganisation) -> dict[str, Any]:
    data: dict[str, Any] = {"id": recipient_id(prefix, org), "name": org.name}
    optional = {
        "charityNumber": re.sub(r"\s+", "", org.charity_number).upper(),
        "companyNumber": company_number(org.company_number) if org.company_number.strip() else "",
        "streetAddress": org.street_address,
        "addressLocality": org.address_locality,
        "postalCode": org.postal_code.upper(),
        "url": org.url,
    }
    data.update({k: v for k, v in optional.items() if v})
    if org.postal_code or org.address_locality:
        data["addressCountry"] = "United Kingdom"
    return data


def serialise_grant(grant: Grant, publisher: Publisher) -> dict[str, Any]:
    prefix = publisher.prefix
    data: dict[str, Any] = {
        "id": grant_id(prefix, grant),
        "title": grant.title,
        "description": grant.description,
        "currency": grant.currency,
        "amountAwarded": amount(grant.amount_awarded),
        "awardDate": grant.award_date.isoformat(),
    }
    if grant.amount_applied_for is not None:
        data["amountAppliedFor"] = amount(grant.amount_applied_for)
    if grant.payments:
        data["amountDisbursed"] = amount(sum((p.amount for p in grant.payments), Decimal(0)))
    if grant.url:
        data["url"] = grant.url
    if grant.planned_start is not None:
        planned: dict[str, Any] = {"startDate": grant.planned_start.isoformat()}
        if grant.planned_end is not None:
            planned["endDate"] = grant.planned_end.isoformat()
            if grant.planned_end >= grant.planned_start:
                planned["duration"] = duration_months(grant.planned_start, grant.planned_end)
        data["plannedDates"] = [planned]
    data["recipientOrganization"] = [_recipient(prefix, grant.recipient)]
    if grant.locations:
        data["beneficiaryLocation"] = [
            {
                "name": loc.name,
                "countryCode": loc.country_code,
                "geoCode": loc.geo_code,
                "geoCodeType": loc.geo_code_type,
            }
            for loc in grant.locations
        ]
    funder: dict[str, Any] = {"id": grant.funder.id, "name": grant.funder.name}
    if grant.funder.department:
        funder["department"] = grant.funder.department
    data["fundingOrganization"] = [funder]
    if grant.programme is not None:
        programme: dict[str, Any] = {"code": grant.programme.code, "title": grant.programme.title}
        if grant.programme.url:
            programme["url"] = grant.programme.url
        data["grantProgramme"] = [programme]
    data["fromOpenCall"] = "Yes" if grant.from_open_call else "No"
    if grant.classifications:
        data["classifications"] = [
            {"vocabulary": c.vocabulary, "code": c.code, "title": c.title}
            for c in grant.classifications
        ]
    if grant.payments:
        data["disbursementTransaction"] = [
            {
                "id": f"{data['id']}-{sanitise(p.key)}",
                "transactionDate": p.paid_on.isoformat(),
                "currency": grant.currency,
                "value": amount(p.amount),
            }
            for p in grant.payments
        ]
    data["dateModified"] = timestamp(grant.date_modified)
    if publisher.data_source:
        data["dataSource"] = publisher.data_source
    return data


def serialise_package(
    grants: Iterable[Grant], publisher: Publisher, *, now: datetime | None = None
) -> dict[str, Any]:
    """The whole file: package metadata and one entry per grant, in the order given."""
    moment = timestamp(now or datetime.now(UTC))
    publisher_block: dict[str, Any] = {
        "identifier": publisher.funder_id,
        "name": publisher.funder_name,
    }
    if publisher.website:
        publisher_block["website"] = publisher.website
    package: dict[str, Any] = {
        "version": STANDARD_VERSION,
        "title": publisher.title or f"{publisher.funder_name} grants",
        "description": publisher.description
        or f"Grants awarded by {publisher.funder_name}, in the 360Giving Data Standard.",
        "identifier": f"{publisher.prefix}-grants",
        "issued": moment,
        "modified": moment,
        "publisher": publisher_block,
        "license": publisher.license,
        "grants": [serialise_grant(grant, publisher) for grant in grants],
    }
    if publisher.data_source:
        package["accessURL"] = publisher.data_source
    return package
