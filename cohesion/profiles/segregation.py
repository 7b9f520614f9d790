"""Segregation measures for a council, from its imported census figures.

Reads the Figures of three Census 2021 topics for one council (country of birth
at output area level, ethnic group and religion at LSOA level), maps each unit
to a current ward through the ONS LSOA 2021 → ward best-fit lookup (an output
area through the LSOA holding it), and computes with
`cohesion.insight.segregation`:

- council-wide measures between wards, between LSOAs and (country of birth)
  between output areas: for each group against everyone else D, xPx, xPy and
  η², and the multigroup Theil's H, each with its value under random allocation;
- the decomposition of H over the smallest units into "between wards" and
  "within wards";
- each ward's H (and, for country of birth, D for people born outside the UK)
  across its own smaller units, tested against random allocation within the
  ward, and flagged when the ward has fewer than five units.

Everything is seeded and fixed at 999 simulations, so a page shows the same
numbers every time; results are cached per council and per state of the data
(datasets re-imported, lookups or wards changed).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.db.models import Count, Max
from django.utils.translation import gettext_noop as _

from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind
from cohesion.insight import segregation as seg
from cohesion.profiles.measures import PARTS
from cohesion.profiles.models import Dataset, Figure, Geography

TOPICS: Final[tuple[str, ...]] = ("country_of_birth", "ethnic_group", "religion")
EDITION: Final = "Census 2021"
LSOA_GENERATION: Final = 2021
SIMULATIONS: Final = seg.DEFAULT_SIMULATIONS
SEED: Final = seg.DEFAULT_SEED

# Labels are only marked for translation here (`_` is gettext_noop); the page translates them.
TOPIC_TITLES: Final[dict[str, str]] = {
    "country_of_birth": _("Country of birth"),
    "ethnic_group": _("Ethnic group"),
    "religion": _("Religion"),
}
GROUP_LABELS: Final[dict[str, str]] = {
    "born_in_uk": _("Born in the UK"),
    "born_outside_uk": _("Born outside the UK"),
    "asian": _("Asian, Asian British or Asian Welsh"),
    "black": _("Black, Black British, Black Welsh, Caribbean or African"),
    "mixed": _("Mixed or Multiple ethnic groups"),
    "white": _("White"),
    "other": _("Other ethnic group"),
    "no_religion": _("No religion"),
    "christian": _("Christian"),
    "buddhist": _("Buddhist"),
    "hindu": _("Hindu"),
    "jewish": _("Jewish"),
    "muslim": _("Muslim"),
    "sikh": _("Sikh"),
    "other_religion": _("Other religion"),
    "not_answered": _("Not answered"),
}
# The group whose dissimilarity is shown per ward (two-group topics only).
WARD_DISSIMILARITY_GROUP: Final[dict[str, str]] = {"country_of_birth": "born_outside_uk"}
LEVEL_LABELS: Final[dict[str, str]] = {
    "ward": _("Between wards"),
    "lsoa": _("Between LSOAs"),
    "oa": _("Between output areas"),
}
UNIT_NAMES: Final[dict[str, str]] = {
    "oa": _("output areas"),
    "lsoa": _("LSOAs"),
    "ward": _("wards"),
}


@dataclass(frozen=True)
class LevelMeasures:
    """All measures across one kind of unit in the council."""

    level: str  # "ward" | "lsoa" | "oa"
    label: str
    summary: seg.SegregationSummary


@dataclass(frozen=True)
class TopicSegregation:
    topic: str
    title: str
    source: str
    reference_date: str  # ISO
    edition: str
    geography: str  # the smallest unit the figures are published for
    groups: tuple[str, ...]
    group_labels: dict[str, str]
    levels: tuple[LevelMeasures, ...]
    # H over the smallest units = between wards + Σ weight x within each ward.
    decomposition: seg.TheilDecomposition
    # One row per ward: ward name, units, population, meaningful, theil_h (+ null), and
    # dissimilarity_<group> (+ null) for WARD_DISSIMILARITY_GROUP.
    within: pd.DataFrame
    within_unit: str  # "oa" | "lsoa"
    unassigned_units: int  # units with no best-fit ward (left out, and said so)

    def level(self, key: str) -> LevelMeasures:
        for level in self.levels:
            if level.level == key:
                return level
        raise KeyError(key)

    @property
    def ward_dissimilarity_group(self) -> str | None:
        return WARD_DISSIMILARITY_GROUP.get(self.topic)


@dataclass(frozen=True)
class CouncilSegregation:
    council: Area
    ward_generation: int | None
    topics: dict[str, TopicSegregation] = field(default_factory=dict)
    simulations: int = SIMULATIONS
    seed: int = SEED
    seconds: float = 0.0  # time the computation took (not a cache hit)


# --- Reading the figures -------------------------------------------------------------------


def _dataset(topic: str) -> Dataset | None:
    """The topic's Census 2021 table at the finest geography imported (OA before LSOA)."""
    datasets = {
        d.geography: d
        for d in Dataset.objects.filter(
            topic=topic, edition=EDITION, generation=LSOA_GENERATION
        ).exclude(geography__in=[Geography.MSOA, Geography.LAD])
    }
    return datasets.get(Geography.OA) or datasets.get(Geography.LSOA)


def _ward_lookup(council: Area) -> tuple[dict[str, str], dict[str, str], int | None]:
    """LSOA 2021 code → current ward code (best fit), ward code → name, ward generation."""
    wards = Area.objects.current_wards(council)
    names = dict(wards.values_list("code", "name"))
    generation = wards.values_list("generation", flat=True).first()
    links = AreaLink.objects.filter(
        kind=AreaLinkKind.LSOA21_TO_WARD,
        from_area__council=council,
        from_area__level=AreaLevel.LSOA,
        from_area__generation=LSOA_GENERATION,
        to_area__level=AreaLevel.WARD,
        to_area__generation=generation or 0,
    )
    return dict(links.values_list("from_area__code", "to_area__code")), names, generation


def _council_lsoas(council: Area) -> list[str]:
    return list(
        Area.objects.filter(
            council=council, level=AreaLevel.LSOA, generation=LSOA_GENERATION
        ).values_list("code", flat=True)
    )


def _unit_counts(dataset: Dataset, lsoas: list[str], groups: tuple[str, ...]) -> pd.DataFrame:
    """One row per unit (index = its code) with `lsoa` and a column per group."""
    figures = Figure.objects.filter(dataset=dataset, measure__in=groups)
    if dataset.geography == Geography.OA:
        figures = figures.filter(lsoa_code__in=lsoas)
    else:
        figures = figures.filter(area_code__in=lsoas)
    rows = pd.DataFrame.from_records(
        list(figures.values_list("area_code", "lsoa_code", "measure", "value")),
        columns=["unit", "lsoa", "measure", "value"],
    )
    if rows.empty:
        return pd.DataFrame(columns=["lsoa", *groups])
    table = rows.pivot_table(index="unit", columns="measure", values="value", aggfunc="sum")
    table = table.reindex(columns=list(groups)).fillna(0.0)
    if dataset.geography == Geography.OA:
        table.insert(0, "lsoa", rows.drop_duplicates("unit").set_index("unit")["lsoa"])
    else:
        table.insert(0, "lsoa", table.index)
    return table.sort_index()


# --- Computing -----------------------------------------------------------------------------


def _topic(
    council: Area,
    topic: str,
    lookup: dict[str, str],
    names: dict[str, str],
    lsoas: list[str],
) -> TopicSegregation | None:
    dataset = _dataset(topic)
    if dataset is None:
        return None
    groups = PARTS[topic]
    units = _unit_counts(dataset, lsoas, groups)
    if units.empty:
        return None
    units["ward"] = units["lsoa"].map(lookup)
    unassigned = int(units["ward"].isna().sum())
    units = units.dropna(subset=["ward"])
    columns = list(groups)
    # One random allocation to the smallest units serves the coarser ones too.
    wanted: dict[str, npt.NDArray[Any] | None] = {
        "ward": units["ward"].to_numpy(),
        "lsoa": units["lsoa"].to_numpy(),
    }
    if dataset.geography == Geography.OA:
        wanted["oa"] = None
    else:
        wanted["lsoa"] = None
    summaries = seg.summarise_levels(
        units[columns].to_numpy(), groups, wanted, simulations=SIMULATIONS, seed=SEED
    )
    levels = [
        LevelMeasures(level=level, label=LEVEL_LABELS[level], summary=summary)
        for level, summary in summaries.items()
    ]
    counts = units[columns].to_numpy()
    decomposition = seg.theil_decomposition(counts, units["ward"].to_numpy())
    focus = WARD_DISSIMILARITY_GROUP.get(topic)
    within = seg.within_regions(
        counts,
        units["ward"].to_numpy(),
        groups,
        dissimilarity_groups=[focus] if focus else [],
        simulations=SIMULATIONS,
        seed=SEED,
    )
    within.index.name = "ward"
    within.insert(0, "name", [names.get(code, code) for code in within.index])
    within = within.sort_values("name")
    return TopicSegregation(
        topic=topic,
        title=TOPIC_TITLES[topic],
        source=dataset.source,
        reference_date=dataset.reference_date.isoformat(),
        edition=dataset.edition,
        geography=dataset.geography,
        groups=tuple(groups),
        group_labels={g: GROUP_LABELS.get(g, g) for g in groups},
        levels=tuple(levels),
        decomposition=decomposition,
        within=within,
        within_unit=dataset.geography,
        unassigned_units=unassigned,
    )


Stamp = tuple[object, ...]
_lock = threading.Lock()
_cache: dict[int, tuple[Stamp, CouncilSegregation]] = {}


def _stamp(council: Area) -> Stamp:
    """What the results depend on: the datasets, the council's LSOA→ward links and wards.

    A re-import changes a dataset's `imported_at`; a new lookup or ward set changes
    the links' count or newest id, or the wards' newest update."""
    datasets = tuple(
        Dataset.objects.filter(topic__in=TOPICS, edition=EDITION)
        .order_by("pk")
        .values_list("pk", "imported_at")
    )
    links = AreaLink.objects.filter(
        kind=AreaLinkKind.LSOA21_TO_WARD, from_area__council=council
    ).aggregate(n=Count("pk"), last=Max("pk"))
    wards = (
        Area.objects.wards()
        .filter(council=council)
        .aggregate(n=Count("pk"), last=Max("updated_at"))
    )
    return (datasets, links["n"], links["last"], wards["n"], str(wards["last"]))


def council_segregation_all(council: Area) -> CouncilSegregation:
    """Every topic's measures for the council (cached per council and state of the data)."""
    stamp = _stamp(council)
    with _lock:
        cached = _cache.get(council.pk)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    started = time.perf_counter()
    lookup, names, generation = _ward_lookup(council)
    lsoas = _council_lsoas(council)
    topics = {}
    for topic in TOPICS:
        result = _topic(council, topic, lookup, names, lsoas)
        if result is not None:
            topics[topic] = result
    computed = CouncilSegregation(
        council=council,
        ward_generation=generation,
        topics=topics,
        seconds=time.perf_counter() - started,
    )
    with _lock:
        _cache[council.pk] = (stamp, computed)
    return computed


def council_segregation(council: Area, topic: str) -> TopicSegregation | None:
    """One topic's measures for the council; None when its figures are not loaded."""
    if topic not in TOPICS:
        raise ValueError(f"No segregation measures for {topic!r}")
    return council_segregation_all(council).topics.get(topic)


def ward_within_segregation(council: Area) -> pd.Series:
    """Theil's H across each current ward's output areas, by country of birth.

    The risk index's optional indicator `segregation_h_within` (index = ward
    code). NaN for a ward with fewer than five output areas (the measure says
    nothing there) or without figures. Without output-area figures the LSOAs are
    used, and with fewer units more wards are NaN.
    """
    _, names, _ = _ward_lookup(council)
    result = council_segregation(council, "country_of_birth")
    values = pd.Series(np.nan, index=pd.Index(sorted(names), name="ward"), dtype=float)
    if result is not None:
        within = result.within
        values.update(within.loc[within["meaningful"], "theil_h"])
    values.name = "segregation_h_within"
    return values


def clear_cache() -> None:
    with _lock:
        _cache.clear()
