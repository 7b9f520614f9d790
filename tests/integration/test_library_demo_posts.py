"""The demo's invented news and stories: published, labelled synthetic, carried by the feeds."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from cohesion.library.demo import SYNTHETIC_POSTS, load_news_and_stories
from cohesion.library.models import ItemKind, ItemStatus, LibraryItem

pytestmark = pytest.mark.django_db


def test_demo_news_and_stories_are_synthetic_published_and_idempotent(derby_council):
    assert load_news_and_stories(derby_council) == 4
    assert load_news_and_stories(derby_council) == 0
    posts = LibraryItem.objects.filter(kind__in=[ItemKind.NEWS, ItemKind.STORY])
    assert posts.count() == 4
    assert all(p.is_synthetic and p.status == ItemStatus.PUBLISHED for p in posts)
    assert all(p.title.endswith("(demo)") and "Synthetic" in p.summary for p in posts)


def test_demo_posts_fill_the_rss_and_atom_feeds(client, derby_council):
    load_news_and_stories(derby_council)
    rss = ElementTree.fromstring(client.get(reverse("library-feed-rss")).content)
    titles = {item.findtext("title") for item in rss.iter("item")}
    assert titles == {post["title"] for post in SYNTHETIC_POSTS}
    atom = ElementTree.fromstring(client.get(reverse("library-feed-atom")).content)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4
