"""Each 360Giving data-quality check fires on a crafted bad grant and not on a good one."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from cohesion.grants.threesixty import quality
from cohesion.grants.threesixty.quality import ERROR, WARNING, Context, run_checks

TODAY = date(2026, 5, 1)
CTX = Context(today=TODAY)

GOOD: dict[str, Any] = {
    "id": "360G-cohesiondemo-SHF-2026-0001",
    "title": "Park days",
    "description": "Monthly community days in the park.",
    "currency": "GBP",
    "amountAwarded": 950,
    "awardDate": "2026-03-01",
    "plannedDates": [{"startDate": "2026-04-01", "endDate": "2027-03-31", "duration": 12}],
    "recipientOrganization": [
        {
            "id": "GB-CHC-1234567",
            "name": "Friends of Burngreave Park",
            "charityNumber": "1234567",
            "addressLocality": "Sheffield",
            "postalCode": "S4 7AA",
        }
    ],
    "beneficiaryLocation": [
        {"name": "Burngreave", "countryCode": "GB", "geoCode": "E05010851", "geoCodeType": "WD"}
    ],
    "fundingOrganization": [{"id": "GB-LAE-SHF", "name": "Sheffield City Council"}],
    "grantProgramme": [{"code": "SHF-PREVENTION", "title": "Prevention fund"}],
    "fromOpenCall": "Yes",
    "dateModified": "2026-03-02T09:30:00Z",
    "dataSource": "https://example.org/360giving.json",
}


def bad(**changes: Any) -> dict[str, Any]:
    grant = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            grant.pop(key)
        else:
            grant[key] = value
    return grant


def recipient(**fields: Any) -> list[dict[str, Any]]:
    org = {**GOOD["recipientOrganization"][0], **fields}
    return [{k: v for k, v in org.items() if v is not None}]


CASES = [
    (quality.check_zero_amount, "zero_amount", ERROR, bad(amountAwarded=0)),
    (
        quality.check_360g_recipient,
        "360g_recipient_id",
        WARNING,
        bad(recipientOrganization=recipient(id="360G-cohesiondemo-friends")),
    ),
    (
        quality.check_360g_recipient,
        "360g_funder_id",
        WARNING,
        bad(fundingOrganization=[{"id": "360G-council", "name": "Sheffield City Council"}]),
    ),
    (
        quality.check_org_id_prefix,
        "unrecognised_org_prefix",
        WARNING,
        bad(recipientOrganization=recipient(id="XX-ABC-123")),
    ),
    (
        quality.check_id_characters,
        "id_characters",
        ERROR,
        bad(id="360G-cohesiondemo-SHF/2026 1"),
    ),
    (
        quality.check_charity_number,
        "charity_number",
        WARNING,
        bad(recipientOrganization=recipient(charityNumber="12345")),
    ),
    (
        quality.check_company_number,
        "company_number",
        WARNING,
        bad(recipientOrganization=recipient(companyNumber="1234567")),
    ),
    (
        quality.check_no_registration,
        "no_registration",
        WARNING,
        bad(recipientOrganization=recipient(id="360G-cohesiondemo-friends", charityNumber=None)),
    ),
    (
        quality.check_incomplete_recipient,
        "incomplete_recipient",
        WARNING,
        bad(recipientOrganization=recipient(postalCode=None)),
    ),
    (
        quality.check_multiple_funders,
        "multiple_funders",
        WARNING,
        bad(fundingOrganization=GOOD["fundingOrganization"] * 2),
    ),
    (
        quality.check_email_addresses,
        "email_address",
        ERROR,
        bad(description="Contact jo.bloggs@example.org for details."),
    ),
    (
        quality.check_title_description,
        "title_is_description",
        WARNING,
        bad(description="Park days"),
    ),
    (quality.check_title_description, "title_too_long", WARNING, bad(title="x" * 141)),
    (quality.check_completeness, "missing_grantProgramme", WARNING, bad(grantProgramme=None)),
    (
        quality.check_completeness,
        "missing_beneficiaryLocation",
        WARNING,
        bad(beneficiaryLocation=None),
    ),
    (quality.check_completeness, "missing_dateModified", WARNING, bad(dateModified=None)),
    (quality.check_completeness, "missing_dataSource", WARNING, bad(dataSource=None)),
    (quality.check_dates, "impossible_date", ERROR, bad(awardDate="2026-02-30")),
    (
        quality.check_dates,
        "start_after_end",
        ERROR,
        bad(plannedDates=[{"startDate": "2027-04-01", "endDate": "2026-04-01"}]),
    ),
    (
        quality.check_dates,
        "far_date",
        WARNING,
        bad(plannedDates=[{"startDate": "2026-04-01", "endDate": "2046-04-01"}]),
    ),
    (quality.check_dates, "post_dated_award", ERROR, bad(awardDate="2026-06-01")),
    (
        quality.check_geography,
        "geo_code",
        WARNING,
        bad(
            beneficiaryLocation=[
                {"name": "Burngreave", "geoCode": "E06000001", "geoCodeType": "WD"}
            ]
        ),
    ),
]


@pytest.mark.parametrize(("check", "name", "severity", "grant"), CASES, ids=[c[1] for c in CASES])
def test_check_fires_on_bad_grant_only(check, name, severity, grant):
    assert [i for i in check(GOOD, CTX) if i.check == name] == []
    issues = [i for i in check(grant, CTX) if i.check == name]
    assert len(issues) == 1
    assert issues[0].severity == severity
    assert issues[0].grant_id == grant["id"]
    assert issues[0].message


def test_good_grant_has_no_issues_at_all():
    assert run_checks([GOOD], CTX) == []


def test_geo_code_checked_against_the_recipients_postcode():
    ctx = Context(today=TODAY, ward_for_postcode=lambda pc: "E05010862")
    issues = quality.check_geography(GOOD, ctx)
    assert [i.check for i in issues] == ["geo_code_postcode"]
    agreeing = Context(today=TODAY, ward_for_postcode=lambda pc: "E05010851")
    assert quality.check_geography(GOOD, agreeing) == []


def test_file_wide_checks_funder_names_and_duplicate_ids():
    renamed = bad(fundingOrganization=[{"id": "GB-LAE-SHF", "name": "Sheffield CC"}])
    renamed["id"] = "360G-cohesiondemo-SHF-2026-0002"
    assert [i.check for i in run_checks([GOOD, renamed], CTX)] == ["funder_names"]
    issues = run_checks([GOOD, copy.deepcopy(GOOD)], CTX)
    assert [(i.check, i.severity) for i in issues] == [("duplicate_id", ERROR)]


def test_errors_come_first():
    issues = run_checks([bad(amountAwarded=0, dataSource=None)], CTX)
    assert [i.severity for i in issues] == [ERROR, WARNING]
