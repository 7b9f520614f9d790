"""Every figure of the exact SIA page links to exactly the records behind it.

The test follows every link from the page to the incident list and checks the
list holds as many records as the figure says (for a share, the share of the
period's records), on a fixture that exercises every breakdown: strands, wards,
victim and suspect profiles, repeat victims and missing details.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident
from tests.integration.test_sia_pages import PERIOD, cell_text, fig, select, soup

pytestmark = pytest.mark.django_db

SAME_VICTIM = ("Amina Begum", "1984-02-11")


@pytest.fixture
def varied_incidents(olu):
    day = dt.date(2025, 3, 14)
    return [
        make_incident(
            olu,
            NORMANTON,
            strands=("race",),
            occurred_on=day,
            victim=SAME_VICTIM,
            victim_sex="female",
            victim_age_band="25-34",
            victim_ethnicity="asian",
            suspect_sex="male",
            suspect_age_band="16-24",
            suspect_described_ethnicity="white",
        ),
        make_incident(
            olu,
            NORMANTON,
            strands=("race", "religion"),
            occurred_on=day + dt.timedelta(days=40),
            victim=SAME_VICTIM,
            victim_sex="female",
            victim_age_band="25-34",
            victim_ethnicity="asian",
            suspect_sex="male",
            suspect_age_band="0-15",
        ),
        make_incident(
            olu,
            ABBEY,
            strands=("religion",),
            occurred_on=day + dt.timedelta(days=90),
            victim=("Tom Hale", "1990-07-01"),
            victim_sex="male",
            victim_age_band="45-54",
            victim_ethnicity="white",
        ),
        make_incident(
            olu, ABBEY, strands=("disability",), occurred_on=day + dt.timedelta(days=100)
        ),
        make_incident(olu, NORMANTON, strands=(), occurred_on=day + dt.timedelta(days=120)),
        make_incident(olu, NORMANTON, strands=("race",), occurred_on=dt.date(2024, 4, 2)),
    ]


def _number(label: str) -> float | None:
    found = re.search(r"(\d[\d,]*(?:\.\d+)?)(%?)", label)
    if not found:
        return None
    value = float(found.group(1).replace(",", ""))
    return value / 100 if found.group(2) else value


def test_every_linked_figure_lists_exactly_its_records(client, varied_incidents, olu):
    client.force_login(olu)
    page = soup(client.get(reverse("sia"), PERIOD))
    total = int(cell_text(page, fig("total")))
    assert total == 5
    anchors = select(page, ".//main//a[contains(@href, '/incidents/?')]")
    # Totals, strands, months, wards, both profiles, disproportionality, quality: many links.
    assert len(anchors) > 40
    checked = 0
    for anchor in anchors:
        visible = (anchor.text or "").strip()
        figure = _number(visible)
        assert figure is not None, visible
        query = parse_qs(urlparse(anchor.get("href")).query)
        listed = client.get(reverse("incident-list"), query)
        assert listed.status_code == 200, anchor.get("href")
        shown = listed.context["page"].paginator.count
        if visible.endswith("%"):
            # A data-quality share: of the period's records.
            assert shown == round(figure * total), (anchor.get("href"), visible, shown)
        elif "repeat" in query:
            # Repeat victims count people; the link lists their incidents (two here).
            assert (figure, shown) == (1, 2)
        else:
            assert shown == figure, (anchor.get("href"), visible, shown)
        checked += 1
    assert checked == len(anchors)


def test_profile_and_quality_links_say_what_they_select(client, varied_incidents, olu):
    client.force_login(olu)
    page = soup(client.get(reverse("sia"), PERIOD))
    hrefs = [a.get("href") for a in select(page, ".//main//a[contains(@href, '/incidents/?')]")]
    queries = [parse_qs(urlparse(h).query) for h in hrefs]
    assert any(q.get("victim_sex") == ["female"] for q in queries)
    assert any(q.get("suspect_age_band") == ["0-15"] for q in queries)
    assert any(q.get("suspect_described_ethnicity") == ["white"] for q in queries)
    assert any(q.get("missing") == ["suspect_ethnicity"] for q in queries)
    assert any(q.get("missing") == ["victim_key"] for q in queries)
    assert all(q["council"] == [PERIOD["council"]] for q in queries)


def test_links_keep_the_pages_wards_and_strands(client, varied_incidents, olu):
    client.force_login(olu)
    query = {**PERIOD, "wards": [NORMANTON, ABBEY], "strands": ["race"]}
    page = soup(client.get(reverse("sia"), query))
    assert cell_text(page, fig("total")) == "2"
    religion = select(
        page,
        ".//*[@data-section='strands']//tr[@data-strand='religion']//*[@data-figure='count']//a",
    )[0]
    religion_query = parse_qs(urlparse(religion.get("href")).query)
    # Religion counts incidents carrying religion as well as the ticked race strand.
    assert religion_query["strand"] == ["race"] and religion_query["and_strand"] == ["religion"]
    assert religion_query["ward"] == [NORMANTON, ABBEY]
    listed = client.get(reverse("incident-list"), religion_query)
    assert listed.context["page"].paginator.count == 1


def test_the_incident_list_filters_by_profile_and_missing_details(client, varied_incidents, olu):
    client.force_login(olu)
    base = {"date_from": "2025-01-01", "date_to": "2025-12-31"}

    def count(**extra: object) -> int:
        response = client.get(reverse("incident-list"), {**base, **extra})
        assert response.status_code == 200
        return response.context["page"].paginator.count

    assert count() == 5
    assert count(victim_sex="female") == 2
    assert count(victim_sex="not_known") == 2
    assert count(victim_ethnicity="white") == 1
    assert count(suspect_age_band="0-15") == 1
    assert count(missing="strands") == 1
    assert count(missing="victim_key") == 2
    assert count(repeat="on") == 2
    assert count(ward=[NORMANTON, ABBEY], strand=["religion", "disability"]) == 3
    # "More filters" opens when one of them is in use.
    page = client.get(reverse("incident-list"), {**base, "victim_sex": "female"}).content.decode()
    assert '<details class="govuk-details" open>' in page
