"""State changes to the library, each checked against `access.py` and audited.

Every function takes the person acting as `by` and refuses with
`PermissionDenied` when the access rules do not let them; `by=None` is the
system (the demo loader), trusted and audited as "system". Invalid input raises
`LibraryInvalid` with one message per field before anything is written.

The workflow of an item: draft → submitted → published, and published (or
submitted) → withdrawn; a publisher may return a submission to draft with a
note, and a withdrawn item may be edited and submitted again. Each change is
audited as LIBRARY_ITEM_CHANGED; publishing and withdrawing as
LIBRARY_ITEM_PUBLISHED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.library import access
from cohesion.library.images import ImageRejected, clean_image
from cohesion.library.models import (
    Award,
    Event,
    ItemImage,
    ItemKind,
    ItemStatus,
    LibraryItem,
    ThemeTag,
)
from cohesion.strategies.models import Objective


class LibraryInvalid(ValueError):
    """The change breaks a rule: `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


ITEM_TEXT_FIELDS = (
    "title",
    "summary",
    "body",
    "place_name",
    "outcomes",
    "source",
    "credit",
    "source_url",
)
ITEM_FIELDS = (*ITEM_TEXT_FIELDS, "kind", "area", "objectives", "tags", "organisations")
EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "ward",
    "audience",
    "booking_url",
)
AWARD_FIELDS = ("title", "year", "recipient_organisation", "recipient_name", "description")
RESERVED_SLUGS = frozenset({"manage", "feed", "events", "awards", "images", "new"})


def _field_value(model: type[Event | Award], name: str, value: Any) -> Any:
    """Strip text; a text field left out (None) is stored as '' rather than NULL."""
    if isinstance(value, str):
        return value.strip()
    if value is None and isinstance(
        model._meta.get_field(name), models.CharField | models.TextField
    ):
        return ""
    return value


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _url_problem(value: str) -> str:
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return "Enter a web address starting https:// or http://"
    return ""


def item_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with an item's fields (the same rules for forms, the API and imports)."""
    problems: dict[str, str] = {}
    if data.get("kind") not in ItemKind.values:
        problems["kind"] = "Choose whether this is a case study, a story of cohesion or news"
    for name, label, limit in (("title", "title", 200), ("summary", "summary", 1000)):
        value = (data.get(name) or "").strip()
        if not value:
            problems[name] = f"Enter the {label}"
        elif len(value) > limit:
            problems[name] = f"The {label} must be {limit} characters or fewer"
    if not (data.get("body") or "").strip():
        problems["body"] = "Enter the text of the item"
    if problem := _url_problem(data.get("source_url") or ""):
        problems["source_url"] = problem
    area = data.get("area")
    if area is not None and not isinstance(area, Area):
        problems["area"] = "Choose an area from the list"
    return problems


def _unique_slug(title: str, *, exclude: int | None = None) -> str:
    base = slugify(title)[:90] or "item"
    if base in RESERVED_SLUGS:
        base = f"{base}-item"
    slug, n = base, 2
    others = (
        LibraryItem.objects.all() if exclude is None else LibraryItem.objects.exclude(pk=exclude)
    )
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _tags(names: Iterable[str]) -> list[ThemeTag]:
    tags = []
    for name in names:
        name = " ".join(str(name).split())[:60]
        if not name:
            continue
        slug = slugify(name)[:60] or "tag"
        tag = ThemeTag.objects.filter(slug=slug).first() or ThemeTag.objects.create(
            name=name, slug=slug
        )
        tags.append(tag)
    return tags


def _set_relations(item: LibraryItem, data: Mapping[str, Any]) -> None:
    if "objectives" in data:
        item.objectives.set(list(data["objectives"] or []))
    if "tags" in data:
        item.tags.set(_tags(data["tags"] or []))
    if "organisations" in data:
        item.organisations.set(list(data["organisations"] or []))


def _summary_of(item: LibraryItem) -> dict[str, Any]:
    return {"kind": item.kind, "slug": item.slug, "status": item.status, "title": item.title}


@transaction.atomic
def create_item(
    *,
    by: User | None,
    data: Mapping[str, Any],
    owner: Organisation | None = None,
    slug: str = "",
    is_synthetic: bool = False,
) -> LibraryItem:
    """A new draft, owned by the drafter's organisation (or `owner`, for the system)."""
    if by is not None:
        _require(access.can_create_items(by))
        owner = by.organisation if not by.is_superuser or owner is None else owner
    if owner is None:
        raise LibraryInvalid({"owner": "Choose the organisation the item belongs to"})
    problems = item_problems(data)
    if problems:
        raise LibraryInvalid(problems)
    item = LibraryItem(
        owner=owner,
        kind=data["kind"],
        slug=_unique_slug(slug or data["title"]),
        area=data.get("area"),
        created_by=by,
        is_synthetic=is_synthetic,
        **{f: (data.get(f) or "").strip() for f in ITEM_TEXT_FIELDS},
    )
    item.save()
    _set_relations(item, data)
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=item,
        detail={"change": "created", **_summary_of(item)},
    )
    return item


@transaction.atomic
def update_item(*, by: User | None, item: LibraryItem, data: Mapping[str, Any]) -> LibraryItem:
    """Change a draft (or withdrawn item). Fields missing from `data` are left as they are."""
    if by is not None:
        _require(access.can_edit_item(by, item))
    merged = {f: getattr(item, f) for f in ("kind", "area", *ITEM_TEXT_FIELDS)}
    merged.update({k: v for k, v in data.items() if k in ITEM_FIELDS})
    problems = item_problems(merged)
    if problems:
        raise LibraryInvalid(problems)
    changed = []
    for name in ("kind", "area", *ITEM_TEXT_FIELDS):
        value = merged[name].strip() if isinstance(merged[name], str) else merged[name]
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
    _set_relations(item, data)
    changed += [k for k in ("objectives", "tags", "organisations") if k in data]
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=item,
        detail={"change": "edited", "fields": changed, **_summary_of(item)},
    )
    return item


def _move(
    item: LibraryItem,
    *,
    by: User | None,
    to: ItemStatus,
    audit: AuditAction,
    note: str = "",
    at: dt.datetime | None = None,
    stamp: str = "",
) -> LibraryItem:
    old = item.status
    now = at or timezone.now()
    item.status = to
    item.status_note = note.strip()
    fields = ["status", "status_note", "updated_at"]
    if stamp:
        setattr(item, stamp, now)
        fields.append(stamp)
    item.save(update_fields=fields)
    record(
        action=audit,
        by=by,
        target=item,
        detail={"from": old, "to": to, "note": item.status_note, **_summary_of(item)},
    )
    return item


def _check_status(item: LibraryItem, allowed: tuple[ItemStatus, ...], verb: str) -> None:
    if item.status not in allowed:
        label = ItemStatus(item.status).label.lower()
        raise LibraryInvalid({"status": f"An item that is {label} cannot be {verb}"})


@transaction.atomic
def submit_item(*, by: User | None, item: LibraryItem) -> LibraryItem:
    """The drafter asks a publisher to publish it."""
    if by is not None:
        _require(access.can_submit_item(by, item))
    _check_status(item, (ItemStatus.DRAFT, ItemStatus.WITHDRAWN), "submitted")
    return _move(
        item,
        by=by,
        to=ItemStatus.SUBMITTED,
        audit=AuditAction.LIBRARY_ITEM_CHANGED,
        stamp="submitted_at",
    )


@transaction.atomic
def publish_item(
    *, by: User | None, item: LibraryItem, published_at: dt.datetime | None = None
) -> LibraryItem:
    """A publisher makes a submitted item public."""
    if by is not None:
        _require(access.can_publish_item(by, item))
        _check_status(item, (ItemStatus.SUBMITTED,), "published")
    elif item.status == ItemStatus.DRAFT:
        # The system (demo loader) publishes in one step; it still passes through submitted.
        item.submitted_at = published_at or timezone.now()
    return _move(
        item,
        by=by,
        to=ItemStatus.PUBLISHED,
        audit=AuditAction.LIBRARY_ITEM_PUBLISHED,
        at=published_at,
        stamp="published_at",
    )


@transaction.atomic
def return_item_to_draft(*, by: User | None, item: LibraryItem, note: str) -> LibraryItem:
    """A publisher sends a submission back to its drafters, saying why."""
    if by is not None:
        _require(access.can_publish_item(by, item))
    _check_status(item, (ItemStatus.SUBMITTED,), "returned to draft")
    if not note.strip():
        raise LibraryInvalid({"note": "Say what needs to change before it can be published"})
    return _move(
        item, by=by, to=ItemStatus.DRAFT, audit=AuditAction.LIBRARY_ITEM_CHANGED, note=note
    )


@transaction.atomic
def withdraw_item(*, by: User | None, item: LibraryItem, note: str = "") -> LibraryItem:
    """Take a published (or submitted) item off the public pages."""
    if by is not None:
        _require(access.can_withdraw_item(by, item))
    _check_status(item, (ItemStatus.PUBLISHED, ItemStatus.SUBMITTED), "withdrawn")
    return _move(
        item,
        by=by,
        to=ItemStatus.WITHDRAWN,
        audit=AuditAction.LIBRARY_ITEM_PUBLISHED,
        note=note,
        stamp="withdrawn_at",
    )


@transaction.atomic
def add_image(
    *,
    by: User | None,
    item: LibraryItem,
    raw: bytes,
    alt_text: str,
    caption: str = "",
    credit: str = "",
) -> ItemImage:
    """Check the upload with Pillow and keep a re-encoded copy; alt text is required."""
    if by is not None:
        _require(access.can_edit_item(by, item))
    problems: dict[str, str] = {}
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        problems["alt_text"] = "Describe the image for people who cannot see it"
    elif len(alt_text) > 250:
        problems["alt_text"] = "The description must be 250 characters or fewer"
    try:
        clean = clean_image(raw)
    except ImageRejected as rejected:
        problems["image"] = str(rejected)
    if problems:
        raise LibraryInvalid(problems)
    image = ItemImage.objects.create(
        item=item,
        data=clean.data,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        alt_text=alt_text,
        caption=caption.strip()[:300],
        credit=credit.strip()[:200],
        order=item.images.count(),
    )
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=item,
        detail={"change": "image added", "alt_text": alt_text, **_summary_of(item)},
    )
    return image


@transaction.atomic
def remove_image(*, by: User | None, image: ItemImage) -> None:
    item = image.item
    if by is not None:
        _require(access.can_edit_item(by, item))
    image.delete()
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=item,
        detail={"change": "image removed", **_summary_of(item)},
    )


# --- Events ------------------------------------------------------------------------------


def event_problems(data: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (data.get("title") or "").strip():
        problems["title"] = "Enter the event's title"
    if not (data.get("place") or "").strip():
        problems["place"] = "Enter where it takes place, or 'Online'"
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime):
        problems["starts_at"] = "Enter when it starts"
    elif isinstance(ends, dt.datetime) and ends < starts:
        problems["ends_at"] = "The end must be after the start"
    if problem := _url_problem(data.get("booking_url") or ""):
        problems["booking_url"] = problem
    return problems


@transaction.atomic
def create_event(
    *,
    by: User | None,
    data: Mapping[str, Any],
    organiser: Organisation | None = None,
    is_synthetic: bool = False,
) -> Event:
    if by is not None:
        _require(access.can_create_items(by))
        organiser = by.organisation if not by.is_superuser or organiser is None else organiser
    if organiser is None:
        raise LibraryInvalid({"organiser": "Choose the organisation running the event"})
    if problems := event_problems(data):
        raise LibraryInvalid(problems)
    event = Event(organiser=organiser, is_synthetic=is_synthetic)
    for name in EVENT_FIELDS:
        setattr(event, name, _field_value(Event, name, data.get(name)))
    event.save()
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=event,
        detail={"change": "event created", "title": event.title},
    )
    return event


@transaction.atomic
def update_event(*, by: User | None, event: Event, data: Mapping[str, Any]) -> Event:
    if by is not None:
        _require(access.can_edit_event(by, event))
    merged = {f: getattr(event, f) for f in EVENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in EVENT_FIELDS})
    if problems := event_problems(merged):
        raise LibraryInvalid(problems)
    cleaned = {f: _field_value(Event, f, merged[f]) for f in EVENT_FIELDS}
    changed = [f for f in EVENT_FIELDS if getattr(event, f) != cleaned[f]]
    for name in changed:
        setattr(event, name, cleaned[name])
    event.save()
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=event,
        detail={"change": "event edited", "fields": changed, "title": event.title},
    )
    return event


@transaction.atomic
def set_event_published(*, by: User | None, event: Event, published: bool) -> Event:
    if by is not None:
        _require(access.can_publish_event(by, event))
    event.is_published = published
    event.save(update_fields=["is_published", "updated_at"])
    record(
        action=AuditAction.LIBRARY_ITEM_PUBLISHED,
        by=by,
        target=event,
        detail={"published": published, "title": event.title},
    )
    return event


# --- Awards ------------------------------------------------------------------------------


def award_problems(data: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (data.get("title") or "").strip():
        problems["title"] = "Enter the award's title"
    year = data.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        problems["year"] = "Enter the year as four digits, like 2026"
    if (
        data.get("recipient_organisation") is None
        and not (data.get("recipient_name") or "").strip()
    ):
        problems["recipient_name"] = "Choose the organisation or enter who received the award"
    return problems


@transaction.atomic
def create_award(
    *,
    by: User | None,
    data: Mapping[str, Any],
    owner: Organisation | None = None,
    is_synthetic: bool = False,
) -> Award:
    if by is not None:
        _require(access.can_create_items(by))
        owner = by.organisation if not by.is_superuser or owner is None else owner
    if owner is None:
        raise LibraryInvalid({"owner": "Choose the organisation making the award"})
    if problems := award_problems(data):
        raise LibraryInvalid(problems)
    award = Award(owner=owner, is_synthetic=is_synthetic)
    for name in AWARD_FIELDS:
        setattr(award, name, _field_value(Award, name, data.get(name)))
    award.save()
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=award,
        detail={"change": "award created", "title": award.title},
    )
    return award


@transaction.atomic
def update_award(*, by: User | None, award: Award, data: Mapping[str, Any]) -> Award:
    """Change an award's text. Fields missing from `data` are left as they are."""
    if by is not None:
        _require(access.can_edit_award(by, award))
    merged = {f: getattr(award, f) for f in AWARD_FIELDS}
    merged.update({k: v for k, v in data.items() if k in AWARD_FIELDS})
    if problems := award_problems(merged):
        raise LibraryInvalid(problems)
    changed = []
    for name in AWARD_FIELDS:
        value = _field_value(Award, name, merged[name])
        if getattr(award, name) != value:
            setattr(award, name, value)
            changed.append(name)
    if changed:
        award.save(update_fields=changed)
    record(
        action=AuditAction.LIBRARY_ITEM_CHANGED,
        by=by,
        target=award,
        detail={"change": "award edited", "fields": changed, "title": award.title},
    )
    return award


@transaction.atomic
def set_award_published(*, by: User | None, award: Award, published: bool) -> Award:
    if by is not None:
        _require(access.can_publish_award(by, award))
    award.is_published = published
    award.save(update_fields=["is_published"])
    record(
        action=AuditAction.LIBRARY_ITEM_PUBLISHED,
        by=by,
        target=award,
        detail={"published": published, "title": award.title},
    )
    return award


__all__ = [
    "LibraryInvalid",
    "Objective",
    "add_image",
    "create_award",
    "create_event",
    "create_item",
    "item_problems",
    "publish_item",
    "remove_image",
    "return_item_to_draft",
    "set_award_published",
    "set_event_published",
    "submit_item",
    "update_award",
    "update_event",
    "update_item",
    "withdraw_item",
]
