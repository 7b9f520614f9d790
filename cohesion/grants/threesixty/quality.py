"""Data-quality checks run before publishing (360Giving's own checks, re-implemented).

Each check takes one serialised grant (a dict in the 360Giving shape) and returns
issues. Errors stop publication; warnings are shown to the person publishing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

ERROR = "error"
WARNING = "warning"

# org-id.guide lists a UK grant-maker commonly meets (standards.md §2.2), plus 360G.
KNOWN_PREFIXES = frozenset(
    {
        "GB-CHC",
        "GB-SC",
        "GB-NIC",
        "GB-COH",
        "GB-EDU",
        "GB-UKPRN",
        "GB-LAE",
        "GB-LAS",
        "GB-PLA",
        "GB-LANI",
        "GB-MPR",
        "GB-REV",
        "GB-GOR",
        "GB-NHS",
        "XI-GRID",
        "XI-ROR",
    }
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_ID_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
_CHARITY = re.compile(r"^\d{6,7}$")
_COMPANY = re.compile(r"^[A-Z0-9]{8}$")
_GSS_WARD = re.compile(r"^[EWSN]05\d{6}$")
TITLE_MAX = 140
FAR_YEARS = 10


@dataclass(frozen=True)
class Issue:
    check: str
    severity: str
    grant_id: str
    message: str


@dataclass(frozen=True)
class Context:
    """What the checks need besides the grant: today, and (optionally) a postcode lookup."""

    today: date
    # Postcode -> the GSS code of its ward, or None when unknown.
    ward_for_postcode: Callable[[str], str | None] | None = None


def _id(grant: dict[str, Any]) -> str:
    return str(grant.get("id", "(no id)"))


def _orgs(grant: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [o for o in grant.get(key) or [] if isinstance(o, dict)]


def _prefix(org_id: str) -> str:
    parts = org_id.split("-")
    return "-".join(parts[:2]) if len(parts) >= 2 else org_id


def _parse(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def check_zero_amount(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    value = grant.get("amountAwarded")
    if isinstance(value, int | float) and value <= 0:
        return [Issue("zero_amount", ERROR, _id(grant), f"The amount awarded is £{value}.")]
    return []


def check_360g_recipient(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for org in _orgs(grant, "recipientOrganization"):
        org_id = str(org.get("id", ""))
        if org_id.upper().startswith("360G-") and (
            org.get("charityNumber") or org.get("companyNumber")
        ):
            issues.append(
                Issue(
                    "360g_recipient_id",
                    WARNING,
                    _id(grant),
                    f"{org.get('name')} has a registered number but a 360G identifier "
                    f"({org_id}); use its GB-CHC or GB-COH identifier.",
                )
            )
    for org in _orgs(grant, "fundingOrganization"):
        if str(org.get("id", "")).upper().startswith("360G-"):
            issues.append(
                Issue(
                    "360g_funder_id",
                    WARNING,
                    _id(grant),
                    f"The funder's identifier {org.get('id')} starts 360G-; a council has a "
                    "GB-LAE (or GB-LAS, GB-PLA, GB-LANI) identifier.",
                )
            )
    return issues


def check_org_id_prefix(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for key in ("recipientOrganization", "fundingOrganization"):
        for org in _orgs(grant, key):
            org_id = str(org.get("id", ""))
            if org_id.upper().startswith("360G-"):
                continue
            if _prefix(org_id) not in KNOWN_PREFIXES:
                issues.append(
                    Issue(
                        "unrecognised_org_prefix",
                        WARNING,
                        _id(grant),
                        f"{org.get('name')}'s identifier {org_id} does not start with a "
                        "recognised org-id.guide list code.",
                    )
                )
    return issues


def check_id_characters(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    ids = [("grant", _id(grant))]
    ids += [("recipient", str(o.get("id", ""))) for o in _orgs(grant, "recipientOrganization")]
    ids += [("funder", str(o.get("id", ""))) for o in _orgs(grant, "fundingOrganization")]
    return [
        Issue(
            "id_characters",
            ERROR,
            _id(grant),
            f"The {kind} identifier {value!r} has characters other than letters, digits, "
            "hyphens and underscores.",
        )
        for kind, value in ids
        if value and not _ID_CHARS.match(value)
    ]


def check_charity_number(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for org in _orgs(grant, "recipientOrganization"):
        number = str(org.get("charityNumber", ""))
        if number and not number.startswith(("SC", "NIC")) and not _CHARITY.match(number):
            issues.append(
                Issue(
                    "charity_number",
                    WARNING,
                    _id(grant),
                    f"{org.get('name')}'s charity number {number} is not 6 or 7 digits.",
                )
            )
    return issues


def check_company_number(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for org in _orgs(grant, "recipientOrganization"):
        number = str(org.get("companyNumber", ""))
        if number and not _COMPANY.match(number):
            issues.append(
                Issue(
                    "company_number",
                    WARNING,
                    _id(grant),
                    f"{org.get('name')}'s company number {number} is not 8 letters or digits.",
                )
            )
    return issues


def check_no_registration(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    return [
        Issue(
            "no_registration",
            WARNING,
            _id(grant),
            f"{org.get('name')} has neither a charity nor a company number; it is "
            "published with the council's own 360G identifier.",
        )
        for org in _orgs(grant, "recipientOrganization")
        if not org.get("charityNumber")
        and not org.get("companyNumber")
        and str(org.get("id", "")).upper().startswith("360G-")
    ]


def check_incomplete_recipient(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for org in _orgs(grant, "recipientOrganization"):
        missing = [
            label
            for key, label in (("postalCode", "postcode"), ("addressLocality", "town or city"))
            if not org.get(key)
        ]
        if missing:
            issues.append(
                Issue(
                    "incomplete_recipient",
                    WARNING,
                    _id(grant),
                    f"{org.get('name')} has no {' or '.join(missing)}.",
                )
            )
    return issues


def check_multiple_funders(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    if len(_orgs(grant, "fundingOrganization")) > 1:
        return [
            Issue("multiple_funders", WARNING, _id(grant), "The grant has more than one funder.")
        ]
    return []


def check_email_addresses(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    texts = [("title", grant.get("title")), ("description", grant.get("description"))]
    for org in _orgs(grant, "recipientOrganization"):
        texts += [(f"recipient {k}", v) for k, v in org.items() if isinstance(v, str)]
    for where, text in texts:
        if isinstance(text, str) and _EMAIL.search(text):
            issues.append(
                Issue(
                    "email_address",
                    ERROR,
                    _id(grant),
                    f"The {where} contains what looks like an email address; remove it "
                    "before publishing.",
                )
            )
    return issues


def check_title_description(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    title = str(grant.get("title", "")).strip()
    issues = []
    if title and title == str(grant.get("description", "")).strip():
        issues.append(
            Issue(
                "title_is_description",
                WARNING,
                _id(grant),
                "The title and description are the same.",
            )
        )
    if len(title) > TITLE_MAX:
        issues.append(
            Issue(
                "title_too_long",
                WARNING,
                _id(grant),
                f"The title is {len(title)} characters; keep it under {TITLE_MAX}.",
            )
        )
    return issues


def check_completeness(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    wanted = (
        ("grantProgramme", "grant programme"),
        ("beneficiaryLocation", "beneficiary location"),
        ("dateModified", "last modified date"),
        ("dataSource", "data source"),
    )
    return [
        Issue(f"missing_{key}", WARNING, _id(grant), f"The grant has no {label}.")
        for key, label in wanted
        if not grant.get(key)
    ]


def _dates(grant: dict[str, Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("award date", grant.get("awardDate"))]
    for key, label in (("plannedDates", "planned"), ("actualDates", "actual")):
        for event in grant.get(key) or []:
            if isinstance(event, dict):
                found.append((f"{label} start date", event.get("startDate")))
                found.append((f"{label} end date", event.get("endDate")))
    return [(label, value) for label, value in found if value]


def check_dates(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    for label, value in _dates(grant):
        parsed = _parse(value)
        if parsed is None:
            issues.append(
                Issue(
                    "impossible_date",
                    ERROR,
                    _id(grant),
                    f"The {label} {value!r} is not a real date.",
                )
            )
        elif abs(parsed.year - ctx.today.year) > FAR_YEARS:
            issues.append(
                Issue(
                    "far_date",
                    WARNING,
                    _id(grant),
                    f"The {label} {value} is more than {FAR_YEARS} years from today.",
                )
            )
    for key, label in (("plannedDates", "planned"), ("actualDates", "actual")):
        for event in grant.get(key) or []:
            start, end = _parse(event.get("startDate")), _parse(event.get("endDate"))
            if start and end and start > end:
                issues.append(
                    Issue(
                        "start_after_end",
                        ERROR,
                        _id(grant),
                        f"The {label} start date {start} is after its end date {end}.",
                    )
                )
    award = _parse(grant.get("awardDate"))
    if award and award > ctx.today:
        issues.append(
            Issue(
                "post_dated_award",
                ERROR,
                _id(grant),
                f"The award date {award} is in the future.",
            )
        )
    return issues


def check_geography(grant: dict[str, Any], ctx: Context) -> list[Issue]:
    issues = []
    locations = [loc for loc in grant.get("beneficiaryLocation") or [] if isinstance(loc, dict)]
    for loc in locations:
        code = str(loc.get("geoCode") or "")
        if loc.get("geoCodeType") == "WD" and code and not _GSS_WARD.match(code):
            issues.append(
                Issue(
                    "geo_code",
                    WARNING,
                    _id(grant),
                    f"{loc.get('name')}: {code} is not a ward code (E05…, W05…, S05… or N05…).",
                )
            )
    if ctx.ward_for_postcode is not None and locations:
        codes = {str(loc.get("geoCode")) for loc in locations}
        for org in _orgs(grant, "recipientOrganization"):
            postcode = org.get("postalCode")
            ward = ctx.ward_for_postcode(postcode) if postcode else None
            if ward and ward not in codes and len(locations) == 1:
                issues.append(
                    Issue(
                        "geo_code_postcode",
                        WARNING,
                        _id(grant),
                        f"The beneficiary ward {locations[0].get('geoCode')} is not the ward "
                        f"of the recipient's postcode {postcode} ({ward}); check it is right.",
                    )
                )
    return issues


CHECKS: tuple[Callable[[dict[str, Any], Context], list[Issue]], ...] = (
    check_zero_amount,
    check_360g_recipient,
    check_org_id_prefix,
    check_id_characters,
    check_charity_number,
    check_company_number,
    check_no_registration,
    check_incomplete_recipient,
    check_multiple_funders,
    check_email_addresses,
    check_title_description,
    check_completeness,
    check_dates,
    check_geography,
)


def check_funder_names(grants: Iterable[dict[str, Any]]) -> list[Issue]:
    """Across the file: one funder id must always carry the same name."""
    names: dict[str, set[str]] = defaultdict(set)
    for grant in grants:
        for org in _orgs(grant, "fundingOrganization"):
            names[str(org.get("id"))].add(str(org.get("name")))
    return [
        Issue(
            "funder_names",
            WARNING,
            "(all)",
            f"The funder {funder_id} appears under {len(found)} names: {', '.join(sorted(found))}.",
        )
        for funder_id, found in sorted(names.items())
        if len(found) > 1
    ]


def check_duplicate_ids(grants: Iterable[dict[str, Any]]) -> list[Issue]:
    seen: dict[str, int] = defaultdict(int)
    for grant in grants:
        seen[_id(grant)] += 1
    return [
        Issue("duplicate_id", ERROR, grant_id, f"{count} grants share the identifier {grant_id}.")
        for grant_id, count in sorted(seen.items())
        if count > 1
    ]


def run_checks(grants: list[dict[str, Any]], ctx: Context) -> list[Issue]:
    """Every issue in the grants, errors first, then in grant order."""
    issues = [issue for grant in grants for check in CHECKS for issue in check(grant, ctx)]
    issues += check_funder_names(grants) + check_duplicate_ids(grants)
    return sorted(issues, key=lambda i: i.severity != ERROR)
