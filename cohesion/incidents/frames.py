"""Incidents as a pandas frame in the assessment's CSV contract, straight from the database.

The analytics layer (`cohesion.insight`) takes frames and knows nothing of
Django; this is the other side: the person's scope (the same access helper as
every page) and a handful of set-based queries, with no model instance per
row, so a million incidents load in seconds. Codes are mapped exactly as the
CSV export maps them (docs/incident-export.md).

The SIA pages and `cohesion sia` no longer fetch rows: they count in SQL
(`sia_counts.incident_marginals`, several times faster). This reader stays for
anything that needs the rows, and as the reference those counts are tested
against (tests/integration/test_sia_counts.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import QuerySet

from cohesion.incidents.export import AGE_BANDS, CORE_STRANDS, ETHNICITIES, NOT_KNOWN, SEXES
from cohesion.incidents.models import Incident, IncidentQuerySet
from cohesion.vocabularies.models import Term, Vocabulary

COLUMNS = (
    "reference",
    "occurred_on",
    "ward_code",
    "victim_key",
    "victim_sex",
    "victim_age_band",
    "victim_ethnicity",
    "suspect_sex",
    "suspect_age_band",
    "suspect_ethnicity",
)


def _coded(values: pd.Series, allowed: set[str]) -> pd.Series:
    """Anything outside the contract's codes (prefer not to say, mixed, blank) is not_known."""
    return values.where(values.isin(sorted(allowed)), NOT_KNOWN)


def _fetch(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The query's rows straight from the driver.

    Django's per-row conversion of `values_list` costs three times the query
    itself on a million rows; plain columns (text, dates, integers) need none,
    and the frame converts dates as a whole column afterwards.
    """
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched: list[tuple[Any, ...]] = cursor.fetchall()
    return fetched


def incident_frame(
    incidents: IncidentQuerySet, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """One row per incident: the contract's columns plus one 0/1 `strand_<code>` per strand."""
    selected = incidents.in_period(start, end).order_by()
    rows = selected.values_list(
        "pk",
        "reference",
        "occurred_on",
        "ward__code",
        "victim_key",
        "victim_sex",
        "victim_age_band",
        "victim_ethnicity",
        "suspect_sex",
        "suspect_age_band",
        "suspect_described_ethnicity",
    )
    frame = pd.DataFrame.from_records(_fetch(rows), columns=["pk", *COLUMNS])
    frame["ward_code"] = frame["ward_code"].fillna("")
    frame["victim_sex"] = _coded(frame["victim_sex"], SEXES)
    frame["victim_age_band"] = _coded(frame["victim_age_band"], AGE_BANDS)
    frame["victim_ethnicity"] = _coded(frame["victim_ethnicity"], ETHNICITIES)
    frame["suspect_sex"] = _coded(frame["suspect_sex"], SEXES)
    frame["suspect_age_band"] = _coded(frame["suspect_age_band"], AGE_BANDS)
    frame["suspect_ethnicity"] = _coded(frame["suspect_ethnicity"], ETHNICITIES)
    frame["occurred_on"] = pd.to_datetime(frame["occurred_on"]).dt.date

    codes = list(CORE_STRANDS) + [
        code
        for code in Term.objects.of(Vocabulary.HATE_STRAND).values_list("code", flat=True)
        if code not in CORE_STRANDS
    ]
    links = pd.DataFrame.from_records(
        _fetch(
            Incident.strands.through.objects.filter(
                incident_id__in=selected.values("pk")
            ).values_list("incident_id", "term__code")
        ),
        columns=["pk", "code"],
    )
    position = {pk: i for i, pk in enumerate(frame["pk"].to_numpy())}
    flags = np.zeros((len(frame), len(codes)), dtype=np.int8)
    if len(links):
        rows_at = links["pk"].map(position).to_numpy()
        cols_at = links["code"].map({code: i for i, code in enumerate(codes)}).to_numpy()
        flags[rows_at, cols_at] = 1
    for i, code in enumerate(codes):
        frame[f"strand_{code}"] = flags[:, i]
    return frame.drop(columns=["pk"])
