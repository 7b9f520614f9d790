"""360Giving serialisation, schema validation and spreadsheets (pure code, no database)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl

from cohesion.grants.threesixty.flatten import to_csv, to_xlsx
from cohesion.grants.threesixty.records import (
    BeneficiaryLocation,
    Classification,
    Funder,
    Grant,
    Payment,
    Programme,
    Publisher,
    RecipientOrganisation,
)
from cohesion.grants.threesixty.serialise import (
    company_number,
    duration_months,
    grant_id,
    recipient_id,
    sanitise,
    serialise_package,
)
from cohesion.grants.threesixty.validate import validate_grant, validate_package

PREFIX = "360G-cohesiondemo"
PUBLISHER = Publisher(
    prefix=PREFIX,
    funder_id="GB-LAE-SHF",
    funder_name="Sheffield City Council",
    data_source="https://example.org/360giving.json",
)
MINIMAL = {
    "id": "360G-cohesiondemo-2026-1",
    "title": "Community picnic",
    "description": "A picnic for neighbours.",
    "currency": "GBP",
    "amountAwarded": 500,
    "awardDate": "2026-03-01",
    "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "Friends of the Park"}],
    "fundingOrganization": [{"id": "GB-LAE-SHF", "name": "Sheffield City Council"}],
}


def charity_grant() -> Grant:
    return Grant(
        key="SHF-2026-0001",
        title="Park days",
        description="Monthly community days in the park.",
        amount_awarded=Decimal("950.00"),
        award_date=date(2026, 3, 1),
        recipient=RecipientOrganisation(
            key="org-1",
            name="Friends of Burngreave Park",
            charity_number="1234567",
            street_address="1 Park Road",
            address_locality="Sheffield",
            postal_code="s4 7aa",
        ),
        funder=Funder("GB-LAE-SHF", "Sheffield City Council"),
        date_modified=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        amount_applied_for=Decimal(1000),
        programme=Programme("SHF-PREVENTION", "Prevention fund"),
        locations=(BeneficiaryLocation("Burngreave", "E05010851"),),
        planned_start=date(2026, 4, 1),
        planned_end=date(2027, 3, 31),
        payments=(
            Payment("11", date(2026, 4, 2), Decimal(500)),
            Payment("12", date(2026, 9, 2), Decimal(450)),
        ),
        classifications=(Classification("Cohesion objectives", "1", "Bring people together"),),
    )


def company_grant() -> Grant:
    return replace(
        charity_grant(),
        key="SHF-2026-0002",
        title="Youth football",
        description="Weekly mixed football sessions.",
        amount_awarded=Decimal("750.50"),
        recipient=RecipientOrganisation(
            key="org-2", name="Kick Together CIC", company_number="1234567", postal_code="S2 4AA"
        ),
        payments=(),
    )


def group_grant() -> Grant:
    return replace(
        charity_grant(),
        key="SHF-2026-0003",
        title="Coffee mornings",
        description="Coffee mornings for new arrivals.",
        amount_awarded=Decimal(300),
        recipient=RecipientOrganisation(key="org-3", name="Page Hall Neighbours' Café"),
        payments=(),
    )


def package() -> dict:
    return serialise_package(
        [charity_grant(), company_grant(), group_grant()],
        PUBLISHER,
        now=datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
    )


# --- schema validation --------------------------------------------------------------


def test_minimal_grant_is_valid():
    assert validate_grant(MINIMAL) == []
    assert validate_package({"grants": [MINIMAL]}) == []


def test_missing_award_date_fails_with_a_readable_message():
    grant = {k: v for k, v in MINIMAL.items() if k != "awardDate"}
    errors = [str(e) for e in validate_grant(grant)]
    assert errors == ["$: 'awardDate' is missing"]


def test_amount_awarded_as_string_fails():
    errors = validate_package({"grants": [{**MINIMAL, "amountAwarded": "500"}]})
    assert [(e.path, e.message) for e in errors] == [
        ("$.grants[0].amountAwarded", "'500' should be a number, not str")
    ]


def test_award_date_must_be_a_date():
    errors = validate_grant({**MINIMAL, "awardDate": "01/03/2026"})
    assert [e.path for e in errors] == ["$.awardDate"]
    assert "YYYY-MM-DD" in errors[0].message


def test_package_needs_at_least_one_grant():
    assert [e.path for e in validate_package({"grants": []})] == ["$.grants"]


# --- identifiers -------------------------------------------------------------------


def test_grant_ids_have_prefix_year_and_sanitised_key():
    grant = charity_grant()
    assert grant_id(PREFIX, grant) == "360G-cohesiondemo-SHF-2026-0001"
    assert grant_id(PREFIX, replace(grant, key="APP 42")) == "360G-cohesiondemo-2026-APP_42"
    assert grant_id(PREFIX, replace(grant, key="A/7")) == "360G-cohesiondemo-2026-A-7"
    assert sanitise("a b&c") == "a_b_c"


def test_recipient_ids_use_org_id_prefixes():
    org = RecipientOrganisation(key="k", name="Group")
    assert recipient_id(PREFIX, replace(org, charity_number="123 4567")) == "GB-CHC-1234567"
    assert recipient_id(PREFIX, replace(org, charity_number="SC012345")) == "GB-SC-SC012345"
    assert recipient_id(PREFIX, replace(org, company_number="1234567")) == "GB-COH-01234567"
    assert recipient_id(PREFIX, replace(org, company_number="sc123456")) == "GB-COH-SC123456"
    assert (
        recipient_id(PREFIX, replace(org, other_scheme="GB-MPR", other_number="IP0123"))
        == "GB-MPR-IP0123"
    )
    assert recipient_id(PREFIX, replace(org, name="Page Hall Neighbours' Café")) == (
        "360G-cohesiondemo-page-hall-neighbours-cafe"
    )
    assert company_number("00123") == "00000123"


def test_duration_in_whole_months():
    assert duration_months(date(2026, 4, 1), date(2027, 3, 31)) == 12
    assert duration_months(date(2026, 4, 1), date(2026, 4, 10)) == 1


# --- the exported package ---------------------------------------------------------


def test_exported_package_validates_with_expected_values():
    data = package()
    assert validate_package(data) == []
    assert data["version"] == "1.4"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"] == {"identifier": "GB-LAE-SHF", "name": "Sheffield City Council"}
    grants = data["grants"]
    assert [g["id"] for g in grants] == [
        "360G-cohesiondemo-SHF-2026-0001",
        "360G-cohesiondemo-SHF-2026-0002",
        "360G-cohesiondemo-SHF-2026-0003",
    ]
    assert [g["amountAwarded"] for g in grants] == [950, 750.5, 300]
    assert [g["recipientOrganization"][0]["id"] for g in grants] == [
        "GB-CHC-1234567",
        "GB-COH-01234567",
        "360G-cohesiondemo-page-hall-neighbours-cafe",
    ]
    first = grants[0]
    assert first["fundingOrganization"] == [{"id": "GB-LAE-SHF", "name": "Sheffield City Council"}]
    assert first["fromOpenCall"] == "Yes"
    assert first["grantProgramme"] == [{"code": "SHF-PREVENTION", "title": "Prevention fund"}]
    assert first["beneficiaryLocation"] == [
        {"name": "Burngreave", "countryCode": "GB", "geoCode": "E05010851", "geoCodeType": "WD"}
    ]
    assert first["plannedDates"] == [
        {"startDate": "2026-04-01", "endDate": "2027-03-31", "duration": 12}
    ]
    assert first["amountAppliedFor"] == 1000
    assert first["amountDisbursed"] == 950
    assert [t["value"] for t in first["disbursementTransaction"]] == [500, 450]
    assert first["disbursementTransaction"][0]["id"] == "360G-cohesiondemo-SHF-2026-0001-11"
    assert first["recipientOrganization"][0]["postalCode"] == "S4 7AA"
    assert first["classifications"][0]["code"] == "1"
    assert first["dateModified"] == "2026-03-02T09:30:00Z"
    assert first["dataSource"] == "https://example.org/360giving.json"


# --- spreadsheets ------------------------------------------------------------------

TITLES = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
]
MORE_TITLES = [
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Planned Dates:Duration (months)",
    "From An Open Call?",
    "Last Modified",
    "Data Source",
]


def test_csv_uses_the_standard_titles_one_row_per_grant():
    rows = list(csv.DictReader(io.StringIO(to_csv(package()["grants"]).decode("utf-8"))))
    header = list(rows[0].keys())
    assert header[: len(TITLES)] == TITLES
    assert set(MORE_TITLES) <= set(header)
    assert [r["Identifier"] for r in rows] == [
        "360G-cohesiondemo-SHF-2026-0001",
        "360G-cohesiondemo-SHF-2026-0002",
        "360G-cohesiondemo-SHF-2026-0003",
    ]
    assert rows[1]["Recipient Org:Identifier"] == "GB-COH-01234567"
    assert rows[1]["Recipient Org:Company Number"] == "01234567"
    assert rows[0]["Amount Awarded"] == "950"
    assert rows[0]["From An Open Call?"] == "Yes"
    assert rows[0]["Grant Programme:Code"] == "SHF-PREVENTION"


def test_xlsx_opens_with_the_same_header_row():
    grants = package()["grants"]
    csv_header = next(csv.reader(io.StringIO(to_csv(grants).decode("utf-8"))))
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(grants)))
    assert book.sheetnames[0] == "grants"
    sheet = book["grants"]
    assert [c.value for c in sheet[1]] == csv_header
    assert sheet.max_row == 4
    # Two payments do not fit one row: they get their own sheet.
    assert "disbursementTransaction" in book.sheetnames
