"""The tensions part of the JSON API at /api/v1/tensions/: read-only, same scope as the pages."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.tensions import queries
from cohesion.tensions.access import assessments_visible_to, get_item_for_user, items_visible_to
from cohesion.tensions.models import IntelligenceItem

router = Router(tags=["tensions"], auth=django_auth)

MAX_ROWS = 500


class LevelOut(Schema):
    council_code: str
    area_code: str
    area_name: str
    area_level: str
    level: int | None
    label: str
    rag: str
    trend: str
    period_start: dt.date | None
    period_end: dt.date | None
    next_review_on: dt.date | None
    review_overdue: bool
    assessment_reference: str


class AssessmentOut(Schema):
    uuid: str
    reference: str
    organisation: str
    area_code: str
    area_name: str
    neighbourhood: str
    period_start: dt.date
    period_end: dt.date
    assessment_type: str
    level: int
    trend: str
    confidence: str
    next_review_on: dt.date
    approved: bool
    audience: str


class ItemOut(Schema):
    uuid: str
    reference: str
    organisation: str
    item_type: str
    grading: str
    title: str
    occurred_on: dt.date
    council_code: str
    ward_codes: list[str]
    verification_status: str
    handling: str
    audience: str


class ItemDetailOut(ItemOut):
    summary: str
    source_type: str
    source_reliability: str
    information_credibility: str
    communities: list[str]
    online: bool
    platform: str
    event_date: dt.date | None
    expected_attendance: int | None
    counter_event_expected: bool


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _row(council_code: str, row: queries.LevelRow) -> LevelOut:
    a = row.assessment
    return LevelOut(
        council_code=council_code,
        area_code=row.area.code,
        area_name=row.area.name,
        area_level=row.area.level,
        level=a.level if a else None,
        label=row.level.label if row.level else "",
        rag=row.level.rag if row.level else "",
        trend=a.trend if a else "",
        period_start=a.period_start if a else None,
        period_end=a.period_end if a else None,
        next_review_on=a.next_review_on if a else None,
        review_overdue=row.review_overdue,
        assessment_reference=a.reference if a else "",
    )


@router.get("/levels", response=list[LevelOut], summary="Current tension level per ward in scope")
def levels(request: HttpRequest) -> list[LevelOut]:
    user = _user(request)
    if not has_permission(user, Permission.TENSION_DASHBOARD):
        raise Http404
    out = []
    for council in queries.current_levels(user):
        if council.council_row:
            out.append(_row(council.council.code, council.council_row))
        out.extend(_row(council.council.code, r) for r in council.wards)
    return out


@router.get("/assessments", response=list[AssessmentOut], summary="Tension assessments you may see")
def assessments(
    request: HttpRequest, area: str = "", approved: bool | None = None
) -> list[AssessmentOut]:
    rows = assessments_visible_to(_user(request)).select_related("area", "organisation")
    if area:
        rows = rows.filter(area__code=area.upper())
    if approved is not None:
        rows = rows.filter(approved_by__isnull=not approved)
    return [
        AssessmentOut(
            uuid=str(a.uuid),
            reference=a.reference,
            organisation=a.organisation.name,
            area_code=a.area.code,
            area_name=a.area.name,
            neighbourhood=a.neighbourhood,
            period_start=a.period_start,
            period_end=a.period_end,
            assessment_type=a.assessment_type,
            level=a.level,
            trend=a.trend,
            confidence=a.confidence,
            next_review_on=a.next_review_on,
            approved=a.is_approved,
            audience=a.audience,
        )
        for a in rows[:MAX_ROWS]
    ]


def _item_fields(item: IntelligenceItem) -> dict[str, object]:
    return {
        "uuid": str(item.uuid),
        "reference": item.reference,
        "organisation": item.organisation.name,
        "item_type": item.item_type,
        "grading": item.grading,
        "title": item.title,
        "occurred_on": item.occurred_on,
        "council_code": item.council.code,
        "ward_codes": [w.code for w in item.wards.all()],
        "verification_status": item.verification_status,
        "handling": item.handling,
        "audience": item.audience,
    }


@router.get("/intelligence", response=list[ItemOut], summary="Tension intelligence you may see")
def intelligence(request: HttpRequest, item_type: str = "") -> list[ItemOut]:
    items = (
        items_visible_to(_user(request))
        .select_related("organisation", "council")
        .prefetch_related("wards")
    )
    if item_type:
        items = items.filter(item_type=item_type)
    return [ItemOut(**_item_fields(item)) for item in items[:MAX_ROWS]]  # type: ignore[arg-type]


@router.get("/intelligence/{item_uuid}", response=ItemDetailOut, summary="One intelligence item")
def intelligence_item(request: HttpRequest, item_uuid: str) -> ItemDetailOut:
    item = get_item_for_user(_user(request), item_uuid)
    return ItemDetailOut(
        **_item_fields(item),  # type: ignore[arg-type]
        summary=item.summary,
        source_type=item.source_type,
        source_reliability=item.source_reliability,
        information_credibility=item.information_credibility,
        communities=[t.code for t in item.communities.all()],
        online=item.online,
        platform=item.platform,
        event_date=item.event_date,
        expected_attendance=item.expected_attendance,
        counter_event_expected=item.counter_event_expected,
    )
