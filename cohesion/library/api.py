"""/api/v1/library/: the published library for anyone; drafting and publishing for staff.

Public endpoints (no sign-in) read only published items, events and awards.
Staff endpoints use the same access helpers and actions as the pages: an item
someone may not act on is a 404, the same as a missing one; a move the rules
refuse is a 422 with one message per field.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.library import access, actions
from cohesion.library.models import Award, Event, LibraryItem
from cohesion.library.views_public import published_items
from cohesion.strategies.models import Objective

router = Router(tags=["library"])

MAX_PAGE_SIZE = 100


class ItemOut(Schema):
    uuid: str
    slug: str
    kind: str
    title: str
    summary: str
    body: str = Field(..., description="Plain text: blank lines between paragraphs, '- ' lists")
    outcomes: str
    area_code: str | None
    place_name: str
    themes: list[str]
    organisations: list[str]
    source: str
    credit: str
    source_url: str
    status: str
    published_at: dt.datetime | None
    is_synthetic: bool


class ItemPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ItemOut]


class EventOut(Schema):
    uuid: str
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    ward_code: str | None
    organiser: str
    audience: str
    booking_url: str
    is_synthetic: bool


class AwardOut(Schema):
    uuid: str
    title: str
    year: int
    recipient: str
    description: str
    is_synthetic: bool


class ItemIn(Schema):
    kind: str | None = None
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    outcomes: str | None = None
    area_code: str | None = None
    place_name: str | None = None
    tags: list[str] | None = None
    objectives: list[str] | None = Field(None, description="Strategy objective UUIDs")
    organisations: list[str] | None = Field(None, description="Organisation UUIDs")
    source: str | None = None
    credit: str | None = None
    source_url: str | None = None


class NoteIn(Schema):
    note: str = ""


class ProblemsOut(Schema):
    detail: str
    problems: dict[str, str]


class DetailOut(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _item_out(item: LibraryItem) -> ItemOut:
    return ItemOut(
        uuid=str(item.uuid),
        slug=item.slug,
        kind=item.kind,
        title=item.title,
        summary=item.summary,
        body=item.body,
        outcomes=item.outcomes,
        area_code=item.area.code if item.area else None,
        place_name=item.place_name,
        themes=[t.name for t in item.tags.all()],
        organisations=[o.name for o in item.organisations.all()],
        source=item.source,
        credit=item.credit,
        source_url=item.source_url,
        status=item.status,
        published_at=item.published_at,
        is_synthetic=item.is_synthetic,
    )


def _problems(problems: dict[str, str]) -> Status[ProblemsOut]:
    return Status(422, ProblemsOut(detail="The item was not saved", problems=problems))


def _resolve(payload: ItemIn) -> tuple[dict[str, Any], dict[str, str]]:
    """The action's data from the API's codes and UUIDs; unknown ones are problems."""
    fields = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in fields.items():
        if name == "area_code":
            area = None
            if value:
                area = (
                    Area.objects.filter(code=value, level__in=[AreaLevel.LAD, AreaLevel.WARD])
                    .order_by("-generation")
                    .first()
                )
                if area is None:
                    problems["area_code"] = f"No council or ward has the code {value}"
            data["area"] = area
        elif name == "objectives":
            found = list(Objective.objects.filter(uuid__in=_uuids(value or [])))
            if len(found) != len(set(value or [])):
                problems["objectives"] = "One or more objective UUIDs were not found"
            data["objectives"] = found
        elif name == "organisations":
            orgs = list(Organisation.objects.filter(uuid__in=_uuids(value or [])))
            if len(orgs) != len(set(value or [])):
                problems["organisations"] = "One or more organisation UUIDs were not found"
            data["organisations"] = orgs
        else:
            data[name] = value if value is not None else ""
    return data, problems


def _uuids(values: list[str]) -> list[str]:
    import uuid

    good = []
    for value in values:
        try:
            good.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return good


# --- public ------------------------------------------------------------------------------


@router.get("/items", response=ItemPage, auth=None, summary="Published items, newest first")
def item_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    page: int = Query(1, ge=1),  # type: ignore[type-arg]
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),  # type: ignore[type-arg]
) -> ItemPage:
    from cohesion.library.forms import LibrarySearchForm

    form = LibrarySearchForm({"q": q, "kind": kind}, published=LibraryItem.objects.published())
    items = form.filter(published_items().prefetch_related("organisations"))
    paginator = Paginator(items, page_size)
    current = paginator.get_page(page)
    return ItemPage(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        items=[_item_out(i) for i in current.object_list],
    )


@router.get("/items/{slug}", response=ItemOut, auth=None, summary="One published item")
def item_detail(request: HttpRequest, slug: str) -> ItemOut:
    from django.shortcuts import get_object_or_404

    item = get_object_or_404(published_items(), slug=slug)
    return _item_out(item)


@router.get("/events", response=list[EventOut], auth=None, summary="Published events")
def event_list(request: HttpRequest) -> list[EventOut]:
    events = (
        Event.objects.filter(is_published=True)
        .select_related("organiser", "ward")
        .defer("ward__geometry")
    )
    return [
        EventOut(
            uuid=str(e.uuid),
            title=e.title,
            description=e.description,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            place=e.place,
            ward_code=e.ward.code if e.ward else None,
            organiser=e.organiser.name,
            audience=e.audience,
            booking_url=e.booking_url,
            is_synthetic=e.is_synthetic,
        )
        for e in events.order_by("-starts_at")[:500]
    ]


@router.get("/awards", response=list[AwardOut], auth=None, summary="Published awards")
def award_list(request: HttpRequest) -> list[AwardOut]:
    awards = Award.objects.filter(is_published=True).select_related("recipient_organisation")
    return [
        AwardOut(
            uuid=str(a.uuid),
            title=a.title,
            year=a.year,
            recipient=a.recipient,
            description=a.description,
            is_synthetic=a.is_synthetic,
        )
        for a in awards[:500]
    ]


# --- staff -------------------------------------------------------------------------------


@router.get(
    "/manage/items",
    response=list[ItemOut],
    auth=django_auth,
    summary="Items you may see, drafts of your organisation included",
)
def manage_list(request: HttpRequest) -> list[ItemOut]:
    items = (
        access.items_visible_to(_user(request))
        .select_related("area")
        .prefetch_related("tags", "organisations")
        .order_by("-updated_at")
    )
    return [_item_out(i) for i in items[:500]]


@router.post(
    "/manage/items",
    response={201: ItemOut, 403: DetailOut, 422: ProblemsOut},
    auth=django_auth,
    summary="Write a new draft for your organisation",
)
def create_item(request: HttpRequest, payload: ItemIn) -> Any:
    user = _user(request)
    if not access.can_create_items(user):
        return Status(403, DetailOut(detail="You cannot write library items"))
    data, problems = _resolve(payload)
    if problems:
        return _problems(problems)
    try:
        item = actions.create_item(by=user, data=data)
    except actions.LibraryInvalid as invalid:
        return _problems(invalid.problems)
    return Status(201, _item_out(item))


@router.patch(
    "/manage/items/{item_uuid}",
    response={200: ItemOut, 404: DetailOut, 422: ProblemsOut},
    auth=django_auth,
    summary="Change a draft (send only the fields you change)",
)
def update_item(request: HttpRequest, item_uuid: str, payload: ItemIn) -> Any:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    data, problems = _resolve(payload)
    if problems:
        return _problems(problems)
    try:
        actions.update_item(by=user, item=item, data=data)
    except actions.LibraryInvalid as invalid:
        return _problems(invalid.problems)
    except PermissionDenied:
        return _problems({"status": "Only drafts and withdrawn items can be changed"})
    return _item_out(item)


def _move(request: HttpRequest, item_uuid: str, step: str, note: str = "") -> Any:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    try:
        if step == "submit":
            actions.submit_item(by=user, item=item)
        elif step == "publish":
            actions.publish_item(by=user, item=item)
        else:
            actions.withdraw_item(by=user, item=item, note=note)
    except actions.LibraryInvalid as invalid:
        return _problems(invalid.problems)
    except PermissionDenied:
        return Status(404, DetailOut(detail="Not found"))
    return _item_out(item)


_MOVE_RESPONSES = {200: ItemOut, 404: DetailOut, 422: ProblemsOut}


@router.post(
    "/manage/items/{item_uuid}/submit",
    response=_MOVE_RESPONSES,
    auth=django_auth,
    summary="Submit a draft for publication",
)
def submit_item(request: HttpRequest, item_uuid: str) -> Any:
    return _move(request, item_uuid, "submit")


@router.post(
    "/manage/items/{item_uuid}/publish",
    response=_MOVE_RESPONSES,
    auth=django_auth,
    summary="Publish a submitted item (publishers)",
)
def publish_item(request: HttpRequest, item_uuid: str) -> Any:
    return _move(request, item_uuid, "publish")


@router.post(
    "/manage/items/{item_uuid}/withdraw",
    response=_MOVE_RESPONSES,
    auth=django_auth,
    summary="Withdraw a published or submitted item",
)
def withdraw_item(request: HttpRequest, item_uuid: str, payload: NoteIn) -> Any:
    return _move(request, item_uuid, "withdraw", payload.note)
