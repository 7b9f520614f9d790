"""The public library: search and filters, feeds, the seed's case studies, the API."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from cohesion.library import actions
from cohesion.library.demo import load_case_studies, load_events_and_award, seed_case_studies
from cohesion.library.models import Event, ItemStatus, LibraryItem

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seeds/002_8d90a48b3c8d613a.txt")


def _published(by_org, **data):
    base = {"kind": "story", "summary": "S.", "body": "B."}
    item = actions.create_item(by=None, owner=by_org, data={**base, **data})
    return actions.publish_item(by=None, item=item)


@pytest.fixture
def library(derby_council, derbyshire_police, derby):
    return {
        "news": _published(derby_council, kind="news", title="Hub opens", body="A new hub."),
        "story": _published(
            derbyshire_police,
            title="Street football",
            body="Young people and police.",
            tags=["Young people"],
            area=derby,
        ),
        "case": _published(derby_council, kind="case_study", title="Mediation case", body="Talks."),
        "draft": actions.create_item(
            by=None,
            owner=derby_council,
            data={"kind": "news", "title": "Secret draft", "summary": "x", "body": "Football."},
        ),
    }


def _titles(response) -> set[str]:
    return {
        t
        for t in ("Hub opens", "Street football", "Mediation case", "Secret draft")
        if t in response.content.decode()
    }


def test_list_shows_only_published(client, library):
    response = client.get(reverse("library-list"))
    assert _titles(response) == {"Hub opens", "Street football", "Mediation case"}
    assert client.get(reverse("library-detail", args=["secret-draft"])).status_code == 404


def test_search_by_keyword(client, library):
    assert _titles(client.get(reverse("library-list"), {"q": "football"})) == {"Street football"}


def test_filters_by_kind_theme_area_organisation(client, library, derby, derbyshire_police):
    url = reverse("library-list")
    assert _titles(client.get(url, {"kind": "news"})) == {"Hub opens"}
    assert _titles(client.get(url, {"theme": "tag:young-people"})) == {"Street football"}
    assert _titles(client.get(url, {"area": derby.code})) == {"Street football"}
    by_org = client.get(url, {"organisation": str(derbyshire_police.uuid)})
    assert _titles(by_org) == {"Street football"}


def test_list_links_the_feeds(client, library):
    html = client.get(reverse("library-list")).content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_rss_feed_is_valid_and_has_news_and_stories(client, library):
    response = client.get(reverse("library-feed-rss"))
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    titles = {i.findtext("title") for i in root.iter("item")}
    assert titles == {"Hub opens", "Street football"}


def test_atom_feed_is_valid_and_has_news_and_stories(client, library):
    response = client.get(reverse("library-feed-atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    titles = {e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)}
    assert titles == {"Hub opens", "Street football"}


def test_seed_case_studies_are_the_seed_text():
    seed = seed_case_studies()
    assert {c["title"] for c in seed["case_studies"]} >= {"Leicester", "Charnwood", "Mansfield"}
    if not SEED.exists():
        pytest.skip("seed file not available here")
    text = SEED.read_text(encoding="utf-8").replace("*", "")
    for case in seed["case_studies"]:
        for paragraph in case["body"].split("\n\n"):
            assert paragraph in text, (case["title"], paragraph[:60])


def test_demo_publishes_case_studies_with_real_text(client, derby_council, derby):
    assert load_case_studies(derby_council) == 5
    assert load_case_studies(derby_council) == 0  # idempotent
    items = LibraryItem.objects.filter(status=ItemStatus.PUBLISHED, is_synthetic=False)
    assert items.count() == 5
    leicester = items.get(slug="leicester-mainstreaming-community-cohesion")
    assert leicester.source == "East Midlands community cohesion toolkit (2009)"
    assert leicester.area is not None and leicester.area.name == "Leicester"
    page = client.get(reverse("library-detail", args=[leicester.slug])).content.decode()
    assert "Leicester devised a number of sessions as part of a scrutiny review process." in page
    assert '<ul class="govuk-list govuk-list--bullet"><li>housing</li>' in page
    cotton = items.get(slug="cotton-lane-activity-centre-derby")
    assert "shared communal space" in cotton.body
    assert cotton.area == derby


def test_demo_events_are_synthetic_and_listed(client, derby_council):
    load_events_and_award(derby_council)
    assert Event.objects.filter(is_synthetic=True).count() == 3
    assert all(e.title.endswith("(demo)") for e in Event.objects.all())
    html = client.get(reverse("library-event-list")).content.decode()
    assert "Coming up" in html and "Past events" in html
    assert "Healing history: local stories evening (demo)" in html
    event = Event.objects.order_by("starts_at").last()
    assert client.get(reverse("library-event-detail", args=[event.uuid])).status_code == 200
    assert (
        "Community cohesion champion (demo)"
        in client.get(reverse("library-award-list")).content.decode()
    )


def test_api_public_lists_only_published(client, library):
    data = client.get("/api/v1/library/items").json()
    assert {i["title"] for i in data["items"]} == {"Hub opens", "Street football", "Mediation case"}
    assert client.get("/api/v1/library/items/secret-draft").status_code == 404
    assert client.get("/api/v1/library/items/hub-opens").json()["kind"] == "news"


def test_api_staff_create_submit_and_publish(client, pat, olu):
    client.force_login(pat)
    made = client.post(
        "/api/v1/library/manage/items",
        json.dumps({"kind": "story", "title": "T", "summary": "S", "body": "B"}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    item_uuid = made.json()["uuid"]
    bad = client.post(
        "/api/v1/library/manage/items",
        json.dumps({"kind": "story", "title": "", "summary": "S", "body": "B"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "title" in bad.json()["problems"]
    assert client.post(f"/api/v1/library/manage/items/{item_uuid}/submit").status_code == 200
    assert client.post(f"/api/v1/library/manage/items/{item_uuid}/publish").status_code == 404
    client.force_login(olu)
    published = client.post(f"/api/v1/library/manage/items/{item_uuid}/publish")
    assert published.json()["status"] == "published"


def test_api_viewer_cannot_create(client, vic):
    client.force_login(vic)
    response = client.post(
        "/api/v1/library/manage/items",
        json.dumps({"kind": "story", "title": "T", "summary": "S", "body": "B"}),
        content_type="application/json",
    )
    assert response.status_code == 403
