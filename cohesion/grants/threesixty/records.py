"""Plain records of what a 360Giving grant says, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class RecipientOrganisation:
    """The group that received the grant. `key` is a stable internal reference."""

    key: str
    name: str
    charity_number: str = ""
    company_number: str = ""
    # Another org-id.guide list (e.g. "GB-SC", "GB-MPR") and the number on it.
    other_scheme: str = ""
    other_number: str = ""
    street_address: str = ""
    address_locality: str = ""
    postal_code: str = ""
    url: str = ""


@dataclass(frozen=True)
class Funder:
    id: str
    name: str
    department: str = ""


@dataclass(frozen=True)
class Programme:
    code: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class BeneficiaryLocation:
    """A ward (or other area) the grant benefits; `geo_code` is its GSS code."""

    name: str
    geo_code: str
    geo_code_type: str = "WD"
    country_code: str = "GB"


@dataclass(frozen=True)
class Payment:
    key: str
    paid_on: date
    amount: Decimal


@dataclass(frozen=True)
class Classification:
    vocabulary: str
    code: str
    title: str


@dataclass(frozen=True)
class Grant:
    """One awarded grant. `key` is the internal reference, e.g. "SHF-2026-0042"."""

    key: str
    title: str
    description: str
    amount_awarded: Decimal
    award_date: date
    recipient: RecipientOrganisation
    funder: Funder
    date_modified: datetime
    currency: str = "GBP"
    amount_applied_for: Decimal | None = None
    programme: Programme | None = None
    locations: tuple[BeneficiaryLocation, ...] = ()
    planned_start: date | None = None
    planned_end: date | None = None
    payments: tuple[Payment, ...] = ()
    classifications: tuple[Classification, ...] = ()
    from_open_call: bool = True
    url: str = ""


@dataclass(frozen=True)
class Publisher:
    """Who publishes the file: the council's 360G prefix and its org-id."""

    prefix: str
    funder_id: str
    funder_name: str
    data_source: str = ""
    website: str = ""
    title: str = ""
    description: str = ""
    license: str = "https://creativecommons.org/licenses/by/4.0/"
