"""Who may see and change library items, events and awards.

- Anyone (signed in or not) reads published items, published events and awards.
- A drafter (LIBRARY_EDIT) also sees every item, event and award of their own
  organisation, whatever its state, and edits its drafts.
- A publisher (LIBRARY_PUBLISH) also sees what other organisations working in
  their areas have submitted (never their drafts), and publishes or withdraws it.

Anything outside that is the same 404 as a missing record: a partner cannot tell
whether another organisation has a draft.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.lib.ids import uuid_or_404
from cohesion.library.models import Award, Event, ItemStatus, LibraryItem

AnyUser = User | AnonymousUser


def _organisations_in_scope(user: User) -> QuerySet[Organisation]:
    """Organisations working in any area the publisher covers (their own included)."""
    return Organisation.objects.filter(
        Q(pk=user.organisation_id) | Q(areas__in=areas_in_scope(user).values("id"))
    ).distinct()


def items_visible_to(user: AnyUser) -> QuerySet[LibraryItem]:
    items = LibraryItem.objects.all()
    if user.is_authenticated and user.is_superuser:
        return items
    condition = Q(status=ItemStatus.PUBLISHED)
    if (
        isinstance(user, User)
        and user.organisation_id is not None
        and has_permission(user, Permission.LIBRARY_EDIT)
    ):
        condition |= Q(owner_id=user.organisation_id)
    if isinstance(user, User) and has_permission(user, Permission.LIBRARY_PUBLISH):
        condition |= ~Q(status=ItemStatus.DRAFT) & Q(
            owner__in=_organisations_in_scope(user).values("id")
        )
    return items.filter(condition)


def get_item_for_user(user: AnyUser, item_uuid: str | uuid.UUID) -> LibraryItem:
    item = (
        items_visible_to(user)
        .select_related("owner", "area")
        .filter(uuid=uuid_or_404(item_uuid))
        .first()
    )
    if item is None:
        raise Http404
    return item


def can_create_items(user: AnyUser) -> bool:
    return (
        isinstance(user, User)
        and user.organisation_id is not None
        and has_permission(user, Permission.LIBRARY_EDIT)
    ) or bool(user.is_authenticated and user.is_superuser)


def _is_owner_drafter(user: AnyUser, organisation_id: int) -> bool:
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.LIBRARY_EDIT)
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


def can_edit_item(user: AnyUser, item: LibraryItem) -> bool:
    """Change the text: the owner organisation's drafters, while it is a draft or withdrawn."""
    return item.status in (ItemStatus.DRAFT, ItemStatus.WITHDRAWN) and _is_owner_drafter(
        user, item.owner_id
    )


def can_submit_item(user: AnyUser, item: LibraryItem) -> bool:
    return can_edit_item(user, item)


def can_publish_item(user: AnyUser, item: LibraryItem) -> bool:
    """Publish, return to draft or withdraw: a publisher covering the owner organisation."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    if not has_permission(user, Permission.LIBRARY_PUBLISH):
        return False
    return _organisations_in_scope(user).filter(pk=item.owner_id).exists()


def can_withdraw_item(user: AnyUser, item: LibraryItem) -> bool:
    """A publisher, or the owner organisation's drafters for their own published item."""
    if item.status not in (ItemStatus.PUBLISHED, ItemStatus.SUBMITTED):
        return False
    return can_publish_item(user, item) or _is_owner_drafter(user, item.owner_id)


def get_item_for_editor(user: AnyUser, item_uuid: str | uuid.UUID) -> LibraryItem:
    """The item, if this person may do anything to it; otherwise the same 404 as a missing one."""
    item = get_item_for_user(user, item_uuid)
    if not (
        _is_owner_drafter(user, item.owner_id)
        or (item.status != ItemStatus.DRAFT and can_publish_item(user, item))
    ):
        raise Http404
    return item


# --- Events and awards -------------------------------------------------------------------


def events_visible_to(user: AnyUser) -> QuerySet[Event]:
    events = Event.objects.all()
    if user.is_authenticated and user.is_superuser:
        return events
    condition = Q(is_published=True)
    if (
        isinstance(user, User)
        and user.organisation_id is not None
        and has_permission(user, Permission.LIBRARY_EDIT)
    ):
        condition |= Q(organiser_id=user.organisation_id)
    if isinstance(user, User) and has_permission(user, Permission.LIBRARY_PUBLISH):
        # Publishers see the unpublished events of organisations in their areas, to publish them.
        condition |= Q(organiser__in=_organisations_in_scope(user).values("id"))
    return events.filter(condition)


def get_event_for_user(user: AnyUser, event_uuid: str | uuid.UUID) -> Event:
    event = (
        events_visible_to(user)
        .select_related("organiser", "ward")
        .filter(uuid=uuid_or_404(event_uuid))
        .first()
    )
    if event is None:
        raise Http404
    return event


def can_edit_event(user: AnyUser, event: Event) -> bool:
    return _is_owner_drafter(user, event.organiser_id)


def can_publish_event(user: AnyUser, event: Event) -> bool:
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.LIBRARY_PUBLISH)
        and _organisations_in_scope(user).filter(pk=event.organiser_id).exists()
    )


def awards_visible_to(user: AnyUser) -> QuerySet[Award]:
    awards = Award.objects.all()
    if user.is_authenticated and user.is_superuser:
        return awards
    condition = Q(is_published=True)
    if (
        isinstance(user, User)
        and user.organisation_id is not None
        and has_permission(user, Permission.LIBRARY_EDIT)
    ):
        condition |= Q(owner_id=user.organisation_id)
    if isinstance(user, User) and has_permission(user, Permission.LIBRARY_PUBLISH):
        condition |= Q(owner__in=_organisations_in_scope(user).values("id"))
    return awards.filter(condition)


def get_award_for_user(user: AnyUser, award_uuid: str | uuid.UUID) -> Award:
    award = (
        awards_visible_to(user)
        .select_related("owner", "recipient_organisation")
        .filter(uuid=uuid_or_404(award_uuid))
        .first()
    )
    if award is None:
        raise Http404
    return award


def can_edit_award(user: AnyUser, award: Award) -> bool:
    return _is_owner_drafter(user, award.owner_id)


def can_publish_award(user: AnyUser, award: Award) -> bool:
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.LIBRARY_PUBLISH)
        and _organisations_in_scope(user).filter(pk=award.owner_id).exists()
    )
