"""The SIA pages: exact figures for people who may see incidents, disclosure-controlled public figures."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html  # type: ignore[import-untyped]

from cohesion.areas.bundled import DERBY
from cohesion.assessments.forms import last_complete_months
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents.access import incidents_visible_to
from cohesion.incidents.frames import incident_frame
from cohesion.incidents.models import Incident
from cohesion.insight.inputs import from_frames
from cohesion.insight.population import bundled_population
from cohesion.insight.sia import assess, to_json
from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

pytestmark = pytest.mark.django_db

OPENDATA = Path(__file__).resolve().parents[2] / "cohesion" / "opendata"
STRAND_COUNT = ".//*[@data-section='strands']//tr[@data-strand='%s']//*[@data-figure='count']"
WARD_COUNT = ".//*[@data-section='wards']//tr[@data-ward='%s']//*[@data-figure='count']"
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-12-31", "council": DERBY}


def soup(response):
    return lxml_html.fromstring(response.content.decode())


def select(node, xpath: str) -> list:
    return node.xpath(xpath)


def select_one(node, xpath: str):
    found = node.xpath(xpath)
    return found[0] if found else None


def text(node) -> str:
    """What a sighted reader sees (visually hidden text left out), spaces collapsed."""
    parts: list[str] = []

    def walk(n) -> None:
        if not isinstance(n.tag, str) or "govuk-visually-hidden" in (n.get("class") or ""):
            return
        parts.append(n.text or "")
        for child in n:
            walk(child)
            parts.append(child.tail or "")

    walk(node)
    return " ".join("".join(parts).split())


def cell_text(node, xpath: str) -> str:
    found = select_one(node, xpath)
    assert found is not None, xpath
    return text(found)


def fig(name: str) -> str:
    return f".//*[@data-figure='{name}']"


def section(name: str) -> str:
    return f".//*[@data-section='{name}']"


@pytest.fixture
def four_incidents(olu):
    """3 in Normanton, 1 in Abbey in 2025; 1 in Normanton a year earlier."""
    made = [
        make_incident(olu, NORMANTON, strands=("race",), occurred_on=dt.date(2025, 3, 14)),
        make_incident(
            olu, NORMANTON, strands=("race", "religion"), occurred_on=dt.date(2025, 3, 20)
        ),
        make_incident(olu, NORMANTON, strands=("disability",), occurred_on=dt.date(2025, 6, 2)),
        make_incident(olu, ABBEY, strands=("sexual_orientation",), occurred_on=dt.date(2025, 6, 9)),
        make_incident(olu, NORMANTON, strands=("race",), occurred_on=dt.date(2024, 5, 1)),
    ]
    return made


# --- Permissions -------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, geography):
    response = client.get(reverse("sia"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_viewer_gets_404(client, vic):
    client.force_login(vic)
    assert client.get(reverse("sia")).status_code == 404
    assert client.get(reverse("sia"), {"format": "json"}).status_code == 404


def test_sheffield_sees_nothing_of_derby(client, four_incidents, sam):
    client.force_login(sam)
    page = soup(client.get(reverse("sia"), {"date_from": "2025-01-01", "date_to": "2025-12-31"}))
    assert cell_text(page, fig("total")) == "0"
    assert "Normanton" not in text(select_one(page, section("wards")))
    # Derby is not one of his councils: the filter is refused, no figures.
    refused = client.get(reverse("sia"), PERIOD)
    assert refused.status_code == 400
    assert select_one(soup(refused), fig("total")) is None
    data = client.get(
        reverse("sia"), {"date_from": "2025-01-01", "date_to": "2025-12-31", "format": "json"}
    ).json()
    assert data["total"] == 0 and data["previous"]["total"] == 0


# --- Exact figures -----------------------------------------------------------------------


def test_exact_figures_on_a_small_fixture(client, four_incidents, olu):
    client.force_login(olu)
    response = client.get(reverse("sia"), PERIOD)
    assert response.status_code == 200
    page = soup(response)
    assert cell_text(page, fig("total")) == "4"
    assert cell_text(page, fig("previous-total")) == "1"
    assert cell_text(page, fig("change")) == "+3 (+300.0%)"
    strands = {
        row.get("data-strand"): cell_text(row, fig("count"))
        for row in select(page, section("strands") + "//tr[@data-strand]")
    }
    assert strands == {
        "race": "2",
        "religion": "1",
        "sexual_orientation": "1",
        "disability": "1",
        "transgender": "0",
    }
    wards = {
        row.get("data-ward"): cell_text(row, fig("count"))
        for row in select(page, section("wards") + "//tr[@data-ward]")
    }
    assert wards[NORMANTON] == "3" and wards[ABBEY] == "1"
    assert len(wards) == 18  # every Derby ward, with its rate
    assert select_one(page, f".//path[@data-ward='{NORMANTON}']") is not None
    months = {
        row.get("data-month"): text(row)
        for row in select(page, section("monthly") + "//tr[@data-month]")
    }
    assert months["2025-03"] == "Mar 2025 2 0" and months["2025-05"] == "May 2025 0 1"
    assert "Recorded counts measure reporting, not prevalence" in text(page)


def test_the_audit_records_the_page_view(client, four_incidents, olu):
    client.force_login(olu)
    client.get(reverse("sia"), PERIOD)
    event = AuditEvent.objects.filter(action=AuditAction.INCIDENTS_EXPORTED).latest("id")
    assert event.actor_username == "olu"
    assert event.detail["purpose"] == "strategic intelligence assessment page"
    assert (event.detail["from"], event.detail["to"], event.detail["rows"]) == (
        "2025-01-01",
        "2025-12-31",
        5,
    )


def test_counts_link_to_the_records_behind_them(client, four_incidents, olu):
    client.force_login(olu)
    page = soup(client.get(reverse("sia"), PERIOD))

    def link(xpath: str) -> dict[str, list[str]]:
        anchor = select_one(page, xpath + "//a")
        assert anchor is not None, xpath
        url = urlparse(anchor.get("href"))
        assert url.path == reverse("incident-list")
        return parse_qs(url.query)

    assert link(fig("total")) == {
        "date_from": ["2025-01-01"],
        "date_to": ["2025-12-31"],
        "council": [DERBY],
    }
    assert link(STRAND_COUNT % "race") == {
        "date_from": ["2025-01-01"],
        "date_to": ["2025-12-31"],
        "council": [DERBY],
        "strand": ["race"],
    }
    ward_query = link(WARD_COUNT % NORMANTON)
    assert ward_query["ward"] == [NORMANTON]
    # The list behind the link holds exactly the counted records.
    listed = client.get(reverse("incident-list"), ward_query)
    assert listed.context["page"].paginator.count == 3
    race = link(STRAND_COUNT % "race")
    listed = client.get(reverse("incident-list"), race)
    assert listed.context["page"].paginator.count == 2


def test_filters_wards_and_strands(client, four_incidents, olu):
    client.force_login(olu)
    query = {**PERIOD, "wards": [NORMANTON], "strands": ["race"]}
    page = soup(client.get(reverse("sia"), query))
    assert cell_text(page, fig("total")) == "2"
    anchor = select_one(page, fig("total") + "//a")
    assert parse_qs(urlparse(anchor.get("href")).query) == {
        "date_from": ["2025-01-01"],
        "date_to": ["2025-12-31"],
        "council": [DERBY],
        "ward": [NORMANTON],
        "strand": ["race"],
    }
    # Religion here counts incidents with religion AND race: the link says both.
    religion = select_one(page, STRAND_COUNT % "religion" + "//a")
    assert parse_qs(urlparse(religion.get("href")).query)["and_strand"] == ["religion"]
    # Two wards: the total links to both.
    page = soup(client.get(reverse("sia"), {**PERIOD, "wards": [NORMANTON, ABBEY]}))
    assert cell_text(page, fig("total")) == "4"
    anchor = select_one(page, fig("total") + "//a")
    assert parse_qs(urlparse(anchor.get("href")).query)["ward"] == [NORMANTON, ABBEY]


def test_bad_period_is_refused(client, olu):
    client.force_login(olu)
    response = client.get(reverse("sia"), {**PERIOD, "date_from": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date must be the same as or after the start" in response.content.decode()


def test_json_download_equals_the_assessment(client, four_incidents, olu):
    client.force_login(olu)
    response = client.get(reverse("sia"), {**PERIOD, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    frame = incident_frame(
        incidents_visible_to(olu).filter(council__code=DERBY),
        dt.date(2024, 1, 1),
        dt.date(2025, 12, 31),
    )
    incidents, population = from_frames(frame, bundled_population(OPENDATA, [DERBY]))
    expected = to_json(
        assess(incidents, population, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    )
    assert json.loads(response.content) == expected
    html = client.get(reverse("sia"), {**PERIOD, "format": "html"})
    assert html.status_code == 200 and b"Strategic Intelligence Assessment" in html.content
    assert client.get(reverse("sia"), {**PERIOD, "format": "exe"}).status_code == 404


# --- The public page ---------------------------------------------------------------------


@pytest.fixture
def published(olu):
    """15 released and verified (12 Normanton, 3 Abbey); 6 that must not count."""
    start, _end = last_complete_months(timezone.localdate())
    day = start + dt.timedelta(days=40)

    def make(ward: str, n: int, **state) -> None:
        ids = [make_incident(olu, ward, occurred_on=day).pk for _ in range(n)]
        Incident.objects.filter(pk__in=ids).update(**state)

    make(NORMANTON, 12, audience="public", counted_in_statistics=True)
    make(ABBEY, 3, audience="public", counted_in_statistics=True)
    make(NORMANTON, 4, counted_in_statistics=True)  # verified, not released
    make(ABBEY, 2, audience="public", counted_in_statistics=False)  # released, not verified


def test_public_page_is_disclosure_controlled(client, published):
    response = client.get(reverse("sia-public"))
    assert response.status_code == 200
    page = soup(response)
    # 15 released and verified: rounded to 15; with the others it would be 20 or 21.
    assert cell_text(page, fig("total")) == "15"
    abbey = cell_text(page, WARD_COUNT % ABBEY)
    assert abbey == "c"
    assert select(page, ".//main//a[contains(@href, '/incidents/')]") == []
    assert "appear as c" in text(page)
    assert "Disclosure control:" in cell_text(page, section("caveats"))
    # The exact small number is never printed as a figure.
    figures = [text(td) for td in select(page, ".//td")]
    assert "3" not in figures and "2" not in figures
    data = client.get(reverse("sia-public"), {"format": "json"}).json()
    assert data["total"] == 15
    assert next(w for w in data["wards"] if w["code"] == ABBEY)["count"] == "c"
    assert data["disclosure"] != "exact"
    assert not re.search(r'"count": [1-9],', json.dumps(data))


def test_public_page_with_nothing_published(client, geography, derby_council):
    response = client.get(reverse("sia-public"))
    assert response.status_code == 200
    assert cell_text(soup(response), fig("total")) == "0"
    assert client.get(reverse("sia-public"), {"council": "E99999999"}).status_code == 404


def test_office_downloads_when_the_renderer_is_there(client, four_incidents, olu):
    client.force_login(olu)
    page = soup(client.get(reverse("sia"), PERIOD))
    offered = [text(a).split()[0] for a in select(page, section("downloads") + "//a")]
    if importlib.util.find_spec("cohesion.insight.render") is None:
        assert offered == ["JSON", "HTML"]
        assert client.get(reverse("sia"), {**PERIOD, "format": "pdf"}).status_code == 404
        return
    assert offered == ["JSON", "HTML", "XLSX", "DOCX", "PDF"]
    starts = {"xlsx": b"PK", "docx": b"PK", "pdf": b"%PDF"}
    for fmt, magic in starts.items():
        response = client.get(reverse("sia"), {**PERIOD, "format": fmt})
        assert response.status_code == 200, fmt
        assert response.content.startswith(magic), fmt
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
    public = client.get(reverse("sia-public"), {"council": DERBY, "format": "xlsx"})
    assert public.status_code == 200 and public.content.startswith(b"PK")
