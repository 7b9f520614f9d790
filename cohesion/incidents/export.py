"""The incident export: a documented, stable CSV contract (docs/incident-export.md).

Pure functions over a queryset. Callers pass `incidents_visible_to(user)` (or
every incident, for an operator on the command line), so an export holds
exactly what the person may see, whatever its publication state. Nothing in
it is free text typed about a person: no narrative, no contact details, no
place description and no point.

Two layouts:
- wide: one row per incident, one 0/1 column per hate strand and incident type;
- long: one row per incident and strand (an incident with no strand has one
  row with an empty strand, so the long table still counts every incident).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.db.models import Count, Prefetch

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents import choices as c
from cohesion.incidents.models import Incident, IncidentQuerySet, Referral
from cohesion.vocabularies.models import Term, Vocabulary

# The Strategic Intelligence Assessment reads these, named exactly so and in this order.
CORE_STRANDS = ("race", "religion", "sexual_orientation", "disability", "transgender")
CORE_COLUMNS = (
    "reference",
    "occurred_on",
    "ward_code",
    *(f"strand_{code}" for code in CORE_STRANDS),
    "victim_key",
    "victim_sex",
    "victim_age_band",
    "victim_ethnicity",
    "suspect_sex",
    "suspect_age_band",
)
LONG_COLUMNS = ("reference", "occurred_on", "ward_code", "strand")
LAYOUTS = ("wide", "long")

SEXES = {c.Sex.FEMALE.value, c.Sex.MALE.value}
AGE_BANDS = {
    band.value
    for band in c.AgeBand
    if band not in (c.AgeBand.PREFER_NOT_TO_SAY, c.AgeBand.NOT_KNOWN)
}
ETHNICITIES = {"asian", "black", "mixed", "white", "other"}
NOT_KNOWN = "not_known"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

Cell = str | int


# --- Codes ---------------------------------------------------------------------------


def _code(value: str, allowed: set[str]) -> str:
    """The contract's code: anything else (prefer not to say, mixed…) is not_known."""
    return value if value in allowed else NOT_KNOWN


def _known(value: str) -> str:
    return NOT_KNOWN if value in ("", c.PREFER_NOT[0]) else value


def _flag(value: bool | None) -> Cell:
    if value is None:
        return ""
    return 1 if value else 0


def neutralise(value: Cell) -> Cell:
    """Stop a spreadsheet reading a text cell as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- Filters -------------------------------------------------------------------------


# The assessment's profile fields, with the codes a figure can be broken down by.
PROFILE_FIELDS: dict[str, set[str]] = {
    "victim_sex": SEXES,
    "victim_age_band": AGE_BANDS,
    "victim_ethnicity": ETHNICITIES,
    "suspect_sex": SEXES,
    "suspect_age_band": AGE_BANDS,
    "suspect_described_ethnicity": ETHNICITIES,
}
# The assessment's column names for model fields named differently.
CONTRACT_FIELDS = {"suspect_ethnicity": "suspect_described_ethnicity"}
# Fields whose missing share the assessment's data-quality table reports.
MISSING_FIELDS = ("ward_code", "strands", "victim_key", *PROFILE_FIELDS, *CONTRACT_FIELDS)


@dataclass(frozen=True)
class ExportFilters:
    """The same filters on the page, the API and the command line.

    Beyond the basic ones, they can say exactly which records sit behind any
    figure of the Strategic Intelligence Assessment: a council, several wards,
    "any of these strands" and "also this strand", a profile group in the
    assessment's codes (where not_known means anything outside them, as in the
    assessment), incidents of repeat victims, and records missing a field.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ward: str = ""
    status: str = ""
    record_kind: str = ""
    strand: str = ""
    council: str = ""
    wards: tuple[str, ...] = ()
    strands: tuple[str, ...] = ()
    and_strand: str = ""
    profile: tuple[tuple[str, str], ...] = ()
    repeat_victims: bool = False
    missing: str = ""

    def apply(self, incidents: IncidentQuerySet) -> IncidentQuerySet:
        incidents = incidents.in_period(self.date_from, self.date_to)
        if self.council:
            incidents = incidents.filter(council__code=self.council.upper())
        if self.ward:
            incidents = incidents.filter(ward__code=self.ward.upper())
        if self.wards:
            incidents = incidents.filter(ward__code__in=[w.upper() for w in self.wards])
        if self.status:
            incidents = incidents.filter(status=self.status)
        if self.record_kind:
            incidents = incidents.filter(record_kind=self.record_kind)
        # Strand filters by subquery, so no join multiplies rows (and no distinct needed).
        through = Incident.strands.through.objects
        for code in filter(None, (self.strand, self.and_strand)):
            incidents = incidents.filter(
                pk__in=through.filter(term__code=code).values("incident_id")
            )
        if self.strands:
            incidents = incidents.filter(
                pk__in=through.filter(term__code__in=self.strands).values("incident_id")
            )
        for field, code in self.profile:
            allowed = PROFILE_FIELDS[field]
            if code == NOT_KNOWN:
                incidents = incidents.exclude(**{f"{field}__in": sorted(allowed)})
            else:
                incidents = incidents.filter(**{field: code})
        if self.missing:
            incidents = _missing(incidents, self.missing)
        if self.repeat_victims:
            # Victims with two or more of the records selected so far (as the assessment counts).
            keys = (
                Incident.objects.filter(pk__in=incidents.values("pk"))
                .exclude(victim_key="")
                .values("victim_key")
                .annotate(n=Count("pk"))
                .filter(n__gte=2)
                .values("victim_key")
            )
            incidents = incidents.filter(victim_key__in=keys)
        return incidents

    def for_audit(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in asdict(self).items()
            if v
        }


def _missing(incidents: IncidentQuerySet, field: str) -> IncidentQuerySet:
    """Records missing `field`, as the assessment's data-quality table counts them."""
    if field == "ward_code":
        return incidents.filter(ward__isnull=True)
    if field == "strands":
        # The assessment counts the core strands only (its CSV contract's columns).
        core = Incident.strands.through.objects.filter(term__code__in=CORE_STRANDS)
        return incidents.exclude(pk__in=core.values("incident_id"))
    if field == "victim_key":
        return incidents.filter(victim_key="")
    field = CONTRACT_FIELDS.get(field, field)
    return incidents.exclude(**{f"{field}__in": sorted(PROFILE_FIELDS[field])})


# --- Rows ----------------------------------------------------------------------------


def strand_codes() -> list[str]:
    """Every hate strand ever defined (retired ones too, so columns never disappear)."""
    others = (
        Term.objects.of(Vocabulary.HATE_STRAND)
        .exclude(code__in=CORE_STRANDS)
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )
    return [*CORE_STRANDS, *others]


def type_codes() -> list[str]:
    return list(
        Term.objects.of(Vocabulary.INCIDENT_TYPE)
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )


def wide_header(strands: list[str], types: list[str]) -> list[str]:
    extra_strands = [f"strand_{code}" for code in strands if code not in CORE_STRANDS]
    return [
        *CORE_COLUMNS,
        "record_kind",
        "asb_qualifier",
        "status",
        "council_code",
        "ward_generation",
        "lsoa_code",
        *extra_strands,
        *(f"type_{code}" for code in types),
        "online",
        "location_type",
        "victim_type",
        "victim_religion",
        "victim_disability",
        "suspect_count",
        "suspect_ethnicity",
        "suspect_known_to_victim",
        "suspect_under_18",
        "reporting_channel",
        "reporter_role",
        "police_reference",
        "referrals",
        "counted_in_statistics",
        "audience",
        "synthetic",
    ]


def for_export(incidents: IncidentQuerySet) -> IncidentQuerySet:
    """One query for the incidents and one per related list, however many rows."""
    codes_only = Term.objects.only("id", "code")
    return (
        incidents.select_related("ward", "council", "lsoa")
        # Exports carry area codes and names; boundaries would be decoded per row.
        .defer("ward__geometry", "council__geometry", "lsoa__geometry")
        .prefetch_related(
            Prefetch("strands", queryset=codes_only),
            Prefetch("incident_types", queryset=codes_only),
            Prefetch(
                "referrals", queryset=Referral.objects.only("id", "incident_id", "referred_to")
            ),
        )
        .order_by("occurred_on", "reference")
    )


def wide_record(incident: Incident, strands: list[str], types: list[str]) -> dict[str, Cell]:
    """One incident as the wide export's columns (also the API's list item)."""
    has_strands = {t.code for t in incident.strands.all()}
    has_types = {t.code for t in incident.incident_types.all()}
    row: dict[str, Cell] = {
        "reference": incident.reference,
        "occurred_on": incident.occurred_on.isoformat(),
        "ward_code": incident.ward.code if incident.ward else "",
    }
    row |= {f"strand_{code}": int(code in has_strands) for code in CORE_STRANDS}
    row |= {
        "victim_key": incident.victim_key,
        "victim_sex": _code(incident.victim_sex, SEXES),
        "victim_age_band": _code(incident.victim_age_band, AGE_BANDS),
        "victim_ethnicity": _code(incident.victim_ethnicity, ETHNICITIES),
        "suspect_sex": _code(incident.suspect_sex, SEXES),
        "suspect_age_band": _code(incident.suspect_age_band, AGE_BANDS),
        "record_kind": incident.record_kind,
        "asb_qualifier": incident.asb_qualifier,
        "status": incident.status,
        "council_code": incident.council.code,
        "ward_generation": incident.ward.generation if incident.ward else "",
        "lsoa_code": incident.lsoa.code if incident.lsoa else "",
    }
    row |= {f"strand_{code}": int(code in has_strands) for code in strands}
    row |= {f"type_{code}": int(code in has_types) for code in types}
    row |= {
        "online": int(incident.online),
        "location_type": incident.location_type,
        "victim_type": incident.victim_type,
        "victim_religion": _known(incident.victim_religion),
        "victim_disability": _known(incident.victim_disability),
        "suspect_count": incident.suspect_count if incident.suspect_count is not None else "",
        "suspect_ethnicity": _known(incident.suspect_described_ethnicity),
        "suspect_known_to_victim": _known(incident.suspect_known_to_victim),
        "suspect_under_18": _flag(incident.suspect_under_18),
        "reporting_channel": incident.reporting_channel,
        "reporter_role": incident.reporter_role,
        "police_reference": incident.police_reference,
        "referrals": ";".join(r.referred_to for r in incident.referrals.all()),
        "counted_in_statistics": int(incident.counted_in_statistics),
        "audience": incident.audience,
        "synthetic": int(incident.is_synthetic),
    }
    return row


def wide_rows(incidents: IncidentQuerySet) -> Iterator[list[Cell]]:
    """The header, then one row per incident, streamed in chunks."""
    strands, types = strand_codes(), type_codes()
    header = wide_header(strands, types)
    yield list[Cell](header)
    for incident in for_export(incidents).iterator(chunk_size=CHUNK):
        row = wide_record(incident, strands, types)
        yield [neutralise(row[name]) for name in header]


def long_rows(incidents: IncidentQuerySet) -> Iterator[list[Cell]]:
    """The header, then one row per incident and strand."""
    yield list[Cell](LONG_COLUMNS)
    for incident in for_export(incidents).iterator(chunk_size=CHUNK):
        base: list[Cell] = [
            neutralise(incident.reference),
            incident.occurred_on.isoformat(),
            neutralise(incident.ward.code if incident.ward else ""),
        ]
        codes = sorted(t.code for t in incident.strands.all()) or [""]
        for code in codes:
            yield [*base, neutralise(code)]


def rows(incidents: IncidentQuerySet, layout: str) -> Iterator[list[Cell]]:
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}: use wide or long")
    return wide_rows(incidents) if layout == "wide" else long_rows(incidents)


def row_count(incidents: IncidentQuerySet, layout: str) -> int:
    """How many data rows an export holds, counted in the database before it streams."""
    if layout == "wide":
        return incidents.count()
    through = Incident.strands.through.objects.filter(incident__in=incidents.values("pk"))
    return through.count() + incidents.filter(strands__isnull=True).count()


# --- Writing -------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for streaming responses."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: Iterable[list[Cell]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in table:
        yield writer.writerow(row)


def write_csv(table: Iterable[list[Cell]], out: IO[str]) -> int:
    """Write every row to `out`; returns the number of data rows (header excluded)."""
    writer = csv.writer(out, lineterminator="\r\n")
    count = -1
    for row in table:
        writer.writerow(row)
        count += 1
    return max(count, 0)


def log_export(
    *, by: User | None, layout: str, filters: ExportFilters, count: int, channel_note: str = ""
) -> None:
    detail: dict[str, Any] = {
        "layout": layout,
        "filters": filters.for_audit(),
        "rows": count,
        "format": "csv",
    }
    if channel_note:
        detail["scope"] = channel_note
    record(action=AuditAction.INCIDENTS_EXPORTED, by=by, detail=detail)


def filename(layout: str, filters: ExportFilters) -> str:
    start = filters.date_from.isoformat() if filters.date_from else "start"
    end = filters.date_to.isoformat() if filters.date_to else "now"
    return f"incidents-{layout}-{start}-to-{end}.csv"
