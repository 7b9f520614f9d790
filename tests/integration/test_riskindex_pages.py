"""Risk index pages: who sees what, configure (errors, stale edits, context-only), compute, method.

The cast is the shared one (tests/conftest.py): Olu (Derby officer) may view,
configure and compute Derby's index; Vic (viewer) may read it but not change
it; Sam (Sheffield officer) must get the same 404 for Derby's configuration as
for one that does not exist; anyone signed out is sent to sign in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.insight.risk_index import compute_index, parse_config
from cohesion.riskindex import actions
from cohesion.riskindex.indicators import indicator_table, ward_names
from cohesion.riskindex.models import IndexConfiguration, IndexRun

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible words, tags stripped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title|desc)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def configuration(derby, area_statistics) -> IndexConfiguration:
    """Derby's default index (the product's own default configuration)."""
    return actions.create_default_configuration(derby)


@pytest.fixture
def computed(configuration, olu) -> IndexRun:
    return actions.compute(by=olu, configuration=configuration)


def form_data(configuration: IndexConfiguration, **overrides: object) -> dict[str, object]:
    """The configure form as the page would post it for the saved configuration."""
    config = configuration.config
    robustness = config["robustness"]
    data: dict[str, object] = {
        "version": configuration.version,
        "framework": config.get("framework", ""),
        "outliers": config["treatment"]["outliers"],
        "normalisation": config["normalisation"],
        "aggregation": config["aggregation"],
        "simulations": robustness["simulations"],
        "weight_noise": round(robustness["weight_noise"] * 100),
        "percentile": robustness["higher_risk"]["percentile"],
        "top_share": round(robustness["higher_risk"]["top_share"] * 100),
    }
    for indicator in config["indicators"]:
        data[f"use_{indicator['key']}"] = "on"
        data[f"weight_{indicator['key']}"] = indicator["weight"]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["risk-index-detail", "risk-index-method", "risk-index-configure"])
def test_signed_out_is_sent_to_sign_in(client, configuration, name) -> None:
    response = client.get(reverse(name, args=[configuration.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_list_shows_councils_in_scope_only(client, olu, configuration, sheffield) -> None:
    other = actions.create_default_configuration(sheffield)
    client.force_login(olu)
    response = client.get(reverse("risk-index-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-configuration="{configuration.pk}"' in html
    assert f'data-configuration="{other.pk}"' not in html
    assert "Risk index" in text(response)  # the navigation item


@pytest.mark.parametrize(
    "name,args",
    [
        ("risk-index-detail", []),
        ("risk-index-method", []),
        ("risk-index-configure", []),
        ("risk-index-download", ["csv"]),
    ],
)
def test_other_council_gets_the_same_404_as_missing(client, sam, computed, name, args) -> None:
    client.force_login(sam)
    theirs = client.get(reverse(name, args=[computed.configuration.pk, *args]))
    missing = client.get(reverse(name, args=[999999, *args]))
    assert theirs.status_code == missing.status_code == 404


def test_other_council_cannot_compute(client, sam, configuration) -> None:
    client.force_login(sam)
    response = client.post(reverse("risk-index-compute", args=[configuration.pk]))
    assert response.status_code == 404
    assert not IndexRun.objects.exists()


def test_viewer_reads_but_cannot_configure(client, vic, computed) -> None:
    pk = computed.configuration.pk
    client.force_login(vic)
    assert client.get(reverse("risk-index-detail", args=[pk])).status_code == 200
    assert client.get(reverse("risk-index-method", args=[pk])).status_code == 200
    page = client.get(reverse("risk-index-detail", args=[pk]))
    assert "Compute now" not in text(page)
    assert "Configure the index" not in text(page)
    # As with early-warning settings, the configure page does not exist for a viewer ...
    assert client.get(reverse("risk-index-configure", args=[pk])).status_code == 404
    response = client.post(
        reverse("risk-index-configure", args=[pk]), form_data(computed.configuration)
    )
    assert response.status_code == 404
    # ... and computing, a button on a page they can see, is forbidden.
    assert client.post(reverse("risk-index-compute", args=[pk])).status_code == 403
    assert IndexRun.objects.count() == 1


# --- Configure -------------------------------------------------------------------------------


def test_configure_page_lists_context_measures_as_not_scored(client, olu, configuration) -> None:
    client.force_login(olu)
    response = client.get(reverse("risk-index-configure", args=[configuration.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "Shown as context, not scored" in page
    assert 'data-measure="pct_born_outside_uk"' in html
    assert 'name="use_pct_born_outside_uk"' not in html
    assert 'name="use_imd_avg_rank"' in html
    assert "A lower value means more risk" in page
    assert "deprivation, not diversity" in page


def test_configure_saves_a_new_version_and_audits(client, olu, configuration) -> None:
    client.force_login(olu)
    data = form_data(
        configuration, use_crime_avg_rank=None, weight_pct_migrant_in="2", normalisation="rank"
    )
    response = client.post(reverse("risk-index-configure", args=[configuration.pk]), data)
    assert response.status_code == 302
    configuration.refresh_from_db()
    assert configuration.version == 2
    keys = [i["key"] for i in configuration.config["indicators"]]
    assert "crime_avg_rank" not in keys
    weights = {i["key"]: i["weight"] for i in configuration.config["indicators"]}
    assert weights["pct_migrant_in"] == 2
    assert configuration.config["normalisation"] == "rank"
    event = AuditEvent.objects.filter(action=AuditAction.RISK_INDEX_CONFIGURED).latest("pk")
    assert event.actor_username == "olu"
    assert event.detail["version"] == 2
    assert "indicators" in event.detail["changed"]


def test_configure_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, olu, configuration
) -> None:
    before = configuration.config
    client.force_login(olu)
    data = form_data(
        configuration,
        weight_pct_migrant_in="lots",
        weight_imd_avg_rank="-1",
        simulations="many",
        weight_noise="150",
        framework="Our own framework text",
    )
    response = client.post(reverse("risk-index-configure", args=[configuration.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    page = text(response)
    assert "There is a problem" in page
    assert 'value="lots"' in html
    assert 'value="-1"' in html
    assert 'value="many"' in html
    assert 'value="150"' in html
    assert "Our own framework text" in html
    assert "must be greater than 0" in page
    assert "Simulations must be a whole number" in page
    configuration.refresh_from_db()
    assert configuration.version == 1
    assert configuration.config == before
    assert not AuditEvent.objects.filter(
        action=AuditAction.RISK_INDEX_CONFIGURED, actor_username="olu"
    ).exists()


def test_configure_with_no_indicator_is_refused(client, olu, configuration) -> None:
    client.force_login(olu)
    data = {k: v for k, v in form_data(configuration).items() if not k.startswith("use_")}
    response = client.post(reverse("risk-index-configure", args=[configuration.pk]), data)
    assert response.status_code == 400
    assert "Choose at least one indicator" in text(response)


def test_configure_stale_edit_is_refused_and_keeps_what_was_typed(
    client, olu, configuration
) -> None:
    stale = form_data(configuration, weight_pct_migrant_in="3")
    # Someone else saves first.
    config = dict(configuration.config, normalisation="minmax")
    actions.save_configuration(
        by=olu, configuration=configuration, config=config, expected_version=1
    )
    client.force_login(olu)
    response = client.post(reverse("risk-index-configure", args=[configuration.pk]), stale)
    assert response.status_code == 409
    assert "Someone else changed this configuration" in text(response)
    assert 'value="3"' in response.content.decode()
    configuration.refresh_from_db()
    assert configuration.version == 2
    assert configuration.config["normalisation"] == "minmax"
    weights = {i["key"]: i["weight"] for i in configuration.config["indicators"]}
    assert weights["pct_migrant_in"] == 1


def test_context_only_measure_posted_anyway_is_not_scored(client, olu, configuration) -> None:
    client.force_login(olu)
    data = form_data(configuration, use_pct_born_outside_uk="on", weight_pct_born_outside_uk="5")
    response = client.post(reverse("risk-index-configure", args=[configuration.pk]), data)
    assert response.status_code == 302
    configuration.refresh_from_db()
    assert "pct_born_outside_uk" not in [i["key"] for i in configuration.config["indicators"]]


def test_context_only_measure_refused_by_the_action(olu, configuration) -> None:
    config = json.loads(json.dumps(configuration.config))
    config["indicators"].append(
        {"key": "pct_born_outside_uk", "polarity": "higher_is_risk", "weight": 1}
    )
    with pytest.raises(actions.ValidationError) as error:
        actions.save_configuration(
            by=olu, configuration=configuration, config=config, expected_version=1
        )
    assert "never scored" in " ".join(error.value.message_dict["config"])
    configuration.refresh_from_db()
    assert configuration.version == 1


# --- Compute, results, method, downloads --------------------------------------------------------


def test_compute_stores_the_same_results_as_compute_index(client, olu, configuration) -> None:
    client.force_login(olu)
    response = client.post(reverse("risk-index-compute", args=[configuration.pk]))
    assert response.status_code == 302
    run = IndexRun.objects.get()
    parsed = parse_config(configuration.config)
    table, _ = indicator_table(configuration.council, parsed.keys)
    expected = compute_index(table, parsed, names=ward_names(configuration.council))
    assert run.results == json.loads(json.dumps(expected.to_records()))
    assert run.config == configuration.config
    assert run.data_vintage["indicators"].keys() == set(parsed.keys)
    assert run.summary["simulations"] == 1000
    assert run.summary["configuration_version"] == 1
    assert len(run.summary["influence"]) == len(parsed.keys)
    event = AuditEvent.objects.get(action=AuditAction.RISK_INDEX_COMPUTED)
    assert event.actor_username == "olu"
    assert event.detail["run"] == run.pk


def test_results_page_shows_ranks_intervals_influence_and_robustness(client, vic, computed) -> None:
    client.force_login(vic)
    response = client.get(reverse("risk-index-detail", args=[computed.configuration.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    first = min(computed.results, key=lambda r: r["rank"])
    assert f'data-ward="{first["area_code"]}"' in html
    assert first["area_name"] in page
    assert html.count('<tr class="govuk-table__row" data-ward=') == len(computed.results)
    # The interval in words, and the same as a bar the screen reader skips.
    low, high = first["p05_rank"], first["p95_rank"]
    assert f"{low:.0f} to {high:.0f}" in page
    assert 'aria-hidden="true" focusable="false"' in html
    assert page.count("Higher risk") - 1 == sum(1 for r in computed.results if r["higher_risk"])
    assert "Declared weight and actual influence" in page
    assert 'data-table="influence"' in html
    assert "Mean absolute rank shift" in page
    # The ward map of median rank, with its own table (the maps module's include).
    assert 'id="risk-index-map"' in html
    assert 'data-table="choropleth"' in html
    assert "Median rank in the risk index" in page


def test_method_page_lists_every_indicator_and_why_diversity_is_not_scored(
    client, vic, computed
) -> None:
    client.force_login(vic)
    response = client.get(reverse("risk-index-method", args=[computed.configuration.pk]))
    assert response.status_code == 200
    page = text(response)
    for indicator in computed.config["indicators"]:
        assert indicator["label"] in page
    assert "Why diversity is not a risk indicator" in page
    assert "Laurence" in page
    html = response.content.decode()
    for key in computed.data_vintage["indicators"]:
        assert f'data-indicator="{key}"' in html


def test_download_csv_and_json(client, vic, computed) -> None:
    client.force_login(vic)
    pk = computed.configuration.pk
    response = client.get(reverse("risk-index-download", args=[pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(computed.results)
    assert list(rows[0].keys())[:8] == [
        "area_code",
        "area_name",
        "score",
        "rank",
        "median_rank",
        "p05_rank",
        "p95_rank",
        "higher_risk",
    ]
    by_code = {r["area_code"]: r for r in computed.results}
    for row in rows:
        assert float(row["rank"]) == by_code[row["area_code"]]["rank"]
    response = client.get(reverse("risk-index-download", args=[pk, "json"]))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["rows"] == computed.results
    assert document["config"] == computed.config
    assert document["data_vintage"] == computed.data_vintage
    assert client.get(reverse("risk-index-download", args=[pk, "xml"])).status_code == 404


def test_create_default_from_the_list(client, olu, derby, area_statistics) -> None:
    client.force_login(olu)
    response = client.get(reverse("risk-index-list"))
    assert "Set up the default index for Derby" in text(response)
    response = client.post(reverse("risk-index-create-default", args=[derby.code]))
    assert response.status_code == 302
    configuration = IndexConfiguration.objects.get(council=derby)
    assert response["Location"] == reverse("risk-index-configure", args=[configuration.pk])


def test_create_default_other_council_is_404(client, sam, derby, area_statistics) -> None:
    client.force_login(sam)
    response = client.post(reverse("risk-index-create-default", args=[derby.code]))
    assert response.status_code == 404
    assert not IndexConfiguration.objects.exists()
