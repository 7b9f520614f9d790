"""/api/v1/early-warning/: the pages' rules, the incidents API's error shape."""

from __future__ import annotations

import datetime as dt

import pytest

from cohesion.areas.models import Area
from cohesion.earlywarning.models import AlertStatus, DetectionSetting, SeriesLevel
from tests.integration.early_warning_data import background, store
from tests.integration.test_early_warning_actions import _alert, _assessment

pytestmark = pytest.mark.django_db

API = "/api/v1/early-warning"


@pytest.fixture
def normanton(derby):
    return Area.objects.current_wards(derby).get(name="Normanton")


@pytest.fixture
def alerts(derby, normanton):
    return {"derby": _alert(derby, derby), "normanton": _alert(derby, normanton)}


def test_the_api_needs_a_session(client, alerts):
    assert client.get(f"{API}/alerts/").status_code == 401


def test_list_and_detail_are_scoped_like_the_pages(client, olu, pat, sam, vic, alerts):
    client.force_login(olu)
    body = client.get(f"{API}/alerts/").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["summary"].startswith("7 incidents in ")
    assert first["can_acknowledge"] is True
    assert client.get(f"{API}/alerts/?area={alerts['normanton'].area.code}").json()["count"] == 1
    assert client.get(f"{API}/alerts/?strand=all&status=open").json()["count"] == 2

    client.force_login(pat)
    body = client.get(f"{API}/alerts/").json()
    assert [a["area_name"] for a in body["items"]] == ["Normanton"]
    assert body["items"][0]["can_acknowledge"] is False

    client.force_login(sam)
    assert client.get(f"{API}/alerts/").json()["count"] == 0
    missing = client.get(f"{API}/alerts/999999")
    theirs = client.get(f"{API}/alerts/{alerts['derby'].pk}")
    assert missing.status_code == theirs.status_code == 404
    assert missing.json() == theirs.json() == {"detail": "Not found"}

    client.force_login(vic)
    assert client.get(f"{API}/alerts/").status_code == 404


def test_acknowledge_through_the_api(client, olu, pat, sam, alerts):
    alert = alerts["normanton"]
    url = f"{API}/alerts/{alert.pk}/acknowledge"

    client.force_login(sam)
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    client.force_login(pat)
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    client.force_login(olu)
    bad = client.post(url, {"reason": " "}, content_type="application/json")
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["reason"]

    good = client.post(url, {"reason": "Known"}, content_type="application/json")

    assert good.status_code == 200
    assert good.json()["status"] == AlertStatus.ACKNOWLEDGED
    assert good.json()["acknowledged_by"] == "olu"


def test_link_through_the_api(client, olu, alerts, normanton):
    assessment = _assessment(olu, normanton)
    url = f"{API}/alerts/{alerts['derby'].pk}/link"
    client.force_login(olu)

    unknown = client.post(
        url, {"assessment": "00000000-0000-0000-0000-000000000000"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert list(unknown.json()["errors"]) == ["assessment"]

    linked = client.post(url, {"assessment": str(assessment.uuid)}, content_type="application/json")
    assert linked.status_code == 200
    assert linked.json()["tension_assessment"] == assessment.reference
    assert linked.json()["status"] == AlertStatus.LINKED


def test_settings_read_and_update(client, olu, pat, sam, derby):
    client.force_login(olu)
    listed = client.get(f"{API}/councils/{derby.code}/settings").json()
    assert [(s["level"], s["method"], s["options"]) for s in listed] == [
        ("council", "farrington-flexible", {"alpha": 0.01}),
        ("ward", "space-time-scan", {}),
    ]
    setting_id = listed[0]["id"]
    url = f"{API}/settings/{setting_id}"

    bad = client.put(
        url,
        {"method": "farrington-flexible", "options": {"alpha": 3}, "axis": "occurred"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["alpha"]
    assert DetectionSetting.objects.get(pk=setting_id).options == {"alpha": 0.01}

    good = client.put(
        url,
        {"method": "farrington-flexible", "options": {"alpha": 0.05}, "axis": "reported"},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert (good.json()["options"], good.json()["axis"]) == ({"alpha": 0.05}, "reported")

    client.force_login(pat)  # may view the council's wards but not the council's settings
    assert client.get(f"{API}/councils/{derby.code}/settings").status_code == 404
    assert client.put(url, {"method": "cusum"}, content_type="application/json").status_code == 404
    client.force_login(sam)
    assert client.get(f"{API}/councils/{derby.code}/settings").status_code == 404


def test_series_and_backtest(client, olu, sam, derby, derby_council, normanton):
    start = dt.date(2025, 6, 2)
    store(
        background(start=start, weeks=60, wards=["Normanton", "Abbey"], per_week=3), derby_council
    )
    end = start + dt.timedelta(weeks=59)
    client.force_login(olu)

    series = client.get(f"{API}/series/{derby.code}?weeks=10").json()
    assert len(series["points"]) == 10
    assert series["method"] == "farrington-flexible"

    result = client.post(
        f"{API}/councils/{derby.code}/backtest",
        {"method": "ears-c2", "options": {"baseline": 7}, "weeks": 20},
        content_type="application/json",
    )
    assert result.status_code == 200
    body = result.json()
    assert len(body["weeks"]) == 20
    assert body["total"] == sum(w["alarms"] for w in body["weeks"])
    assert body["level"] == SeriesLevel.COUNCIL
    assert end  # the history ends before the default end; weeks still run to last week

    bad = client.post(
        f"{API}/councils/{derby.code}/backtest",
        {"method": "ears-c2", "options": {"b": 3}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["b"]

    client.force_login(sam)
    assert client.get(f"{API}/series/{normanton.code}").status_code == 404
    assert (
        client.post(
            f"{API}/councils/{derby.code}/backtest",
            {"method": "ears-c2"},
            content_type="application/json",
        ).status_code
        == 404
    )
