"""The published method page, generated from the configuration (no Django, plain text).

Each section has a title, paragraphs and optionally a table (headers + rows of text),
so the web page, the PDF and the how-to all say exactly what the index does: change
the configuration and the method page changes with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cohesion.insight.risk_index.config import (
    AGGREGATION_LABELS,
    NORMALISATION_LABELS,
    IndexConfig,
)
from cohesion.insight.risk_index.robustness import top_count


@dataclass(frozen=True)
class MethodTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class MethodSection:
    title: str
    paragraphs: tuple[str, ...]
    table: MethodTable | None = None


_POLARITY = {
    "higher_is_risk": "Higher value = more risk",
    "lower_is_risk": "Lower value = more risk",
}
_ROLE = {"driver": "Driver", "outcome": "Outcome"}
_TREATMENT = {
    "qtreat": "Outliers treated (COINr rule)",
    "none": "No outlier treatment",
}
_IMPUTE = {
    "none": "Missing values left out (weights rescaled)",
    "mean": "Missing values set to the mean",
    "median": "Missing values set to the median",
}

_NORMALISATION_TEXT = {
    "zscore": "z-score: each indicator's distance from the average area, in standard "
    "deviations. Unbounded, so an extreme value keeps its influence.",
    "minmax": "min-max: each indicator rescaled so that the lowest-risk area is 0 and the "
    "highest-risk area is 1. Very sensitive to outliers.",
    "rank": "rank (percentile): each area's rank on the indicator divided by the number of "
    "areas. Robust to outliers, but it discards how far apart areas are.",
    "exp": "IoD exponential: the rank transformed as in the English Indices of Deprivation, "
    "X = -23 ln(1 - R(1 - e^(-100/23))), from just above 0 to 100 for the highest-risk area, "
    "so that about one area in ten scores over 50. It limits how far a low value on one "
    "indicator can cancel a high value on another.",
    "distance": "distance to the mean: each indicator as a percentage of the average area "
    "(100 = average, 200 = twice the average); for an indicator where lower means more "
    "risk the scale is reflected, so 120 means 20% below the average.",
}


def _weight(value: float) -> str:
    return f"{value:.1%}"


def method_sections(config: IndexConfig) -> list[MethodSection]:
    """The method page's sections, in reading order."""
    weights = config.effective_weights()
    t = config.treatment
    r = config.robustness
    if not r.imputations:
        r = dataclasses.replace(r, imputations=(t.impute,))
    sections: list[MethodSection] = []

    framework = config.framework or (
        "This index brings together measures of the conditions that most consistently "
        "predict low community cohesion, to help decide where to look first."
    )
    sections.append(
        MethodSection(
            "What the index is for",
            (
                framework,
                (
                    "It is a guide to where conditions make tension more likely, not a verdict "
                    "on any community. It is built from published statistics and local records "
                    "about places, never about people, and every choice below is part of the "
                    "configuration published with it."
                ),
                (
                    "Drivers are conditions that make low cohesion more likely; outcomes are "
                    "signs that it is already low. Context measures describe who lives in an "
                    "area and are shown beside the index, never in it."
                ),
            ),
        )
    )

    rows = []
    for i, w in zip(config.indicators, weights, strict=True):
        rows.append(
            (
                i.label,
                i.key,
                i.domain,
                _ROLE.get(i.role, i.role),
                _POLARITY.get(i.polarity, i.polarity),
                " ".join(p for p in (i.source, f"({i.date})" if i.date else "") if p)
                or "Not stated",
                _weight(w),
                _TREATMENT[t.outliers],
                NORMALISATION_LABELS[config.normalisation],
            )
        )
    domain_text = (
        "Domains have equal weight"
        if not config.domain_weights
        else "Domain weights: "
        + ", ".join(f"{d} {config.domain_weight(d):g}" for d in config.domains)
    )
    sections.append(
        MethodSection(
            "Indicators",
            (
                (
                    f"The index has {len(config.indicators)} indicator"
                    f"{'s' if len(config.indicators) != 1 else ''} in {len(config.domains)} "
                    f"domain{'s' if len(config.domains) != 1 else ''}. {domain_text}; within a "
                    "domain each indicator's share follows its stated weight. The weights "
                    "below are each indicator's share of the whole index and add up to 100%."
                ),
                (
                    "Weights are a choice, not a fact: the robustness analysis below varies them, "
                    "and the influence table shows how much each indicator actually moves the "
                    "index."
                ),
            ),
            MethodTable(
                (
                    "Indicator",
                    "Measure",
                    "Domain",
                    "Role",
                    "Direction",
                    "Source",
                    "Weight",
                    "Outliers",
                    "Normalisation",
                ),
                tuple(rows),
            ),
        )
    )

    sections.append(
        MethodSection(
            "Missing values and outliers",
            (
                _IMPUTE[t.impute]
                + ". "
                + (
                    "An area missing an indicator is scored on its other indicators, with "
                    "their weights rescaled to add up to 100%."
                    if t.impute == "none"
                    else f"Each missing value is replaced by the {t.impute} of the areas that "
                    "have one, and every replacement is listed with the results."
                ),
                (
                    f"Outliers follow the rule of the EU Joint Research Centre's COINr "
                    f"software: an indicator whose skewness is beyond ±{t.skew_threshold:g} "
                    f"and whose kurtosis is above {t.kurtosis_threshold:g} has its most "
                    f"extreme value pulled in to the next one, one at a time, up to "
                    f"{t.max_winsorised} values (winsorising). If that is not enough, the "
                    "indicator is log-transformed instead. Both keep the order of the "
                    "areas. Each treatment is listed with the results."
                    if t.outliers == "qtreat"
                    else "Outliers are not treated: every value is used as published."
                ),
            ),
        )
    )

    sections.append(
        MethodSection(
            "Normalisation",
            (
                "Indicators are first turned round where needed so that a higher value "
                "always means more risk, then put on a common scale by "
                + _NORMALISATION_TEXT[config.normalisation],
            ),
        )
    )

    agg_text = (
        "The score is the weighted average of the normalised indicators. It is fully "
        "compensatory: a low value on one indicator can offset a high value on another, at "
        "the rate set by their weights."
        if config.aggregation == "arithmetic"
        else "The score is the weighted geometric mean of the normalised indicators, each "
        "first rescaled to run from 0.01 to 0.99 so that all are above zero. It is partly "
        "compensatory: it rewards balanced profiles, so an area high on one indicator and "
        "low on the others scores lower than under an average."
    )
    sections.append(
        MethodSection(
            "Aggregation and ranking",
            (
                agg_text,
                "Areas are ranked from 1 (highest score, most risk); tied areas share a rank.",
            ),
        )
    )

    top_example = top_count(100, r.top_share)
    robustness_paragraphs: tuple[str, ...]
    if r.simulations:
        robustness_paragraphs = (
            f"The index is recomputed {r.simulations:,} times (random seed {r.seed}), each "
            "time with different but defensible choices: "
            + (
                f"each weight multiplied by a random factor between {1 - r.weight_noise:g} "
                f"and {1 + r.weight_noise:g} (then rescaled to 100%)"
                if r.weights == "uniform"
                else "weights drawn from a Dirichlet distribution centred on the stated "
                f"weights (concentration {r.dirichlet_concentration:g})"
            )
            + "; normalisation chosen from "
            + ", ".join(NORMALISATION_LABELS[n] for n in r.normalisations)
            + "; aggregation from "
            + ", ".join(AGGREGATION_LABELS[a] for a in r.aggregations)
            + "; outlier treatment "
            + (
                "on or off"
                if len(r.outliers) > 1
                else ("on" if r.outliers[0] == "qtreat" else "off")
            )
            + ".",
            (
                "Each area's published rank comes with its median rank and the range from its "
                "5th to its 95th percentile rank over those runs. A wide range means the area's "
                "position depends on the method, and should not be read as precise."
            ),
            (
                f"An area is called higher risk only where that holds across the simulations: "
                f"its {r.percentile:g}th-percentile rank must be within the top "
                f"{r.top_share:.0%} of areas (for example, rank {top_example} or better out of "
                "100). An area that ranks highly only under some choices is not called higher "
                "risk."
            ),
            (
                "For the index as a whole the results report the average shift in rank between "
                "the published index and the simulations, the share of the published top group "
                "that stays in it, and the median rank correlation (Spearman) with the published "
                "ranks (method: Saisana, Saltelli & Tarantola 2005)."
            ),
        )
    else:
        robustness_paragraphs = (
            (
                "No robustness analysis is configured, so no area is called higher risk: "
                "a rank without an uncertainty range should not be used to single out an area."
            ),
        )
    sections.append(
        MethodSection(
            "Robustness and the higher-risk rule",
            robustness_paragraphs,
            MethodTable(
                ("Setting", "Value"),
                (
                    ("Simulations", f"{r.simulations:,}"),
                    ("Random seed", str(r.seed)),
                    (
                        "Weights",
                        f"uniform ±{r.weight_noise:.0%}"
                        if r.weights == "uniform"
                        else f"Dirichlet, concentration {r.dirichlet_concentration:g}",
                    ),
                    (
                        "Normalisations",
                        ", ".join(NORMALISATION_LABELS[n] for n in r.normalisations),
                    ),
                    ("Aggregations", ", ".join(AGGREGATION_LABELS[a] for a in r.aggregations)),
                    ("Outlier treatment", ", ".join(_TREATMENT[o] for o in r.outliers)),
                    ("Missing values", ", ".join(_IMPUTE[i] for i in r.imputations)),
                    (
                        "Higher-risk rule",
                        f"{r.percentile:g}th-percentile rank within the top {r.top_share:.0%}",
                    ),
                ),
            ),
        )
    )

    sections.append(
        MethodSection(
            "Stated weight and actual influence",
            (
                (
                    "Indicators that move together, or that spread areas out more, can carry "
                    "more of the index than their weight says. For each indicator the results "
                    "show its stated weight beside its actual influence: the squared "
                    "correlation between the indicator and the index, scaled so that the "
                    "influences add up to 100% (Paruolo, Saisana & Saltelli 2013). A large gap "
                    "is a reason to revisit the weights."
                ),
            ),
        )
    )

    sections.append(
        MethodSection(
            "Why diversity is not a risk indicator",
            (
                (
                    "The index never scores who lives in an area. Ethnic and religious mix, the "
                    "share of residents born outside the UK, the languages households speak and "
                    "any measure of diversity are shown in the ward profile as context, and the "
                    "index refuses them as indicators."
                ),
                (
                    "The UK evidence is consistent. Laurence and Heath (2008), in research for "
                    "the Department for Communities and Local Government, found that it is "
                    "deprivation that undermines cohesion, not diversity. Sturgis and colleagues "
                    "(2014) found that, once deprivation is taken into account, diversity is "
                    "associated with more positive views of the neighbourhood, while segregation "
                    "is associated with less. Laurence (2017) found that diversity lowers trust "
                    "only where the wider community is segregated."
                ),
                (
                    "So the index measures the conditions the evidence points to (deprivation, "
                    "crime, the rate of population change, segregation and recorded hostility) "
                    "and not the make-up of the population. Scoring diversity would both "
                    "misdirect resources and stigmatise communities."
                ),
            ),
        )
    )
    return sections
