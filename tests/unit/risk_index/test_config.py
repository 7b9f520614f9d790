"""parse_config: every problem at once, context measures refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohesion.insight.risk_index import (
    CONTEXT_ONLY,
    ConfigError,
    config_to_dict,
    context_only,
    default_config,
    method_sections,
    parse_config,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "risk-index.json"


def problems(data) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    return caught.value.problems


def test_example_file_parses_and_round_trips():
    cfg = parse_config(json.loads(EXAMPLE.read_text()))
    assert cfg.keys == ["imd_avg_rank", "pct_migrant_in", "incident_rate", "tension_level"]
    assert parse_config(config_to_dict(cfg)) == cfg
    assert cfg.effective_weights().tolist() == pytest.approx([0.25] * 4)


def test_minimal_config_defaults():
    cfg = parse_config({"indicators": [{"key": "a", "polarity": "higher_is_risk"}]})
    assert cfg.normalisation == "zscore" and cfg.aggregation == "arithmetic"
    assert cfg.treatment.outliers == "qtreat" and cfg.treatment.impute == "none"
    assert cfg.robustness.simulations == 1000 and cfg.robustness.imputations == ("none",)
    assert cfg.indicators[0].domain == "a" and cfg.indicators[0].role == "driver"


@pytest.mark.parametrize(
    "key",
    [
        "pct_born_outside_uk",
        "pct_ethnic_asian",
        "pct_ethnic_white",
        "pct_religion_muslim",
        "pct_religion_no_religion",
        "pct_not_english_well",
        "pct_hh_different_languages",
        "ethnic_diversity",
        "simpson_diversity_religion",
        "ethnic_mix",
    ],
)
def test_context_measures_refused_with_the_reason(key):
    (problem,) = problems({"indicators": [{"key": key, "polarity": "higher_is_risk"}]})
    assert key in problem
    assert "never scored" in problem and "Laurence & Heath 2008" in problem


def test_context_only_set_and_change_exception():
    assert "pct_born_outside_uk" in CONTEXT_ONLY
    assert context_only("pct_ethnic_somethingnew")
    # Change over time and segregation go into the index (reference §3).
    assert not context_only("change_in_pct_born_outside_uk")
    assert not context_only("segregation_h_within")
    assert not context_only("pct_migrant_in")
    assert not context_only("imd_avg_rank")


def test_every_problem_listed_at_once():
    found = problems(
        {
            "nmae": "typo",
            "indicators": [
                {"key": "imd_avg_rank", "polarity": "lower_is_risk", "weight": 0},
                {"key": "pct_born_outside_uk", "polarity": "higher_is_risk"},
                {"key": "incident_rate", "polarity": "up"},
                {"key": "crime_avg_rank", "polarity": "lower_is_risk", "weight": -2},
                {"key": "a", "polarity": "higher_is_risk", "colour": "red"},
                {"key": "b", "polarity": "higher_is_risk", "weight": "heavy"},
                {"key": "c", "polarity": "higher_is_risk", "role": "context"},
                {"key": "d", "polarity": "higher_is_risk"},
                {"key": "d", "polarity": "higher_is_risk"},
            ],
            "normalisation": "zed",
            "aggregation": "harmonic",
            "treatment": {"outliers": "trim", "impute": "zero", "extra": 1},
            "robustness": {
                "simulations": -1,
                "weights": "normal",
                "normalisations": ["zscore", "bogus"],
                "higher_risk": {"percentile": 20, "top_share": 2},
            },
        }
    )
    text = "\n".join(found)
    for expected in (
        "unknown option 'nmae'",
        "indicator 'imd_avg_rank': weight 0 must be a number greater than 0",
        "indicator 'pct_born_outside_uk' cannot be a risk indicator",
        "polarity 'up'",
        "indicator 'crime_avg_rank': weight -2",
        "indicator 'a': unknown option 'colour'",
        "indicator 'b': weight 'heavy'",
        "indicator 'c': role 'context' cannot be scored",
        "indicator 'd' is listed twice",
        "normalisation: 'zed'",
        "aggregation: 'harmonic'",
        "treatment.outliers: 'trim'",
        "treatment.impute: 'zero'",
        "treatment: unknown option 'extra'",
        "robustness.simulations",
        "robustness.weights: 'normal'",
        "robustness.normalisations: 'bogus'",
        "robustness.higher_risk.percentile",
        "robustness.higher_risk.top_share",
    ):
        assert expected in text, expected
    assert len(found) == 19


def test_structural_problems():
    assert problems([]) == ["the configuration must be a JSON object"]
    assert "indicators: give a non-empty list" in problems({"indicators": []})[0]
    assert "needs a key" in problems({"indicators": [{"polarity": "higher_is_risk"}]})[0]
    (p,) = problems(
        {
            "indicators": [{"key": "a", "polarity": "higher_is_risk", "domain": "X"}],
            "domain_weights": {"Y": 1},
        }
    )
    assert "no indicator is in domain 'Y'" in p


def test_available_measures_checked_when_given():
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"indicators": [{"key": "nope", "polarity": "higher_is_risk"}]},
            available=["imd_avg_rank"],
        )
    assert "no such measure" in caught.value.problems[0]


def test_geometric_with_zscore_is_allowed():
    # Negative z-scores are handled by the shift to [0.01, 0.99], not refused.
    cfg = parse_config(
        {
            "indicators": [{"key": "a", "polarity": "lower_is_risk"}],
            "normalisation": "zscore",
            "aggregation": "geometric",
        }
    )
    assert cfg.aggregation == "geometric"


def test_default_config():
    full = default_config(
        ["imd_avg_rank", "income_avg_rank", "crime_avg_rank", "pct_migrant_in", "incident_rate",
         "tension_level", "pct_born_outside_uk"]
    )  # fmt: skip
    cfg = parse_config(full)
    # The tension level is an overlay beside the ranks, not part of the default composite.
    assert cfg.keys == ["imd_avg_rank", "pct_migrant_in", "incident_rate"]
    assert cfg.indicators[0].polarity == "lower_is_risk"
    assert cfg.effective_weights().tolist() == pytest.approx([1 / 3] * 3)
    no_imd = parse_config(
        default_config(["income_avg_rank", "employment_avg_rank", "crime_avg_rank"])
    )
    assert no_imd.keys == ["income_avg_rank", "employment_avg_rank", "crime_avg_rank"]
    assert no_imd.domains == ["Deprivation"]


def test_method_sections_follow_the_config():
    cfg = parse_config(json.loads(EXAMPLE.read_text()))
    sections = method_sections(cfg)
    titles = [s.title for s in sections]
    assert "Why diversity is not a risk indicator" in titles
    assert "Robustness and the higher-risk rule" in titles
    indicators = next(s for s in sections if s.title == "Indicators")
    assert indicators.table is not None
    assert [row[1] for row in indicators.table.rows] == cfg.keys
    assert indicators.table.rows[0][4] == "Lower value = more risk"
    assert indicators.table.rows[0][6] == "25.0%"
    why = next(s for s in sections if s.title.startswith("Why diversity"))
    text = " ".join(why.paragraphs)
    for citation in ("Laurence and Heath (2008)", "(2014)", "Laurence (2017)"):
        assert citation in text
    robust = " ".join(next(s for s in sections if s.title.startswith("Robustness")).paragraphs)
    assert "1,000 times" in robust and "95th-percentile rank" in robust and "top 10%" in robust
    # Changing the configuration changes the page.
    data = config_to_dict(cfg)
    data["robustness"]["simulations"] = 0
    data["aggregation"] = "geometric"
    other = method_sections(parse_config(data))
    assert "no area is called higher risk" in " ".join(
        next(s for s in other if s.title.startswith("Robustness")).paragraphs
    )
    assert "geometric mean" in " ".join(
        next(s for s in other if s.title.startswith("Aggregation")).paragraphs
    )
