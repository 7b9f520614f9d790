"""/api/v1/training/: the coverage report and the courses, read-only.

The same access helpers as the pages; without TRAINING_VIEW the section does
not exist (404). Attendee lists are not in the API.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.training import access
from cohesion.training.coverage import Line, coverage
from cohesion.training.models import Topic

router = Router(tags=["training"], auth=django_auth)


class SessionOut(Schema):
    uuid: str
    date: dt.date
    place: str
    trainer: str
    capacity: int | None


class CourseOut(Schema):
    uuid: str
    title: str
    topic: str
    description: str
    duration: str
    provider: str
    organisation: str
    is_synthetic: bool
    sessions: list[SessionOut]


class LineOut(Schema):
    name: str
    front_line_staff: int
    trained: int = Field(..., description="Distinct staff trained in the topic in the period")
    share: Decimal | None = Field(..., description="trained / front_line_staff, 0 to 1")
    target_share: Decimal | None
    target_by: dt.date | None


class OrganisationLineOut(LineOut):
    departments: list[LineOut]


class CoverageOut(Schema):
    topic: str
    months: int
    since: dt.date = Field(..., description="Sessions after this date count")
    today: dt.date
    organisations: list[OrganisationLineOut]


class CoverageQuery(Schema):
    topic: Topic = Topic.PREVENT_AWARENESS
    months: int = Field(12, ge=1, le=120)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not has_permission(user, Permission.TRAINING_VIEW):
        raise Http404
    return user


def _line(line: Line) -> dict[str, object]:
    share = line.share
    return {
        "name": line.label,
        "front_line_staff": line.front_line_staff,
        "trained": line.trained,
        "share": None if share is None else round(share, 4),
        "target_share": line.target.share if line.target else None,
        "target_by": line.target.by_date if line.target else None,
    }


@router.get("/coverage", response=CoverageOut)
def coverage_report(request: HttpRequest, query: Query[CoverageQuery]) -> dict[str, object]:
    user = _user(request)
    report = coverage(
        topic=query.topic,
        months=query.months,
        today=timezone.localdate(),
        organisations=access.organisations_readable(user),
        targets=access.targets_visible_to(user),
    )
    return {
        "topic": report.topic,
        "months": report.months,
        "since": report.since,
        "today": report.today,
        "organisations": [
            {**_line(org), "departments": [_line(d) for d in org.departments]}
            for org in report.organisations
        ],
    }


@router.get("/courses", response=list[CourseOut])
def courses(request: HttpRequest) -> list[dict[str, object]]:
    user = _user(request)
    return [
        {
            "uuid": str(c.uuid),
            "title": c.title,
            "topic": c.topic,
            "description": c.description,
            "duration": c.duration,
            "provider": c.provider,
            "organisation": c.organisation.name,
            "is_synthetic": c.is_synthetic,
            "sessions": [
                {
                    "uuid": str(s.uuid),
                    "date": s.date,
                    "place": s.place,
                    "trainer": s.trainer,
                    "capacity": s.capacity,
                }
                for s in c.sessions.all()
            ],
        }
        for c in access.courses_visible_to(user)
        .select_related("organisation")
        .prefetch_related("sessions")
    ]
