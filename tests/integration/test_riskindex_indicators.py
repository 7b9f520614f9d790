"""The risk index's input table: shrunk incident rates, tension levels, profile measures, vintage.

The shrinkage example is worked by hand (Marshall's global empirical Bayes):
three wards of 1,000, 2,000 and 2,000 residents with 8, 4 and 3 incidents.

    council rate m = 15 / 5,000 = 0.003; raw rates 0.008, 0.002, 0.0015
    spread = (1000·0.005² + 2000·0.001² + 2000·0.0015²) / 5000 = 6.3e-6
    m / n̄ = 0.003 / (5000 / 3) = 1.8e-6, so τ² = 4.5e-6
    s² = m / n = 3e-6, 1.5e-6, 1.5e-6; w = τ² / (τ² + s²) = 0.6, 0.75, 0.75
    shrunk = w·r + (1 - w)·m = 0.006, 0.00225, 0.001875 → 6.0, 2.25, 1.875 per 1,000
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.utils import timezone

from cohesion.areas.models import Area
from cohesion.incidents import choices as c
from cohesion.incidents.models import Incident
from cohesion.profiles.figures import AreaMeasures, council_measures
from cohesion.profiles.measures import Measure
from cohesion.riskindex import indicators
from cohesion.riskindex.indicators import (
    incident_counts,
    indicator_choices,
    indicator_table,
    shrunk_rates,
)
from tests.integration.test_tension_dashboard import approved, assess, tess  # noqa: F401
from tests.integration.test_tensions import _scale  # noqa: F401 (autouse: the tension scale)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 30)
WARDS = ("Normanton", "Arboretum", "Abbey")


def test_shrunk_rates_hand_computed() -> None:
    counts = pd.Series({"A": 8, "B": 4, "C": 3})
    population = pd.Series({"A": 1000, "B": 2000, "C": 2000})
    out = shrunk_rates(counts, population)
    assert out["raw_rate"].tolist() == pytest.approx([8.0, 2.0, 1.5])
    assert out["weight"].tolist() == pytest.approx([0.6, 0.75, 0.75])
    assert out["shrunk_rate"].tolist() == pytest.approx([6.0, 2.25, 1.875])


def test_shrunk_rates_no_more_spread_than_chance_pulls_all_to_the_council_rate() -> None:
    out = shrunk_rates(pd.Series({"A": 1, "B": 1}), pd.Series({"A": 1000, "B": 1000}))
    assert out["weight"].tolist() == [0.0, 0.0]
    assert out["shrunk_rate"].tolist() == pytest.approx([1.0, 1.0])


def test_shrunk_rates_area_without_population_is_missing_and_left_out() -> None:
    out = shrunk_rates(
        pd.Series({"A": 8, "B": 4, "C": 3, "D": 5}),
        pd.Series({"A": 1000, "B": 2000, "C": 2000, "D": None}),
    )
    assert out["shrunk_rate"].iloc[:3].tolist() == pytest.approx([6.0, 2.25, 1.875])
    assert pd.isna(out.loc["D", "shrunk_rate"])


def _ward(name: str, council: Area) -> Area:
    return Area.objects.current_wards(council).get(name=name)


def _incident(
    n: int,
    *,
    organisation,
    council: Area,
    ward: Area | None,
    occurred_on: dt.date,
    counted: bool = True,
    kind: str = c.RecordKind.HATE_INCIDENT,
) -> Incident:
    return Incident(
        reference=f"RI-{n:06d}",
        organisation=organisation,
        council=council,
        ward=ward,
        record_kind=kind,
        reporting_channel=c.ReportingChannel.PHONE,
        reporter_role=c.ReporterRole.VICTIM,
        narrative="Made up for a risk index test.",
        occurred_on=occurred_on,
        reported_at=timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12))),
        counted_in_statistics=counted,
    )


@pytest.fixture
def incidents(derby, sheffield, derby_council, sheffield_council) -> dict[str, Area]:
    """8, 4 and 3 counted incidents in the three wards, and everything that must not count."""
    wards = {name: _ward(name, derby) for name in WARDS}
    rows = []
    n = 0
    for name, count in zip(WARDS, (8, 4, 3), strict=True):
        for k in range(count):
            n += 1
            day = ON - dt.timedelta(days=k * 20)  # spread over the 12 months
            rows.append(
                _incident(
                    n, organisation=derby_council, council=derby, ward=wards[name], occurred_on=day
                )
            )
    normanton = wards["Normanton"]
    distractors = [
        # Not verified as counted in statistics.
        {"ward": normanton, "occurred_on": ON, "counted": False},
        # Anti-social behaviour, not a hate incident.
        {"ward": normanton, "occurred_on": ON, "kind": c.RecordKind.ASB},
        # Just over 12 months ago (the window is the 365 days ending on ON).
        {"ward": normanton, "occurred_on": ON - dt.timedelta(days=365)},
        # After ON.
        {"ward": normanton, "occurred_on": ON + dt.timedelta(days=1)},
        # No ward: council-level only.
        {"ward": None, "occurred_on": ON},
    ]
    for extra in distractors:
        n += 1
        rows.append(_incident(n, organisation=derby_council, council=derby, **extra))
    # Another council's incident.
    n += 1
    sheffield_ward = Area.objects.current_wards(sheffield).first()
    rows.append(
        _incident(
            n,
            organisation=sheffield_council,
            council=sheffield,
            ward=sheffield_ward,
            occurred_on=ON,
        )
    )
    # The first of the window's days does count.
    n += 1
    rows.append(
        _incident(
            n,
            organisation=derby_council,
            council=derby,
            ward=wards["Abbey"],
            occurred_on=ON - dt.timedelta(days=364),
        )
    )
    Incident.objects.bulk_create(rows)
    return wards


def test_incident_counts_only_counted_hate_incidents_in_the_last_12_months(
    derby, incidents
) -> None:
    counts = incident_counts(derby, on=ON)
    codes = {name: incidents[name].code for name in WARDS}
    assert counts.to_dict() == {codes["Normanton"]: 8, codes["Arboretum"]: 4, codes["Abbey"]: 4}


def _fake_measures(derby: Area, wards: dict[str, Area]) -> AreaMeasures:
    """Three wards of 1,000, 2,000 and 2,000 residents (the worked example's populations)."""
    real = council_measures(derby)
    codes = [wards[name].code for name in WARDS]
    frame = pd.DataFrame(
        {"residents_2021": [1000.0, 2000.0, 2000.0], "imd_avg_rank": [100.0, 5000.0, 9000.0]},
        index=pd.Index(codes),
    )
    return AreaMeasures(
        council=derby,
        ward_generation=real.ward_generation,
        wards=frame,
        ward_names={w.code: w.name for w in wards.values()},
        council_values=pd.Series({"residents_2021": 5000.0}),
        england=pd.Series(dtype=float),
        measures={
            "residents_2021": Measure(
                "residents_2021", "Usual residents", "people", "population", "ONS Census 2021, TS001",
                "2021-03-21", "context", 0,
            ),
            "imd_avg_rank": real.measures["imd_avg_rank"],
        },
    )  # fmt: skip


def test_incident_rate_hand_computed(derby, incidents, monkeypatch) -> None:
    # Abbey's fourth incident (first day of the window) is dropped to match the worked example.
    Incident.objects.filter(occurred_on=ON - dt.timedelta(days=364)).delete()
    monkeypatch.setattr(indicators, "_measures", lambda council: _fake_measures(derby, incidents))
    table, vintage = indicator_table(derby, ["incident_rate", "imd_avg_rank"], on=ON)
    codes = [incidents[name].code for name in WARDS]
    assert table.loc[codes, "incident_rate"].tolist() == pytest.approx([6.0, 2.25, 1.875])
    assert table.loc[codes, "imd_avg_rank"].tolist() == [100.0, 5000.0, 9000.0]
    rate = vintage["indicators"]["incident_rate"]
    assert rate["edition"] == "2025-07-01 to 2026-06-30"
    assert rate["incidents"] == 15
    assert "shrunk towards the council rate" in rate["note"]
    assert rate["population"] == "Usual residents"


def test_tension_level_latest_approved_else_zero(derby, olu, tess) -> None:  # noqa: F811
    normanton, abbey = _ward("Normanton", derby), _ward("Abbey", derby)
    approved(olu, tess, normanton, 2, -30, -24)
    approved(olu, tess, normanton, 4, -7, -1)
    assess(olu, normanton, 5, -3, 3)  # not approved: never counts
    approved(olu, tess, abbey, 3, 10, 16)  # not started yet
    table, vintage = indicator_table(derby, ["tension_level"])
    assert table.loc[normanton.code, "tension_level"] == 4
    assert table.loc[abbey.code, "tension_level"] == 0
    assert len(table) == Area.objects.current_wards(derby).count()
    assert (table.drop(index=[normanton.code])["tension_level"] == 0).all()
    assert "approved" in vintage["indicators"]["tension_level"]["source"]


def test_profile_measures_carry_source_edition_and_date(derby) -> None:
    table, vintage = indicator_table(derby, ["imd_avg_rank", "pct_migrant_in"])
    measures = council_measures(derby)
    assert list(table.index) == list(measures.wards.index)
    assert table["imd_avg_rank"].tolist() == measures.wards["imd_avg_rank"].tolist()
    imd = vintage["indicators"]["imd_avg_rank"]
    assert imd["source"] == measures.measures["imd_avg_rank"].source
    assert imd["edition"] and imd["date"]
    assert vintage["ward_generation"] == measures.ward_generation
    assert vintage["council"] == derby.code


def test_unknown_indicator_is_refused(derby) -> None:
    with pytest.raises(KeyError, match="no_such_measure"):
        indicator_table(derby, ["no_such_measure"])


def test_choices_keep_composition_out(derby) -> None:
    choosable, context = indicator_choices(derby)
    chosen = {c.key for c in choosable}
    listed = {c.key for c in context}
    assert {"imd_avg_rank", "pct_migrant_in", "incident_rate", "tension_level"} <= chosen
    assert {"pct_born_outside_uk", "pct_ethnic_asian", "pct_religion_muslim"} <= listed
    assert not chosen & listed
    assert "population" not in chosen and "residents_2021" not in chosen
    assert all("diversity" in c.reason for c in context)
    imd = next(c for c in choosable if c.key == "imd_avg_rank")
    assert imd.polarity == "lower_is_risk"


# --- `cohesion index compute --council` -------------------------------------------------------


def test_cli_council_uses_the_indicator_table(derby, tmp_path, capsys) -> None:
    import json

    from cohesion.insight.risk_index import compute_index, default_config, parse_config
    from cohesion.insight.risk_index.cli import run
    from cohesion.riskindex.indicators import available_indicators, load_for_cli, ward_names

    config = default_config(available_indicators(derby).keys())
    config["robustness"] = {"simulations": 50, "seed": 3}
    path = tmp_path / "index.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "result.json"
    code = run(
        ["compute", "--config", str(path), "--council", "Derby", "--output", str(out)],
        load_data=load_for_cli,
    )
    assert code == 0, capsys.readouterr().err
    document = json.loads(out.read_text())
    parsed = parse_config(config)
    table, _ = indicator_table(derby, parsed.keys)
    expected = compute_index(table, parsed, names=ward_names(derby)).to_records()
    assert document["rows"] == json.loads(json.dumps(expected))
    assert document["summary"]["data_vintage"]["council"] == derby.code

    missing = run(
        ["compute", "--config", str(path), "--council", "Nowhere", "--output", str(out)],
        load_data=load_for_cli,
    )
    assert missing == 1
    assert "no council with code or name 'Nowhere'" in capsys.readouterr().err


def test_demo_loader_computes_derby_and_sheffield(derby, sheffield) -> None:
    from cohesion.demo.registry import DemoContext
    from cohesion.riskindex.demo import load_risk_index
    from cohesion.riskindex.models import IndexConfiguration, IndexRun

    lines = load_risk_index(DemoContext())
    assert len(lines) == 2
    assert IndexConfiguration.objects.filter(council__in=[derby, sheffield]).count() == 2
    for council in (derby, sheffield):
        run = IndexRun.objects.get(configuration__council=council)
        assert len(run.results) == Area.objects.current_wards(council).count()
    assert load_risk_index(DemoContext()) == [
        "Derby: already computed",
        "Sheffield: already computed",
    ]


def test_cli_council_run_is_in_the_audit_trail(derby, area_statistics, tmp_path, capsys) -> None:
    """`cohesion index compute --council` reads incident rates: the run is audited."""
    import json

    from cohesion.audit.models import AuditAction, AuditEvent
    from cohesion.cli import main
    from cohesion.insight.risk_index import default_config
    from cohesion.riskindex.indicators import available_indicators

    config = default_config(available_indicators(derby).keys())
    config["robustness"] = {"simulations": 20, "seed": 1}
    path = tmp_path / "index.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "result.csv"
    argv = ["index", "compute", "--config", str(path), "--council", derby.code]
    assert main([*argv, "--output", str(out)]) == 0, capsys.readouterr().err
    event = AuditEvent.objects.filter(action=AuditAction.RISK_INDEX_COMPUTED).latest("id")
    assert event.detail["council"] == derby.code
    assert event.detail["wards"] == Area.objects.current_wards(derby).count()
    assert event.detail["configuration_file"] == str(path)
    assert event.channel == "cli"


def test_results_show_tension_beside_the_index(client, derby, area_statistics, olu, tess) -> None:  # noqa: F811
    from django.urls import reverse

    from cohesion.riskindex import actions

    normanton = _ward("Normanton", derby)
    approved(olu, tess, normanton, 4, -7, -1)
    configuration = actions.create_default_configuration(derby)
    assert "tension_level" not in [i["key"] for i in configuration.config["indicators"]]
    actions.compute(by=olu, configuration=configuration)
    client.force_login(olu)
    html = client.get(reverse("risk-index-detail", args=[configuration.pk])).content.decode()
    assert 'data-column="tension-overlay"' in html
    row = html[html.index(f'data-ward="{normanton.code}"') :]
    row = row[: row.index("</tr>")]
    assert row.rstrip().endswith('<td class="govuk-table__cell govuk-table__cell--numeric">4</td>')
