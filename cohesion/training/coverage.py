"""Coverage: the share of front-line staff trained in a topic, against the target.

For a topic, over the `months` before `today` (sessions dated after
today - months and on or before today):

- a department's trained = distinct staff references among its attendances;
  its share = trained / front_line_staff;
- an organisation's trained = distinct staff references among all its
  departments' attendances (one person counted once even if recorded in two
  departments); its share = trained / the sum of its departments' front-line staff.

The target is the organisation's own target for the topic, else a council-wide
one for a council the organisation works in; of several, the one with the
earliest date not yet passed, else the latest. A department has its organisation's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from cohesion.accounts.models import Organisation
from cohesion.training.models import Attendance, Department, Target, Topic


@dataclass
class Line:
    label: str
    front_line_staff: int
    trained: int
    target: Target | None = None

    @property
    def share(self) -> Decimal | None:
        if not self.front_line_staff:
            return None
        return Decimal(self.trained) / Decimal(self.front_line_staff)

    @property
    def percent(self) -> str:
        share = self.share
        return "–" if share is None else f"{share * 100:.1f}%"  # noqa: RUF001

    @property
    def target_percent(self) -> str:
        return "–" if self.target is None else f"{self.target.share * 100:.0f}%"  # noqa: RUF001

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.share is None:
            return None
        return self.share >= self.target.share


@dataclass
class OrganisationCoverage(Line):
    organisation: Organisation | None = None
    departments: list[Line] = field(default_factory=list)


@dataclass
class Coverage:
    topic: str
    months: int
    today: dt.date
    since: dt.date
    organisations: list[OrganisationCoverage]

    @property
    def topic_label(self) -> str:
        return str(Topic(self.topic).label)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _pick(targets: list[Target], today: dt.date) -> Target | None:
    if not targets:
        return None
    ahead = [t for t in targets if t.by_date >= today]
    return min(ahead, key=lambda t: t.by_date) if ahead else max(targets, key=lambda t: t.by_date)


def coverage(
    *,
    topic: str,
    months: int,
    today: dt.date,
    organisations: QuerySet[Organisation],
    targets: QuerySet[Target],
) -> Coverage:
    since = months_before(today, months)
    departments = list(
        Department.objects.filter(organisation__in=organisations.values("id"))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    rows = Attendance.objects.filter(
        department__in=[d.id for d in departments],
        session__course__topic=topic,
        session__date__gt=since,
        session__date__lte=today,
    ).values_list("organisation_id", "department_id", "staff_reference")
    by_department: dict[int, set[str]] = defaultdict(set)
    by_organisation: dict[int, set[str]] = defaultdict(set)
    for organisation_id, department_id, reference in rows:
        key = reference.strip().lower()
        by_department[department_id].add(key)
        by_organisation[organisation_id].add(key)

    topic_targets = list(targets.filter(topic=topic))
    lines: dict[int, OrganisationCoverage] = {}
    for department in departments:
        org = department.organisation
        if org.id not in lines:
            council_ids = set(org.areas.values_list("id", flat=True)) | set(
                org.areas.exclude(council_id=None).values_list("council_id", flat=True)
            )
            own = [t for t in topic_targets if t.organisation_id == org.id]
            wide = [t for t in topic_targets if t.council_id in council_ids]
            lines[org.id] = OrganisationCoverage(
                label=org.name,
                front_line_staff=0,
                trained=len(by_organisation[org.id]),
                target=_pick(own, today) or _pick(wide, today),
                organisation=org,
            )
        line = lines[org.id]
        line.front_line_staff += department.front_line_staff
        line.departments.append(
            Line(
                label=department.name,
                front_line_staff=department.front_line_staff,
                trained=len(by_department[department.id]),
                target=line.target,
            )
        )
    return Coverage(
        topic=topic, months=months, today=today, since=since, organisations=list(lines.values())
    )


def chart(lines: list[Line], *, width: int = 560) -> dict[str, object]:
    """Horizontal bars (share trained, 0–100%) with the target as a tick; the table has the figures."""  # noqa: RUF002
    label_width, bar_space = 200, width - 200 - 60
    bars = []
    for i, line in enumerate(lines):
        share = float(line.share or 0)
        y = 8 + i * 28
        bars.append(
            {
                "label": line.label,
                "value": line.percent,
                "y": y,
                "text_y": y + 14,
                "width": round(min(share, 1.0) * bar_space, 1),
                "text_x": label_width + round(min(share, 1.0) * bar_space, 1) + 6,
                "target_x": None
                if line.target is None
                else label_width + round(float(line.target.share) * bar_space, 1),
                "colour": "#00703c" if line.meets_target else "#1d70b8",
            }
        )
    return {
        "width": width,
        "height": 16 + 28 * len(lines),
        "label_width": label_width,
        "bars": bars,
    }
