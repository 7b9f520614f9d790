"""Demo library: the seed's own case studies (real text), plus clearly synthetic events and an award.

The five case studies are the East Midlands community cohesion toolkit's
(2009) own text, extracted verbatim into `seed_case_studies.json` (which records
the seed file and lines each comes from). They are published, attributed to
the toolkit and *not* synthetic. They are kept by Derby City Council's library
in the demo. The news items, stories, events and the award are invented:
"(demo)" in each title and `is_synthetic=True`, so the RSS and Atom feeds have
something to carry.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.library import actions
from cohesion.library.models import Award, Event, LibraryItem

SEED_FILE = Path(__file__).with_name("seed_case_studies.json")
LIBRARY_OWNER = "Derby City Council"


def seed_case_studies() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return data


def load_case_studies(owner: Organisation) -> int:
    """Publish the seed's case studies (idempotent: existing slugs are left alone)."""
    seed = seed_case_studies()
    made = 0
    for case in seed["case_studies"]:
        if LibraryItem.objects.filter(slug=case["slug"]).exists():
            continue
        area = Area.objects.filter(level=AreaLevel.LAD, code=case["area_code"]).first()
        item = actions.create_item(
            by=None,
            owner=owner,
            # The seed's slug, not one made from the title ("leicester" alone is too terse).
            slug=case["slug"],
            data={
                "kind": case["kind"],
                "title": case["title"],
                "summary": case["summary"],
                "body": case["body"],
                "area": area,
                "place_name": case["place_name"],
                "tags": case["tags"],
                "source": seed["source"],
                "credit": f"Text from the {seed['source']}",
                "organisations": [owner] if case["area_code"] == "E06000015" else [],
            },
        )
        actions.publish_item(by=None, item=item)
        made += 1
    return made


# Invented news and stories, so the feeds (news and stories only) are not empty.
SYNTHETIC_POSTS: list[dict[str, Any]] = [
    {
        "kind": "news",
        "title": "Cohesion week programme announced (demo)",
        "summary": "A week of shared meals, open days and sport across the city. [Synthetic demo news.]",
        "body": (
            "Partners have published the programme for this year's cohesion week: faith "
            "buildings open their doors, schools twin classes across the city, and local "
            "clubs run mixed five-a-side. [Synthetic demo news: not a real announcement.]"
        ),
        "tags": ["Events", "Faith"],
    },
    {
        "kind": "news",
        "title": "Myth-busting guide for front-line staff updated (demo)",
        "summary": "New local facts on migration and housing for staff who meet the public. [Synthetic demo news.]",
        "body": (
            "The partnership's guide to answering common rumours now includes this year's "
            "local figures on housing allocation and school places. [Synthetic demo news.]"
        ),
        "tags": ["Myth-busting", "Training"],
    },
    {
        "kind": "story",
        "title": "A street party that became a residents' association (demo)",
        "summary": "Neighbours who met at a jubilee party now run a monthly litter pick. [Synthetic demo story.]",
        "body": (
            "What began as one afternoon of shared food on a terraced street became a "
            "residents' association with members from six countries of birth. They now run "
            "a monthly litter pick and a homework club. [Synthetic demo story: invented people.]"
        ),
        "tags": ["Neighbourhoods", "Young people"],
    },
    {
        "kind": "story",
        "title": "Learning English at the allotment (demo)",
        "summary": "An ESOL class that meets among the vegetable beds. [Synthetic demo story.]",
        "body": (
            "Conversation classes moved outdoors to a community allotment, where long-standing "
            "growers and new arrivals swap seeds, recipes and words. [Synthetic demo story.]"
        ),
        "tags": ["English language", "Integration"],
    },
]


def load_news_and_stories(owner: Organisation) -> int:
    made = 0
    for post in SYNTHETIC_POSTS:
        if LibraryItem.objects.filter(title=post["title"]).exists():
            continue
        item = actions.create_item(
            by=None,
            owner=owner,
            is_synthetic=True,
            data={**post, "credit": "Cohesion demo (synthetic)"},
        )
        actions.publish_item(by=None, item=item)
        made += 1
    return made


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_events_and_award(owner: Organisation) -> list[str]:
    if Event.objects.filter(is_synthetic=True, title__endswith="(demo)").exists():
        return []
    today = timezone.localdate()
    normanton = (
        Area.objects.filter(level=AreaLevel.WARD, name="Normanton").order_by("-generation").first()
    )
    arboretum = (
        Area.objects.filter(level=AreaLevel.WARD, name="Arboretum").order_by("-generation").first()
    )
    events = [
        {
            "title": "Cohesion week community iftar (demo)",
            "description": (
                "A shared meal for neighbours of every faith and none. [Synthetic demo event.]"
            ),
            "starts_at": _at(today + dt.timedelta(days=12), 18, 30),
            "ends_at": _at(today + dt.timedelta(days=12), 21, 0),
            "place": "Cotton Lane Activity Centre, Derby (demo)",
            "ward": normanton,
            "audience": "Everyone; families welcome",
            "booking_url": "https://example.org/book/iftar-demo",
        },
        {
            "title": "Myth-busting workshop for front-line staff (demo)",
            "description": (
                "How to answer common rumours about new arrivals, with local facts. "
                "[Synthetic demo event.]"
            ),
            "starts_at": _at(today + dt.timedelta(days=30), 10, 0),
            "ends_at": _at(today + dt.timedelta(days=30), 12, 30),
            "place": "Council House, Corporation Street, Derby (demo)",
            "ward": arboretum,
            "audience": "Council and partner front-line staff",
            "booking_url": "",
        },
        {
            "title": "Healing history: local stories evening (demo)",
            "description": "Older and younger residents share the area's history. [Synthetic demo event.]",
            "starts_at": _at(today - dt.timedelta(days=40), 19, 0),
            "ends_at": _at(today - dt.timedelta(days=40), 21, 0),
            "place": "Normanton library (demo)",
            "ward": normanton,
            "audience": "Residents of all ages",
            "booking_url": "",
        },
    ]
    for data in events:
        event = actions.create_event(by=None, organiser=owner, data=data, is_synthetic=True)
        actions.set_event_published(by=None, event=event, published=True)
    award = actions.create_award(
        by=None,
        owner=owner,
        data={
            "title": "Community cohesion champion (demo)",
            "year": today.year,
            "recipient_name": "Normanton Good Neighbours Group (demo)",
            "description": "For a year of street meals and dialogue sessions. [Synthetic demo award.]",
        },
        is_synthetic=True,
    )
    actions.set_award_published(by=None, award=award, published=True)
    return [
        f"{len(events)} events (synthetic) and {Award.objects.filter(pk=award.pk).count()} award"
    ]


@demo_loader(order=65, name="Good-practice library: the toolkit's case studies (real) and events")
def load_library(context: DemoContext) -> list[str]:
    owner = Organisation.objects.filter(name=LIBRARY_OWNER).first()
    if owner is None:
        return ["skipped: no Derby City Council organisation"]
    made = load_case_studies(owner)
    lines = [f"{made} case studies from the East Midlands community cohesion toolkit (2009)"]
    posts = load_news_and_stories(owner)
    lines.append(f"{posts} news items and stories (synthetic)")
    return lines + load_events_and_award(owner)
