"""Incidents for the early-warning tests: known counts by ward, strand and week.

`store` bulk-creates incidents (no actions: these tests are about counting and
detection, not recording); `background` makes a steady history with a planted
spike, seeded so the figures never change.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area, AreaLevel
from cohesion.incidents import choices as c
from cohesion.incidents.models import Incident
from cohesion.vocabularies.models import Term, Vocabulary

StrandLink = Incident.strands.through


@dataclass
class Made:
    """One incident to store: ward name (or None for council only), dates, strands."""

    ward: str | None
    occurred_on: dt.date
    strands: list[str] = field(default_factory=list)
    reported_on: dt.date | None = None
    record_kind: str = c.RecordKind.HATE_INCIDENT
    council: str = "Derby"


def ward(name: str, council: Area) -> Area:
    return Area.objects.current_wards(council).get(name=name)


def store(made: Iterable[Made], organisation: Organisation) -> list[Incident]:
    terms = dict(Term.objects.of(Vocabulary.HATE_STRAND).values_list("code", "pk"))
    councils = {a.name: a for a in Area.objects.filter(level=AreaLevel.LAD)}
    wards: dict[tuple[str, str], Area] = {}
    rows = []
    links: list[list[str]] = []
    for i, m in enumerate(made):
        council = councils[m.council]
        area = None
        if m.ward:
            key = (m.council, m.ward)
            if key not in wards:
                wards[key] = ward(m.ward, council)
            area = wards[key]
        reported = m.reported_on or m.occurred_on
        rows.append(
            Incident(
                reference=f"EW-{i:06d}",
                organisation=organisation,
                council=council,
                ward=area,
                record_kind=m.record_kind,
                reporting_channel=c.ReportingChannel.PHONE,
                reporter_role=c.ReporterRole.VICTIM,
                narrative="Made up for an early-warning test.",
                occurred_on=m.occurred_on,
                # Noon local time, so the local date is the reported day in any season.
                reported_at=timezone.make_aware(dt.datetime.combine(reported, dt.time(12))),
            )
        )
        links.append(m.strands)
    created = Incident.objects.bulk_create(rows)
    StrandLink.objects.bulk_create(
        StrandLink(incident_id=incident.pk, term_id=terms[code])
        for incident, codes in zip(created, links, strict=True)
        for code in codes
    )
    return created


def background(
    *,
    start: dt.date,
    weeks: int,
    wards: list[str],
    per_week: float,
    seed: int = 6,
    spike: dict[dt.date, dict[str, int]] | None = None,
) -> list[Made]:
    """A seeded, steady history: about `per_week` incidents a week spread over `wards`.

    `spike` maps a Monday to extra incidents per ward that week (all "religion").
    """
    rng = random.Random(seed)
    strands = ["race", "race", "race", "sexual_orientation", "religion", "disability"]
    made = []
    for w in range(weeks):
        monday = start + dt.timedelta(weeks=w)
        # Binomial(4 * per_week, 1/4): mean per_week, integer, no numpy needed.
        n = sum(rng.random() < 0.25 for _ in range(round(4 * per_week)))
        for _ in range(n):
            day = monday + dt.timedelta(days=rng.randrange(7))
            made.append(Made(rng.choice(wards), day, [rng.choice(strands)]))
        for name, extra in (spike or {}).get(monday, {}).items():
            for k in range(extra):
                made.append(Made(name, monday + dt.timedelta(days=k % 7), ["religion"]))
    return made
