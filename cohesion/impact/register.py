"""The register of assessments per department: status, dates and outstanding actions.

One row per assessment series: the newest version the person may see. The
same rows feed the page, its CSV download and `cohesion impact register`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cohesion.impact import choices as c
from cohesion.impact.models import Department, ImpactAssessment, ImpactAssessmentQuerySet

# A review this close is shown as due (and the owner is reminded: `reminders.py`).
REVIEW_SOON_DAYS = 28

CSV_COLUMNS = [
    "reference",
    "version",
    "subject",
    "kind",
    "organisation",
    "department",
    "owner",
    "status",
    "decision_maker",
    "decision_date",
    "signed_off_on",
    "published_on",
    "review_date",
    "review_state",
    "actions",
    "outstanding_actions",
    "overdue_actions",
]


@dataclass
class RegisterRow:
    assessment: ImpactAssessment
    actions: int
    outstanding: int
    overdue: int
    published_version: int | None
    today: dt.date

    @property
    def review_state(self) -> str:
        """ "overdue", "due" (within four weeks) or ""; only signed-off assessments are reviewed."""
        review = self.assessment.review_date
        if review is None or not self.assessment.is_final:
            return ""
        if review < self.today:
            return "overdue"
        if (review - self.today).days <= REVIEW_SOON_DAYS:
            return "due"
        return ""


def register_rows(
    visible: ImpactAssessmentQuerySet,
    *,
    department: Department | None = None,
    status: str = "",
    today: dt.date | None = None,
) -> list[RegisterRow]:
    """The newest visible version of each series, with action counts."""
    today = today or timezone.localdate()
    rows = visible.latest_versions()
    if department is not None:
        rows = rows.filter(department=department)
    if status:
        rows = rows.filter(status=status)
    rows = (
        rows.select_related("department", "organisation", "owner")
        .annotate(
            n_actions=Count("action_items", distinct=True),
            n_outstanding=Count(
                "action_items", filter=Q(action_items__completed_on__isnull=True), distinct=True
            ),
            n_overdue=Count(
                "action_items",
                filter=Q(action_items__completed_on__isnull=True, action_items__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("department__name", "subject")
    )
    published: dict[object, int] = {}
    for series, version in (
        visible.filter(status=c.Status.PUBLISHED)
        .order_by("series", "version")
        .values_list("series", "version")
    ):
        published[series] = version  # the last one wins: the newest published
    return [
        RegisterRow(
            assessment=a,
            actions=a.n_actions,  # type: ignore[attr-defined]
            outstanding=a.n_outstanding,  # type: ignore[attr-defined]
            overdue=a.n_overdue,  # type: ignore[attr-defined]
            published_version=published.get(a.series),
            today=today,
        )
        for a in rows
    ]


def _iso(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value).isoformat()
    return value.isoformat()


def register_csv(rows: list[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        a = row.assessment
        writer.writerow(
            [
                a.reference,
                a.version,
                a.subject,
                a.kind,
                a.organisation.name,
                a.department.name,
                a.owner.display_name,
                a.status,
                a.decision_maker,
                _iso(a.decision_date),
                _iso(a.signed_off_at),
                _iso(a.published_at),
                _iso(a.review_date),
                row.review_state,
                row.actions,
                row.outstanding,
                row.overdue,
            ]
        )
    return out.getvalue()
