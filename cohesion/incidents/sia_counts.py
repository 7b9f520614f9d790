"""The assessment's counts straight from the database: `incident_marginals`.

The Strategic Intelligence Assessment needs only marginal counts
(`cohesion.insight.marginals.Marginals`), so rather than fetching a row per
incident into pandas (`frames.incident_frame`), the database counts them: a
handful of GROUP BY queries built with the ORM from the caller's queryset, so
the person's scope and the page's filters apply exactly as on every other page
and no input is ever pasted into SQL. Each query returns at most a few
thousand rows, whatever the number of incidents:

1. the period's incidents by day and ward, with how many have no victim key;
2. the previous period's incidents by day;
3. strand links by day and strand (both periods);
4. the period's incidents by the six coded columns together;
5. the period's incidents with none of the contract's strands (an anti-join);
6. the period's victim keys with their record counts, summarised in the database.

They run in one transaction, so they all count the same records, and on
PostgreSQL the index `incidents_sia_counts` (occurred_on, including every
column they read) answers most of them without touching the table's rows.

Days, not months, are grouped so that a period need not start on the 1st and
the two periods may overlap (a period longer than a year): Python sorts the
days into periods and months. Codes are mapped as the CSV export maps them
(anything outside the contract, such as "prefer not to say", is not_known), so
the result equals `summarise(incident_frame(...))` exactly; tests check this.

The same queries run on SQLite and PostgreSQL. PostgreSQL could fold queries
1, 4 and 6 into one scan with GROUPING SETS, but the ORM cannot express them,
and a hand-written trial was slower than the separate scans (it sorted);
benchmarks/sia.py compares the whole with a plain SQL count of wards and strands.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from cohesion.areas.models import Area
from cohesion.incidents.export import AGE_BANDS, CORE_STRANDS, ETHNICITIES, NOT_KNOWN, SEXES
from cohesion.incidents.models import Incident, IncidentQuerySet
from cohesion.insight.marginals import Marginals, PeriodCounts, month_of, periods
from cohesion.vocabularies.models import Term

# The contract's coded columns and the model values that keep their own code.
CODED: dict[str, set[str]] = {
    "victim_sex": SEXES,
    "victim_age_band": AGE_BANDS,
    "victim_ethnicity": ETHNICITIES,
    "suspect_sex": SEXES,
    "suspect_age_band": AGE_BANDS,
    "suspect_ethnicity": ETHNICITIES,
}
# Contract column -> model field, where the names differ.
MODEL_FIELD: dict[str, str] = {"suspect_ethnicity": "suspect_described_ethnicity"}

StrandLink = Incident.strands.through


def _term_ids(codes: Sequence[str]) -> dict[int, str]:
    """Strand terms by primary key, for these codes (matched by code, as `incident_frame` does).

    The queries filter the link table on these ids rather than joining the
    terms: the planner then sees from the link table's own statistics that
    nearly every link matches, and hash-joins instead of probing the incidents
    once per link (an order of magnitude slower on a million links).
    """
    return dict(Term.objects.filter(code__in=list(codes)).values_list("pk", "code"))


def _links_to(term_ids: Sequence[int]) -> Exists:
    """True for an incident linked to any of these terms (a correlated EXISTS).

    A subquery, not a join, so no incident is counted once per strand; in a
    WHERE clause the database plans it as a (anti-)semi-join.
    """
    return Exists(StrandLink.objects.filter(incident_id=OuterRef("pk"), term_id__in=term_ids))


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """Run the queries in one transaction, so they all count the same records.

    On PostgreSQL a new transaction is made REPEATABLE READ (one snapshot for
    every statement; READ COMMITTED would let a record saved between two
    queries show in one and not the other), and READ ONLY. Inside a caller's
    transaction its own isolation applies. SQLite reads one snapshot per
    transaction anyway; there (settings: transaction mode IMMEDIATE) it also
    holds the write lock while counting, milliseconds at SQLite's sizes.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def incident_marginals(
    incidents: IncidentQuerySet,
    *,
    start: dt.date,
    end: dt.date,
    strands: Sequence[str] = (),
) -> Marginals:
    """The marginals of `incidents` for start..end (and the same dates a year earlier).

    `incidents` is any incident queryset (a person's scope, a council, wards);
    `strands` keeps incidents carrying any of these strand codes. The queryset
    must not join strands itself (use `strands`), or strand counts would repeat.
    """
    with _snapshot(incidents.db):
        return _count(incidents, start, end, strands)


def _count(
    incidents: IncidentQuerySet, start: dt.date, end: dt.date, strands: Sequence[str]
) -> Marginals:
    period, previous_period = periods(start, end)
    core = _term_ids(CORE_STRANDS)
    scope = incidents.order_by()  # no Meta.ordering in the GROUP BYs
    if strands:
        scope = scope.filter(_links_to(list(_term_ids(strands))))
    now = Q(occurred_on__gte=period.start, occurred_on__lte=period.end)
    before = Q(occurred_on__gte=previous_period.start, occurred_on__lte=previous_period.end)
    current, previous = scope.filter(now), scope.filter(before)
    if previous_period.end >= period.start - dt.timedelta(days=1):
        # The periods touch or overlap (a year or longer): one range, which an index
        # can scan, rather than an OR of two, which PostgreSQL reads as a whole table.
        both = scope.filter(occurred_on__gte=previous_period.start, occurred_on__lte=period.end)
    else:
        both = scope.filter(now | before)

    # 1. The period by day and ward, with the records that have no victim key; and
    # 2. the previous period by day. Two queries, not one over both periods: each
    # reads one range of the `incidents_sia_counts` index (PostgreSQL reads the
    # whole table instead once the range covers most of it: measured twice as slow).
    totals = {"now": 0, "before": 0}
    months: dict[str, Counter[str]] = {"now": Counter(), "before": Counter()}
    by_ward_id: Counter[int] = Counter()
    no_ward = no_key = 0
    days = current.values_list("occurred_on", "ward_id").annotate(
        n=Count("pk"), unkeyed=Count("pk", filter=Q(victim_key=""))
    )
    for day, ward_id, n, unkeyed in days:
        totals["now"] += n
        months["now"][month_of(day)] += n
        no_key += unkeyed
        if ward_id is None:
            no_ward += n
        else:
            by_ward_id[ward_id] += n
    for day, n in previous.values_list("occurred_on").annotate(n=Count("pk")):
        totals["before"] += n
        months["before"][month_of(day)] += n
    # Ward ids to GSS codes (a code can have one row per boundary generation).
    wards: Counter[str] = Counter()
    for pk, code in Area.objects.filter(pk__in=list(by_ward_id)).values_list("pk", "code"):
        wards[code] += by_ward_id[pk]

    # 3. Strands, both periods: an incident counts once under each strand it carries.
    by_strand: dict[str, Counter[str]] = {"now": Counter(), "before": Counter()}
    links = (
        both.filter(strands__in=list(core))
        .values_list("occurred_on", "strands")
        .annotate(n=Count("pk"))
    )
    for day, term_id, n in links:
        if day in previous_period:
            by_strand["before"][core[term_id]] += n
        if day in period:
            by_strand["now"][core[term_id]] += n

    # 4. The coded columns, counted together: a few thousand combinations at most.
    coded: dict[str, Counter[str]] = {column: Counter() for column in CODED}
    fields = [MODEL_FIELD.get(column, column) for column in CODED]
    for *values, n in current.values_list(*fields).annotate(n=Count("pk")):
        for (column, allowed), value in zip(CODED.items(), values, strict=True):
            coded[column][value if value in allowed else NOT_KNOWN] += n

    # 5. Records with none of the contract's strands (data quality).
    no_strand = current.filter(~_links_to(list(core))).count()

    # 6. Repeat victims, summarised in the database: no victim key leaves it.
    per_key = current.exclude(victim_key="").values("victim_key").annotate(n=Count("pk"))
    keys = per_key.aggregate(
        distinct=Count("victim_key"),
        repeat=Count("victim_key", filter=Q(n__gte=2)),
        records=Sum("n", filter=Q(n__gte=2)),
    )

    def counts(which: str) -> PeriodCounts:
        return PeriodCounts(
            total=totals[which],
            by_strand={s: by_strand[which][s] for s in CORE_STRANDS},
            by_month=dict(months[which]),
        )

    return Marginals(
        period=period,
        previous_period=previous_period,
        current=counts("now"),
        previous=counts("before"),
        codes={column: dict(tally) for column, tally in coded.items()},
        wards=dict(wards),
        no_ward=no_ward,
        no_strand=no_strand,
        no_victim_key=no_key,
        victim_keys=keys["distinct"] or 0,
        repeat_victims=keys["repeat"] or 0,
        repeat_records=keys["records"] or 0,
    )
