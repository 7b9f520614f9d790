"""The risk index's configuration: JSON in, a frozen `IndexConfig` out, every problem at once.

A configuration is the whole method: which indicators (with role, polarity, source and
weight), how outliers and missing values are treated, how indicators are normalised and
aggregated, and how the robustness analysis varies those choices. `parse_config` refuses
anything it does not understand rather than guessing, and refuses composition and
diversity measures outright (docs: ../shared/reference/indices-and-assessment.md §3):
they describe who lives in an area, not a risk to cohesion.

JSON layout (docs/how-to/build-a-risk-index.md; example docs/examples/risk-index.json):

    {"name": "...", "framework": "...",
     "indicators": [{"key": "imd_avg_rank", "label": "...", "domain": "Deprivation",
                     "role": "driver", "polarity": "lower_is_risk", "weight": 1,
                     "source": "...", "date": "..."}, ...],
     "domain_weights": {"Deprivation": 1, ...},          # optional; default equal
     "treatment": {"outliers": "qtreat", "impute": "none"},
     "normalisation": "zscore", "aggregation": "arithmetic",
     "robustness": {"simulations": 1000, "seed": 0, "weights": "uniform", ...}}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NORMALISATIONS: tuple[str, ...] = ("zscore", "minmax", "rank", "exp", "distance")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
OUTLIER_RULES: tuple[str, ...] = ("qtreat", "none")
IMPUTATIONS: tuple[str, ...] = ("none", "mean", "median")
POLARITIES: tuple[str, ...] = ("higher_is_risk", "lower_is_risk")
ROLES: tuple[str, ...] = ("driver", "outcome")
WEIGHT_DRAWS: tuple[str, ...] = ("uniform", "dirichlet")

NORMALISATION_LABELS = {
    "zscore": "z-score",
    "minmax": "min-max",
    "rank": "rank (percentile)",
    "exp": "IoD exponential",
    "distance": "distance to the mean (mean = 100)",
}
AGGREGATION_LABELS = {"arithmetic": "arithmetic (weighted mean)", "geometric": "geometric"}

# Composition is context, never risk (Laurence & Heath 2008; Sturgis et al. 2014;
# Laurence 2017). These are the ward-profile keys of that kind; the patterns below
# catch the rest of the family (any ethnic or religious share, any diversity or mix).
_RELIGIONS = (
    "no_religion",
    "christian",
    "buddhist",
    "hindu",
    "jewish",
    "muslim",
    "sikh",
    "other_religion",
    "not_answered",
)
CONTEXT_ONLY: frozenset[str] = frozenset(
    {
        "pct_born_outside_uk",
        "pct_born_in_uk",
        "pct_not_english_well",
        "pct_hh_different_languages",
        "pct_hh_same_language",
        *(f"pct_ethnic_{g}" for g in ("asian", "black", "mixed", "white", "other")),
        *(f"pct_religion_{r}" for r in _RELIGIONS),
    }
)
_CONTEXT_PATTERN = re.compile(
    r"(^pct_ethnic_|^pct_religion_|born_outside|born_in_uk|country_of_birth|diversity|"
    r"simpson|fractionali[sz]ation|(^|_)mix($|_)|ethnic_mix|religious_mix)"
)
# Change over time is a different thing from composition: a rising rate of arrival is
# one of the consistent predictors (reference §3), so "change_in_pct_born_outside_uk"
# may be an indicator even though "pct_born_outside_uk" may not.
_CHANGE_PATTERN = re.compile(r"(^change_|_change$|_change_)")

CONTEXT_REASON = (
    "it describes who lives in the area (composition or diversity), which is shown as "
    "context and never scored: the UK evidence finds that deprivation, not diversity, "
    "undermines cohesion (Laurence & Heath 2008; Sturgis et al. 2014; Laurence 2017)"
)


def context_only(key: str) -> bool:
    """Whether a measure key is composition or diversity, so may never be an indicator."""
    if key in CONTEXT_ONLY:
        return True
    if _CHANGE_PATTERN.search(key):
        return False
    return bool(_CONTEXT_PATTERN.search(key))


class ConfigError(ValueError):
    """A configuration that cannot be used; `problems` lists every reason, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    domain: str
    role: str  # "driver" | "outcome"
    polarity: str  # "higher_is_risk" | "lower_is_risk"
    weight: float  # relative weight within its domain
    source: str = ""
    date: str = ""
    note: str = ""

    @property
    def sign(self) -> float:
        """+1 if a higher raw value means more risk, -1 if a lower one does."""
        return 1.0 if self.polarity == "higher_is_risk" else -1.0


@dataclass(frozen=True)
class Treatment:
    outliers: str = "qtreat"
    impute: str = "none"
    skew_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    max_winsorised: int = 5


@dataclass(frozen=True)
class Robustness:
    simulations: int = 1000
    seed: int = 0
    weights: str = "uniform"
    weight_noise: float = 0.25
    dirichlet_concentration: float = 100.0
    normalisations: tuple[str, ...] = ("zscore", "minmax", "rank", "exp")
    aggregations: tuple[str, ...] = ("arithmetic", "geometric")
    outliers: tuple[str, ...] = ("qtreat", "none")
    imputations: tuple[str, ...] = ()  # empty: the configured imputation only
    percentile: float = 95.0
    top_share: float = 0.1


@dataclass(frozen=True)
class IndexConfig:
    name: str
    indicators: tuple[Indicator, ...]
    framework: str = ""
    domain_weights: tuple[tuple[str, float], ...] = ()
    treatment: Treatment = field(default_factory=Treatment)
    normalisation: str = "zscore"
    aggregation: str = "arithmetic"
    robustness: Robustness = field(default_factory=Robustness)

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.indicators]

    @property
    def domains(self) -> list[str]:
        """Domains in the order their first indicator appears."""
        return list(dict.fromkeys(i.domain for i in self.indicators))

    def domain_weight(self, domain: str) -> float:
        return dict(self.domain_weights).get(domain, 1.0)

    def effective_weights(self) -> np.ndarray:
        """Each indicator's share of the index, summing to 1.

        Domain weights are shared across domains (equal unless given); within a
        domain an indicator's weight is its share of that domain's weights.
        """
        domain_total = sum(self.domain_weight(d) for d in self.domains)
        within = {d: sum(i.weight for i in self.indicators if i.domain == d) for d in self.domains}
        w = np.array(
            [
                self.domain_weight(i.domain) / domain_total * i.weight / within[i.domain]
                for i in self.indicators
            ],
            dtype=np.float64,
        )
        return np.asarray(w / w.sum(), dtype=np.float64)


_TOP = {
    "name",
    "framework",
    "indicators",
    "domain_weights",
    "treatment",
    "normalisation",
    "aggregation",
    "robustness",
}
_INDICATOR = {"key", "label", "domain", "role", "polarity", "weight", "source", "date", "note"}
_TREATMENT = {"outliers", "impute", "skew_threshold", "kurtosis_threshold", "max_winsorised"}
_ROBUSTNESS = {
    "simulations",
    "seed",
    "weights",
    "weight_noise",
    "dirichlet_concentration",
    "normalisations",
    "aggregations",
    "outliers",
    "imputations",
    "higher_risk",
}
_HIGHER_RISK = {"percentile", "top_share"}
MAX_SIMULATIONS = 100_000


def _number(value: Any) -> float | None:
    """A finite JSON number (not a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None
    return int(value)


def _unknown(where: str, given: Mapping[str, Any], known: set[str]) -> list[str]:
    extra = sorted(set(given) - known)
    if not extra:
        return []
    return [
        (
            f"{where}: unknown option{'s' if len(extra) > 1 else ''} "
            f"{', '.join(repr(e) for e in extra)} (known: {', '.join(sorted(known))})"
        )
    ]


def _choice(
    where: str, value: Any, allowed: tuple[str, ...], problems: list[str], default: str
) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        problems.append(f"{where}: {value!r} is not one of {', '.join(allowed)}")
        return default
    return value


def _choices(
    where: str, value: Any, allowed: tuple[str, ...], problems: list[str], default: tuple[str, ...]
) -> tuple[str, ...]:
    if value is None:
        return default
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: give a non-empty list from {', '.join(allowed)}")
        return default
    bad = [v for v in value if not isinstance(v, str) or v not in allowed]
    if bad:
        problems.append(
            f"{where}: {', '.join(repr(b) for b in bad)} not among {', '.join(allowed)}"
        )
        return default
    return tuple(dict.fromkeys(value))


def _text(where: str, value: Any, problems: list[str], default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        problems.append(f"{where}: must be text")
        return default
    return value.strip()


def _parse_indicator(
    n: int, raw: Any, problems: list[str], available: set[str] | None
) -> Indicator | None:
    where = f"indicators[{n}]"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be an object with at least a key")
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not key.strip():
        problems.append(f"{where}: needs a key (the measure's name, e.g. imd_avg_rank)")
        return None
    key = key.strip()
    where = f"indicator {key!r}"
    ok = True
    unknown = _unknown(where, raw, _INDICATOR)
    if unknown:
        problems.extend(unknown)
        ok = False
    if context_only(key):
        problems.append(f"{where} cannot be a risk indicator: {CONTEXT_REASON}")
        ok = False
    elif available is not None and key not in available:
        problems.append(
            f"{where}: no such measure in the data (available: {', '.join(sorted(available))})"
        )
        ok = False
    role = raw.get("role", "driver")
    if role == "context":
        problems.append(
            f"{where}: role 'context' cannot be scored; leave context measures out of the index"
        )
        ok = False
    elif role not in ROLES:
        problems.append(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
        ok = False
    polarity = raw.get("polarity")
    if polarity not in POLARITIES:
        problems.append(
            f"{where}: polarity {polarity!r} is not one of {', '.join(POLARITIES)} "
            "(say which direction means more risk)"
        )
        ok = False
    weight_raw = raw.get("weight", 1)
    weight = _number(weight_raw)
    if weight is None or weight <= 0:
        problems.append(f"{where}: weight {weight_raw!r} must be a number greater than 0")
        ok = False
    before = len(problems)
    label = _text(f"{where} label", raw.get("label"), problems, key)
    domain = _text(f"{where} domain", raw.get("domain"), problems, label) or label
    source = _text(f"{where} source", raw.get("source"), problems)
    date = _text(f"{where} date", raw.get("date"), problems)
    note = _text(f"{where} note", raw.get("note"), problems)
    if not ok or len(problems) > before:
        return None
    assert weight is not None
    return Indicator(
        key=key,
        label=label or key,
        domain=domain,
        role=str(role),
        polarity=str(polarity),
        weight=weight,
        source=source,
        date=date,
        note=note,
    )


def _parse_treatment(raw: Any, problems: list[str]) -> Treatment:
    if raw is None:
        return Treatment()
    if not isinstance(raw, Mapping):
        problems.append("treatment: must be an object")
        return Treatment()
    problems.extend(_unknown("treatment", raw, _TREATMENT))
    outliers = _choice("treatment.outliers", raw.get("outliers"), OUTLIER_RULES, problems, "qtreat")
    impute = _choice("treatment.impute", raw.get("impute"), IMPUTATIONS, problems, "none")
    skew = _number(raw.get("skew_threshold", 2.0))
    if skew is None or skew <= 0:
        problems.append("treatment.skew_threshold: must be a number greater than 0")
        skew = 2.0
    kurt = _number(raw.get("kurtosis_threshold", 3.5))
    if kurt is None:
        problems.append("treatment.kurtosis_threshold: must be a number")
        kurt = 3.5
    most = _whole(raw.get("max_winsorised", 5))
    if most is None or most < 0:
        problems.append("treatment.max_winsorised: must be a whole number, 0 or more")
        most = 5
    return Treatment(outliers, impute, skew, kurt, most)


def _parse_robustness(raw: Any, problems: list[str], impute: str) -> Robustness:
    if raw is None:
        return Robustness(imputations=(impute,))
    if not isinstance(raw, Mapping):
        problems.append("robustness: must be an object")
        return Robustness(imputations=(impute,))
    problems.extend(_unknown("robustness", raw, _ROBUSTNESS))
    d = Robustness()
    sims = _whole(raw.get("simulations", d.simulations))
    if sims is None or not 0 <= sims <= MAX_SIMULATIONS:
        problems.append(f"robustness.simulations: a whole number from 0 to {MAX_SIMULATIONS:,}")
        sims = d.simulations
    seed = _whole(raw.get("seed", d.seed))
    if seed is None or seed < 0:
        problems.append("robustness.seed: a whole number, 0 or more")
        seed = d.seed
    draw = _choice("robustness.weights", raw.get("weights"), WEIGHT_DRAWS, problems, d.weights)
    noise = _number(raw.get("weight_noise", d.weight_noise))
    if noise is None or not 0 <= noise < 1:
        problems.append("robustness.weight_noise: a number from 0 up to (not including) 1")
        noise = d.weight_noise
    conc = _number(raw.get("dirichlet_concentration", d.dirichlet_concentration))
    if conc is None or conc <= 0:
        problems.append("robustness.dirichlet_concentration: a number greater than 0")
        conc = d.dirichlet_concentration
    norms = _choices(
        "robustness.normalisations",
        raw.get("normalisations"),
        NORMALISATIONS,
        problems,
        d.normalisations,
    )
    aggs = _choices(
        "robustness.aggregations", raw.get("aggregations"), AGGREGATIONS, problems, d.aggregations
    )
    outs = _choices("robustness.outliers", raw.get("outliers"), OUTLIER_RULES, problems, d.outliers)
    imps = _choices(
        "robustness.imputations", raw.get("imputations"), IMPUTATIONS, problems, (impute,)
    )
    percentile, share = d.percentile, d.top_share
    rule = raw.get("higher_risk")
    if rule is not None:
        if not isinstance(rule, Mapping):
            problems.append("robustness.higher_risk: must be an object")
        else:
            problems.extend(_unknown("robustness.higher_risk", rule, _HIGHER_RISK))
            p = _number(rule.get("percentile", percentile))
            if p is None or not 50 <= p <= 100:
                problems.append("robustness.higher_risk.percentile: a number from 50 to 100")
            else:
                percentile = p
            s = _number(rule.get("top_share", share))
            if s is None or not 0 < s < 1:
                problems.append("robustness.higher_risk.top_share: a number between 0 and 1")
            else:
                share = s
    return Robustness(
        simulations=sims,
        seed=seed,
        weights=draw,
        weight_noise=noise,
        dirichlet_concentration=conc,
        normalisations=norms,
        aggregations=aggs,
        outliers=outs,
        imputations=imps,
        percentile=percentile,
        top_share=share,
    )


def parse_config(data: Mapping[str, Any], *, available: Iterable[str] | None = None) -> IndexConfig:
    """Check a JSON configuration and build the `IndexConfig`; raise ConfigError listing every problem.

    `available`: the measure keys the data holds; when given, an indicator must be one.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(["the configuration must be a JSON object"])
    problems: list[str] = []
    problems.extend(_unknown("configuration", data, _TOP))
    name = _text("name", data.get("name"), problems, "Cohesion risk index") or "Cohesion risk index"
    framework = _text("framework", data.get("framework"), problems)
    known = set(available) if available is not None else None

    raw_indicators = data.get("indicators")
    indicators: list[Indicator] = []
    if not isinstance(raw_indicators, list) or not raw_indicators:
        problems.append("indicators: give a non-empty list of indicators")
    else:
        seen: set[str] = set()
        for n, raw in enumerate(raw_indicators):
            indicator = _parse_indicator(n, raw, problems, known)
            if indicator is None:
                continue
            if indicator.key in seen:
                problems.append(f"indicator {indicator.key!r} is listed twice")
                continue
            seen.add(indicator.key)
            indicators.append(indicator)

    domain_weights: list[tuple[str, float]] = []
    raw_dw = data.get("domain_weights")
    if raw_dw is not None:
        if not isinstance(raw_dw, Mapping):
            problems.append("domain_weights: must be an object of domain name to weight")
        else:
            domains = {i.domain for i in indicators}
            for domain, value in raw_dw.items():
                weight = _number(value)
                if weight is None or weight <= 0:
                    problems.append(
                        f"domain_weights: {domain!r} weight {value!r} must be a number greater than 0"
                    )
                elif indicators and domain not in domains:
                    problems.append(
                        f"domain_weights: no indicator is in domain {domain!r} "
                        f"(domains: {', '.join(sorted(domains))})"
                    )
                else:
                    domain_weights.append((str(domain), weight))

    treatment = _parse_treatment(data.get("treatment"), problems)
    normalisation = _choice(
        "normalisation", data.get("normalisation"), NORMALISATIONS, problems, "zscore"
    )
    aggregation = _choice(
        "aggregation", data.get("aggregation"), AGGREGATIONS, problems, "arithmetic"
    )
    robustness = _parse_robustness(data.get("robustness"), problems, treatment.impute)
    if problems:
        raise ConfigError(problems)
    return IndexConfig(
        name=name,
        framework=framework,
        indicators=tuple(indicators),
        domain_weights=tuple(domain_weights),
        treatment=treatment,
        normalisation=normalisation,
        aggregation=aggregation,
        robustness=robustness,
    )


def config_to_dict(config: IndexConfig) -> dict[str, Any]:
    """The JSON form, complete (defaults written out), so parse_config(config_to_dict(c)) == c."""
    r = config.robustness
    t = config.treatment
    out: dict[str, Any] = {
        "name": config.name,
        "framework": config.framework,
        "indicators": [
            {
                "key": i.key,
                "label": i.label,
                "domain": i.domain,
                "role": i.role,
                "polarity": i.polarity,
                "weight": i.weight,
                "source": i.source,
                "date": i.date,
                "note": i.note,
            }
            for i in config.indicators
        ],
        "treatment": {
            "outliers": t.outliers,
            "impute": t.impute,
            "skew_threshold": t.skew_threshold,
            "kurtosis_threshold": t.kurtosis_threshold,
            "max_winsorised": t.max_winsorised,
        },
        "normalisation": config.normalisation,
        "aggregation": config.aggregation,
        "robustness": {
            "simulations": r.simulations,
            "seed": r.seed,
            "weights": r.weights,
            "weight_noise": r.weight_noise,
            "dirichlet_concentration": r.dirichlet_concentration,
            "normalisations": list(r.normalisations),
            "aggregations": list(r.aggregations),
            "outliers": list(r.outliers),
            "imputations": list(r.imputations),
            "higher_risk": {"percentile": r.percentile, "top_share": r.top_share},
        },
    }
    if config.domain_weights:
        out["domain_weights"] = dict(config.domain_weights)
    return out


# The default index (reference §3): deprivation and crime as drivers, population
# churn as a driver, hostility and tension as outcomes. Equal weights within domains
# and across domains. Ranks are "1 = most deprived", so lower means more risk.
_DEFAULTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # key, label, domain, role, polarity, source
    ("imd_avg_rank", "Deprivation (IMD average rank)", "Deprivation", "driver", "lower_is_risk",
     "English Indices of Deprivation 2019, population-weighted average LSOA rank"),
    ("income_avg_rank", "Income deprivation (average rank)", "Deprivation", "driver",
     "lower_is_risk", "English Indices of Deprivation 2019, Income domain"),
    ("employment_avg_rank", "Employment deprivation (average rank)", "Deprivation", "driver",
     "lower_is_risk", "English Indices of Deprivation 2019, Employment domain"),
    ("crime_avg_rank", "Crime (IoD Crime domain average rank)", "Deprivation", "driver",
     "lower_is_risk", "English Indices of Deprivation 2019, Crime domain"),
    ("pct_migrant_in", "Population churn (movers in per 100 residents)", "Population change",
     "driver", "higher_is_risk", "Census 2021 TS019, address one year ago"),
    ("segregation_h_within", "Segregation within the ward (Theil's H across OAs)", "Segregation",
     "driver", "higher_is_risk", "Census 2021, output areas within the ward"),
    ("incident_rate", "Hate incidents per 1,000 residents (last 12 months)", "Hostility",
     "outcome", "higher_is_risk", "Cohesion incident log"),
    ("tension_level", "Current tension level", "Tension", "outcome", "higher_is_risk",
     "Cohesion tension log"),
)  # fmt: skip


_IMD_PARTS = frozenset({"income_avg_rank", "employment_avg_rank", "crime_avg_rank"})
# Offered to analysts but left out of the default composite: the tension level is an
# overlay read beside the ranks (reference §3), restricted, and changes week to week.
_OVERLAYS = frozenset({"tension_level"})


def default_config(available: Iterable[str]) -> dict[str, Any]:
    """A sensible default index (JSON form) from the measures the data holds.

    Deprivation is the IMD average rank when there is one, else the income,
    employment and crime domain ranks; the other domains join when their measure exists.
    """
    have = set(available)
    chosen = []
    for key, label, domain, role, polarity, source in _DEFAULTS:
        if key not in have:
            continue
        if key in _IMD_PARTS and "imd_avg_rank" in have:
            continue  # the IMD already contains these domains: no double counting
        if key in _OVERLAYS:
            continue
        chosen.append(
            {
                "key": key,
                "label": label,
                "domain": domain,
                "role": role,
                "polarity": polarity,
                "weight": 1,
                "source": source,
            }
        )
    return {
        "name": "Cohesion risk index",
        "framework": (
            "The index points to wards where the conditions that most consistently predict "
            "low cohesion come together: deprivation, crime, a high rate of population "
            "churn, segregation and recorded hostility. It describes conditions, not people, "
            "and it never scores who lives in an area."
        ),
        "indicators": chosen,
        "treatment": {"outliers": "qtreat", "impute": "none"},
        "normalisation": "zscore",
        "aggregation": "arithmetic",
        "robustness": {"simulations": 1000, "seed": 0},
    }
