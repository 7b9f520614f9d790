"""`/api/v1/index/…`: the same permissions as the pages, stale versions, context-only refusal."""

from __future__ import annotations

import json

import pytest

from cohesion.riskindex.models import IndexRun
from tests.integration.test_riskindex_pages import computed, configuration  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/index"


def put(client, url: str, payload: dict) -> object:
    return client.put(url, data=json.dumps(payload), content_type="application/json")


def test_signed_out_gets_401(client, configuration) -> None:  # noqa: F811
    assert client.get(f"{BASE}/configurations/").status_code == 401
    assert client.get(f"{BASE}/configurations/{configuration.pk}").status_code == 401


def test_list_and_get_in_scope(client, olu, computed) -> None:  # noqa: F811
    client.force_login(olu)
    items = client.get(f"{BASE}/configurations/").json()
    assert [i["id"] for i in items] == [computed.configuration.pk]
    assert items[0]["can_configure"] is True
    assert "imd_avg_rank" in items[0]["indicators"]
    one = client.get(f"{BASE}/configurations/{computed.configuration.pk}").json()
    assert one["version"] == 1
    assert one["config"] == computed.configuration.config
    assert one["latest_run"]["id"] == computed.pk
    assert one["latest_run"]["summary"]["simulations"] == 1000


def test_other_council_gets_the_same_404_as_missing(client, sam, computed) -> None:  # noqa: F811
    client.force_login(sam)
    pk = computed.configuration.pk
    assert client.get(f"{BASE}/configurations/").json() == []
    for suffix in ("", "/results", "/method"):
        theirs = client.get(f"{BASE}/configurations/{pk}{suffix}")
        missing = client.get(f"{BASE}/configurations/999999{suffix}")
        assert theirs.status_code == missing.status_code == 404
    assert client.post(f"{BASE}/configurations/{pk}/compute").status_code == 404
    payload = {"version": 1, "config": computed.configuration.config}
    assert put(client, f"{BASE}/configurations/{pk}", payload).status_code == 404


def test_viewer_reads_but_cannot_configure_or_compute(client, vic, computed) -> None:  # noqa: F811
    client.force_login(vic)
    pk = computed.configuration.pk
    assert client.get(f"{BASE}/configurations/{pk}").json()["can_configure"] is False
    assert client.get(f"{BASE}/configurations/{pk}/results").status_code == 200
    assert client.post(f"{BASE}/configurations/{pk}/compute").status_code == 403
    payload = {"version": 1, "config": computed.configuration.config}
    assert put(client, f"{BASE}/configurations/{pk}", payload).status_code == 403
    assert IndexRun.objects.count() == 1


def test_results_and_method(client, vic, computed) -> None:  # noqa: F811
    client.force_login(vic)
    pk = computed.configuration.pk
    results = client.get(f"{BASE}/configurations/{pk}/results").json()
    assert results["rows"] == computed.results
    assert results["data_vintage"] == computed.data_vintage
    method = client.get(f"{BASE}/configurations/{pk}/method").json()
    titles = [s["title"] for s in method["sections"]]
    assert "Why diversity is not a risk indicator" in titles
    assert method["run"] == computed.pk


def test_results_before_any_run_is_404(client, olu, configuration) -> None:  # noqa: F811
    client.force_login(olu)
    response = client.get(f"{BASE}/configurations/{configuration.pk}/results")
    assert response.status_code == 404


def test_compute(client, olu, configuration) -> None:  # noqa: F811
    client.force_login(olu)
    response = client.post(f"{BASE}/configurations/{configuration.pk}/compute")
    assert response.status_code == 200
    run = IndexRun.objects.get()
    assert response.json()["rows"] == run.results


def test_put_config_with_version(client, olu, configuration) -> None:  # noqa: F811
    client.force_login(olu)
    url = f"{BASE}/configurations/{configuration.pk}"
    config = dict(configuration.config, aggregation="geometric")
    response = put(client, url, {"version": 1, "config": config})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["config"]["aggregation"] == "geometric"
    # The same edit again, from the old version: refused, nothing changed.
    stale = put(client, url, {"version": 1, "config": dict(config, aggregation="arithmetic")})
    assert stale.status_code == 409
    assert "version" in stale.json()["errors"]
    configuration.refresh_from_db()
    assert configuration.version == 2
    assert configuration.config["aggregation"] == "geometric"


def test_put_context_only_or_bad_config_is_422(client, olu, configuration) -> None:  # noqa: F811
    client.force_login(olu)
    url = f"{BASE}/configurations/{configuration.pk}"
    config = json.loads(json.dumps(configuration.config))
    config["indicators"].append(
        {"key": "pct_ethnic_asian", "polarity": "higher_is_risk", "weight": 1}
    )
    config["normalisation"] = "cube-root"
    response = put(client, url, {"version": 1, "config": config})
    assert response.status_code == 422
    problems = " ".join(response.json()["errors"]["config"])
    assert "pct_ethnic_asian" in problems and "never scored" in problems
    assert "cube-root" in problems
    configuration.refresh_from_db()
    assert configuration.version == 1
