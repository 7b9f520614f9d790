"""RSS 2.0 and Atom feeds of published news and stories of cohesion (not case studies)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from cohesion.library.models import ItemKind, LibraryItem

FEED_KINDS = (ItemKind.NEWS, ItemKind.STORY)
FEED_SIZE = 30


class LibraryRssFeed(Feed):  # type: ignore[type-arg]
    feed_type: type[Rss201rev2Feed] = Rss201rev2Feed
    title = "Cohesion: news and stories of cohesion"
    description = "News and stories of community cohesion from the good-practice library."

    def link(self) -> str:
        return reverse("library-list")

    def items(self) -> QuerySet[LibraryItem]:
        return (
            LibraryItem.objects.published()
            .filter(kind__in=FEED_KINDS)
            .select_related("owner")
            .order_by("-published_at")[:FEED_SIZE]
        )

    def item_title(self, item: LibraryItem) -> str:
        return item.title

    def item_description(self, item: LibraryItem) -> str:
        return item.summary

    def item_link(self, item: LibraryItem) -> str:
        return reverse("library-detail", args=[item.slug])

    def item_guid(self, item: LibraryItem) -> str:
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: LibraryItem) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: LibraryItem) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: LibraryItem) -> str:
        return item.credit or item.owner.name

    def item_categories(self, item: LibraryItem) -> list[str]:
        return [ItemKind(item.kind).label]


class LibraryAtomFeed(LibraryRssFeed):
    feed_type = Atom1Feed  # type: ignore[assignment]
    subtitle = LibraryRssFeed.description
