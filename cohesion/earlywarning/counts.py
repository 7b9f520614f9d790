"""Weekly incident counts for one council, straight from the database.

The methods (`cohesion.insight.early_warning`) take a complete weekly grid,
`WeeklyCounts`. This module builds it with two ORM `GROUP BY` queries (incidents
by ward and day; strand links by ward, strand and day), never a row per incident
in Python: a council's two years are a few thousand (ward, day) groups however
many incidents lie behind them. Days are grouped rather than weeks because "the
Monday of this date" has no portable SQL spelling; Python folds days into weeks.

Series names encode the area and the strand: ``"<area GSS code>/<strand code>"``,
with ``all`` for every strand together, e.g. ``E06000015/all`` (Derby, all
strands) or ``E05013016/religion`` (one ward, one strand). GSS codes and strand
codes never contain "/", so `parse_series` splits on the first one. The same
names appear in `cohesion detect` CSVs exported from here.

Which incidents count: hate crimes reported to the police, hate incidents that
are not crimes, and police non-crime hate incidents shared under an agreement.
Anti-social behaviour records are left out: they are kept for context (a hate
motive is not part of the record kind), and their volume moves with housing and
policing campaigns that say nothing about community tension. No status is left
out: "closed" means dealt with, not "not a hate incident", and triage statuses
say nothing about whether the event happened. Anonymised records keep their date
and ward, so they still count.

An incident with several strands counts once in each strand's series and once
in "all"; one without a ward counts only at council level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, Min, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncDate

from cohesion.areas.models import Area, AreaLevel
from cohesion.earlywarning.models import DateAxis, SeriesLevel
from cohesion.incidents import choices as c
from cohesion.incidents.export import CORE_STRANDS
from cohesion.incidents.models import Incident, IncidentQuerySet
from cohesion.insight.early_warning.types import WeeklyCounts
from cohesion.vocabularies.models import Term, Vocabulary

ALL = "all"
STRANDS: tuple[str, ...] = CORE_STRANDS
SEPARATOR = "/"
# Record kinds that count towards early warning (see the module docstring for why).
COUNTED_KINDS = (
    c.RecordKind.HATE_CRIME,
    c.RecordKind.HATE_INCIDENT,
    c.RecordKind.POLICE_NCHI_SHARED,
)
_WEEK = np.timedelta64(7, "D")

StrandLink = Incident.strands.through


def series_name(area_code: str, strand_code: str | None) -> str:
    """The series name for an area and a strand (None: all strands)."""
    return f"{area_code}{SEPARATOR}{strand_code or ALL}"


def parse_series(name: str) -> tuple[str, str | None]:
    """(area code, strand code) from a series name; the strand is None for all strands."""
    area_code, sep, strand = name.partition(SEPARATOR)
    if not sep or not area_code or not strand:
        raise ValueError(f"{name!r} is not a series name like 'E05013016/race'")
    return area_code, (None if strand == ALL else strand)


def monday(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(today: dt.date | None = None) -> dt.date:
    """The Monday of the last whole week before `today` (the week a weekly run tests)."""
    from django.utils import timezone

    return monday(today or timezone.localdate()) - dt.timedelta(weeks=1)


def counted_incidents(council: Area) -> IncidentQuerySet:
    """The council's incidents that early warning counts."""
    return Incident.objects.filter(council=council, record_kind__in=COUNTED_KINDS)


def _day(axis: str, prefix: str = "") -> Combinable:
    """The date an incident falls on, on `axis`, as an expression (local date for reports)."""
    if axis == DateAxis.REPORTED:
        # The report's timestamp on the local calendar, as people would say the date.
        return TruncDate(f"{prefix}reported_at")
    return F(f"{prefix}occurred_on")


def _day_filter(axis: str, start: dt.date, end: dt.date, prefix: str = "") -> Q:
    if axis == DateAxis.REPORTED:
        return Q(
            **{f"{prefix}reported_at__date__gte": start, f"{prefix}reported_at__date__lte": end}
        )
    return Q(**{f"{prefix}occurred_on__gte": start, f"{prefix}occurred_on__lte": end})


def first_week(council: Area, axis: str) -> dt.date | None:
    """The Monday of the council's first counted incident on `axis` (None: no incidents)."""
    first = counted_incidents(council).aggregate(first=Min(_day(axis)))["first"]
    if first is None:
        return None
    if isinstance(first, dt.datetime):  # SQLite may hand back a datetime for TruncDate
        first = first.date()
    return monday(first)


@dataclass(frozen=True)
class CouncilCounts:
    """One council's weekly counts at both levels, on one date axis."""

    council: Area
    axis: str
    weeks: np.ndarray  # datetime64[D] Mondays
    council_level: WeeklyCounts
    ward_level: WeeklyCounts
    areas: dict[str, Area]  # code -> Area (the council and its wards)
    strands: dict[str, Term]  # code -> Term (the monitored strands)

    def for_level(self, level: str) -> WeeklyCounts:
        return self.council_level if level == SeriesLevel.COUNCIL else self.ward_level

    def series(self, area_code: str, strand_code: str | None) -> np.ndarray:
        """The weekly counts of one series (KeyError if there is no such series)."""
        name = series_name(area_code, strand_code)
        for counts in (self.council_level, self.ward_level):
            if name in counts.series:
                row: np.ndarray = counts.counts[counts.series.index(name)]
                return row
        raise KeyError(name)


def monitored_strands() -> dict[str, Term]:
    """The strand terms counted, by code, in the order of `STRANDS`."""
    terms = {t.code: t for t in Term.objects.of(Vocabulary.HATE_STRAND).filter(code__in=STRANDS)}
    return {code: terms[code] for code in STRANDS if code in terms}


def build_counts(
    council: Area, *, axis: str, end: dt.date, start: dt.date | None = None
) -> CouncilCounts:
    """Complete weekly grids for `council` from `start` (default: its first incident) to `end`.

    Both dates are moved to their Mondays. Every current ward has a series for
    all strands and one per strand, zeros where nothing was recorded; a ward of
    older boundaries that has incidents keeps its own series (by its code).
    """
    end = monday(end)
    if start is None:
        start = first_week(council, axis) or end
    start = min(monday(start), end)
    weeks = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + _WEEK, _WEEK)
    n_weeks = len(weeks)
    last_day = end + dt.timedelta(days=6)
    strands = monitored_strands()
    strand_index = {term.pk: i + 1 for i, term in enumerate(strands.values())}  # 0 = all

    # Query 1: incidents by ward and day ("all strands").
    by_ward_day = (
        counted_incidents(council)
        .filter(_day_filter(axis, start, last_day))
        .values("ward_id", day=_day(axis))
        .annotate(n=Count("id"))
        .order_by()
    )
    # Query 2: strand links by ward, strand and day (an incident once per strand).
    by_strand = (
        StrandLink.objects.filter(
            incident__council=council,
            incident__record_kind__in=COUNTED_KINDS,
            term_id__in=list(strand_index),
        )
        .filter(_day_filter(axis, start, last_day, prefix="incident__"))
        .values("term_id", ward_id=F("incident__ward_id"), day=_day(axis, "incident__"))
        .annotate(n=Count("id"))
        .order_by()
    )
    # rows: (ward id or None, strand slot, day, count)
    rows = [(r["ward_id"], 0, r["day"], r["n"]) for r in by_ward_day]
    rows += [(r["ward_id"], strand_index[r["term_id"]], r["day"], r["n"]) for r in by_strand]

    wards = {w.pk: w for w in Area.objects.current_wards(council)}
    seen = {r[0] for r in rows if r[0] is not None and r[0] not in wards}
    if seen:
        wards.update({w.pk: w for w in Area.objects.filter(pk__in=seen, level=AreaLevel.WARD)})
    ward_codes = sorted({w.code for w in wards.values()})
    code_slot = {code: i for i, code in enumerate(ward_codes)}
    ward_slot = {pk: code_slot[w.code] for pk, w in wards.items()}

    n_slots = len(strands) + 1
    council_grid = np.zeros((n_slots, n_weeks))
    ward_grid = np.zeros((len(ward_codes), n_slots, n_weeks))
    if rows:
        ward_ids, slots, days, ns = zip(*rows, strict=True)
        day_values = np.array(
            [d.date() if isinstance(d, dt.datetime) else d for d in days], dtype="datetime64[D]"
        )
        week_index = (day_values - weeks[0]).astype(np.int64) // 7
        slot = np.asarray(slots, dtype=np.int64)
        count = np.asarray(ns, dtype=np.float64)
        np.add.at(council_grid, (slot, week_index), count)
        ward_pos = np.array([ward_slot.get(w, -1) if w is not None else -1 for w in ward_ids])
        has_ward = ward_pos >= 0
        np.add.at(
            ward_grid,
            (ward_pos[has_ward], slot[has_ward], week_index[has_ward]),
            count[has_ward],
        )

    strand_codes: list[str | None] = [None, *strands]
    council_series = tuple(series_name(council.code, s) for s in strand_codes)
    ward_series = tuple(series_name(code, s) for code in ward_codes for s in strand_codes)
    areas = {council.code: council}
    # Newest boundaries win when a code is in two generations.
    for ward in sorted(wards.values(), key=lambda w: w.generation):
        areas[ward.code] = ward
    return CouncilCounts(
        council=council,
        axis=axis,
        weeks=weeks,
        council_level=WeeklyCounts(council_series, weeks, council_grid),
        ward_level=WeeklyCounts(ward_series, weeks, ward_grid.reshape(len(ward_series), n_weeks)),
        areas=areas,
        strands=strands,
    )
