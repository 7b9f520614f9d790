"""Ward, LSOA and council figures from the imported area statistics.

`council_measures(council)` gives every ward of a council (current boundaries)
one row of measures — population, age, country of birth, ethnic group,
religion, language, migration and deprivation — with the council's own values,
England's where they are known, and a `Measure` for each saying what it is,
where it comes from and how wards were made (ONS best fit; see
`cohesion.insight.area_statistics`). The database is read once per council and
data state, then the result is cached in memory.
"""

from __future__ import annotations

import csv
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import pandas as pd
from django.db.models import Count, Max

from cohesion.areas.bundled import OPEN_DATA
from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind
from cohesion.insight import area_statistics as stats
from cohesion.profiles.measures import (
    DEPRIVATION_DOMAINS,
    IOD_LSOA_COUNT,
    PARTS,
    Measure,
)
from cohesion.profiles.models import Dataset, Figure, Geography

BEST_FIT_NOTE: Final = (
    "Ward figures add up LSOAs by ONS best fit: each LSOA counts wholly in the ward "
    "holding its population-weighted centroid, so ward figures are approximations."
)
MSOA_NOTE: Final = (
    " Published by MSOA only: each MSOA's counts are shared among its LSOAs in proportion "
    "to their Census 2021 residents."
)
LSOA11_NOTE: Final = (
    " Published for 2011 LSOAs: a 2011 LSOA split in 2021 is shared between its parts "
    "in proportion to their Census 2021 residents."
)
DEPRIVATION_NOTE: Final = (
    " Ranks are averaged over the area's LSOAs weighted by population (rank 1 is the most "
    "deprived LSOA in England, so a lower average means more deprived)."
)
ENGLAND_SUMMARY: Final = OPEN_DATA / "census2021" / "la_summary_england_wales.csv"
ENGLAND_CODE: Final = "E92000001"

# Geographies to prefer for each topic when several are loaded (the finest exact one first).
_GEOGRAPHY_PREFERENCE: Final[dict[str, int]] = {"lsoa": 0, "oa": 1, "msoa": 2}

_LABELS: Final[dict[str, str]] = {
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or Multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
    "no_religion": "No religion",
    "christian": "Christian",
    "buddhist": "Buddhist",
    "hindu": "Hindu",
    "jewish": "Jewish",
    "muslim": "Muslim",
    "sikh": "Sikh",
    "other_religion": "Other religion",
    "not_answered": "Religion not answered",
    "age_0_15": "Aged 15 and under",
    "age_16_24": "Aged 16 to 24",
    "age_25_34": "Aged 25 to 34",
    "age_35_49": "Aged 35 to 49",
    "age_50_64": "Aged 50 to 64",
    "age_65_plus": "Aged 65 and over",
    "imd": "Index of Multiple Deprivation",
    "income": "Income deprivation",
    "employment": "Employment deprivation",
    "education": "Education, skills and training deprivation",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "housing": "Barriers to housing and services",
    "environment": "Living environment deprivation",
    "children_young_people": "Children and young people (education sub-domain)",
    "adult_skills": "Adult skills (education sub-domain)",
    "geographical_barriers": "Geographical barriers (housing sub-domain)",
    "wider_barriers": "Wider barriers (housing sub-domain)",
    "indoors": "Indoors living environment (sub-domain)",
    "outdoors": "Outdoors living environment (sub-domain)",
}


@dataclass(frozen=True)
class _Spec:
    """How a percentage measure is made from a topic's counts."""

    key: str
    topic: str
    label: str
    numerator: tuple[str, ...]
    role: str = "context"


def _percentage_specs() -> list[_Spec]:
    specs = [
        *(
            _Spec(f"pct_{band}", "age", f"% {_LABELS[band].lower()}", (band,))
            for band in PARTS["age"]
        ),
        _Spec(
            "pct_born_outside_uk", "country_of_birth", "% born outside the UK", ("born_outside_uk",)
        ),
        *(
            _Spec(f"pct_ethnic_{g}", "ethnic_group", f"% {_LABELS[g]}", (g,))
            for g in PARTS["ethnic_group"]
        ),
        *(
            _Spec(
                f"pct_religion_{r}",
                "religion",
                "% " + _LABELS[r].lower().capitalize(),
                (r,),
            )
            for r in PARTS["religion"]
        ),
        _Spec(
            "pct_not_english_well",
            "english_proficiency",
            "% of residents aged 3 and over who cannot speak English well or at all",
            ("not_well", "not_at_all"),
        ),
        _Spec(
            "pct_hh_different_languages",
            "household_language",
            "% of households where not everyone has the same main language",
            ("different_main_languages",),
        ),
        _Spec(
            "pct_migrant_in",
            "migration",
            "Moved in during the year before the census (from the UK or abroad), per 100 residents",
            ("from_within_uk", "from_outside_uk"),
            role="driver",
        ),
    ]
    return specs


PERCENTAGE_SPECS: Final = _percentage_specs()


@dataclass(frozen=True)
class AreaMeasures:
    """Measures for a council's wards (or LSOAs), the council and England."""

    council: Area
    ward_generation: int
    wards: pd.DataFrame  # index = area GSS code, columns = measure keys
    ward_names: dict[str, str]
    council_values: pd.Series
    england: pd.Series
    measures: dict[str, Measure]


@dataclass
class _CouncilData:
    """Everything read from the database for one council, on 2021 LSOAs."""

    council: Area
    ward_generation: int
    ward_names: dict[str, str]
    lsoa_names: dict[str, str]
    ward_of: pd.Series  # lsoa21 -> ward
    residents21: pd.Series  # lsoa21 -> Census 2021 residents
    counts: dict[str, pd.DataFrame]  # topic -> counts by lsoa21
    datasets: dict[str, Dataset]
    notes: dict[str, str]  # topic -> how it reached wards
    # Deprivation: pieces (lsoa, lsoa21, weight, values) and the edition's LSOA count.
    deprivation: pd.DataFrame | None = None
    deprivation_lsoas: int = 0
    population_source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- Reading ------------------------------------------------------------------------------


def _chosen_datasets() -> dict[str, Dataset]:
    """The dataset used for each topic: the newest, at the finest exact geography."""
    chosen: dict[str, Dataset] = {}
    for dataset in Dataset.objects.all():
        best = chosen.get(dataset.topic)
        key = (dataset.reference_date, -_GEOGRAPHY_PREFERENCE.get(dataset.geography, 9))
        if best is None or key > (
            best.reference_date,
            -_GEOGRAPHY_PREFERENCE.get(best.geography, 9),
        ):
            chosen[dataset.topic] = dataset
    return chosen


def _wide(
    dataset: Dataset,
    *,
    codes: set[str] | None = None,
    lsoas: set[str] | None = None,
    measures: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """A dataset's figures as a frame (index area code) and each OA's LSOA."""
    query = Figure.objects.filter(dataset=dataset)
    if codes is not None:
        query = query.filter(area_code__in=codes)
    if lsoas is not None:
        query = query.filter(lsoa_code__in=lsoas)
    if measures is not None:
        query = query.filter(measure__in=measures)
    rows = list(query.values_list("area_code", "lsoa_code", "measure", "value"))
    if not rows:
        return pd.DataFrame(dtype=float), pd.Series(dtype=str)
    long = pd.DataFrame(rows, columns=["area_code", "lsoa_code", "measure", "value"])
    wide = long.pivot_table(index="area_code", columns="measure", values="value", aggfunc="first")
    wide.columns = [str(c) for c in wide.columns]
    lsoa_of = long.drop_duplicates("area_code").set_index("area_code")["lsoa_code"]
    return wide, lsoa_of


def _date(dataset: Dataset) -> str:
    when = dataset.reference_date
    if dataset.topic == "population":
        return f"mid-{when.year}"
    if dataset.topic == "deprivation":
        return f"{dataset.edition}, published {when:%B} {when.year}"
    return f"Census day, {when.day} {when:%B} {when.year}"


def _read_council(council: Area) -> _CouncilData:
    ward_generation = (
        Area.objects.filter(level=AreaLevel.WARD, council=council).aggregate(g=Max("generation"))[
            "g"
        ]
        or 0
    )
    wards = dict(
        Area.objects.filter(level=AreaLevel.WARD, council=council, generation=ward_generation)
        .order_by("name")
        .values_list("code", "name")
    )
    lsoa21 = list(
        Area.objects.filter(level=AreaLevel.LSOA, generation=2021, council=council).values_list(
            "code", "name", "parent__code", "parent__level"
        )
    )
    lsoa_names = {code: name for code, name, _, _ in lsoa21}
    msoa_of = pd.Series(
        {code: parent for code, _, parent, level in lsoa21 if level == AreaLevel.MSOA},
        dtype=object,
    )
    ward_links = AreaLink.objects.filter(
        kind=AreaLinkKind.LSOA21_TO_WARD,
        from_area__council=council,
        from_area__generation=2021,
        to_area__generation=ward_generation,
    ).values_list("from_area__code", "to_area__code")
    ward_of = pd.Series(dict(ward_links), dtype=object)
    links11 = list(
        AreaLink.objects.filter(
            kind=AreaLinkKind.LSOA11_TO_LSOA21, from_area__council=council
        ).values_list("from_area__code", "to_area__code")
    )
    lookup11 = pd.DataFrame(links11, columns=["lsoa11_code", "lsoa21_code"])
    lsoa21_codes = set(lsoa_names)
    lsoa11_codes = set(lookup11["lsoa11_code"])
    msoa_codes = set(msoa_of)

    datasets = _chosen_datasets()
    raw: dict[str, pd.DataFrame] = {}
    oa_lsoa: dict[str, pd.Series] = {}
    for topic, dataset in datasets.items():
        if topic == "deprivation":
            continue
        wanted = ["total"] if topic == "population" else None
        if dataset.geography == Geography.OA:
            raw[topic], oa_lsoa[topic] = _wide(dataset, lsoas=lsoa21_codes, measures=wanted)
        elif dataset.geography == Geography.MSOA:
            raw[topic], _ = _wide(dataset, codes=msoa_codes, measures=wanted)
        elif dataset.generation == 2011:
            raw[topic], _ = _wide(dataset, codes=lsoa11_codes, measures=wanted)
        else:
            raw[topic], _ = _wide(dataset, codes=lsoa21_codes, measures=wanted)

    # Census 2021 residents per 2021 LSOA: the denominator for sharing MSOAs and split LSOAs.
    residents21 = pd.Series(dtype=float)
    for topic in ("country_of_birth", "ethnic_group", "religion", "age"):
        frame = raw.get(topic)
        if frame is None or frame.empty or "total" not in frame:
            continue
        dataset = datasets[topic]
        if dataset.geography == Geography.OA:
            residents21 = stats.oa_to_lsoa(frame[["total"]], oa_lsoa[topic])["total"]
        elif dataset.geography == Geography.LSOA and dataset.generation == 2021:
            residents21 = frame["total"]
        else:
            continue
        break

    shares = stats.lsoa11_shares(lookup11, residents21)
    counts: dict[str, pd.DataFrame] = {}
    notes: dict[str, str] = {}
    for topic, frame in raw.items():
        if frame.empty:
            continue
        dataset = datasets[topic]
        note = BEST_FIT_NOTE
        if dataset.geography == Geography.OA:
            counts[topic] = stats.oa_to_lsoa(frame, oa_lsoa[topic])
        elif dataset.geography == Geography.MSOA:
            counts[topic] = stats.msoa_to_lsoa(frame, msoa_of, residents21)
            note += MSOA_NOTE
        elif dataset.generation == 2011:
            counts[topic] = stats.lsoa11_to_lsoa21(frame, shares)
            note += LSOA11_NOTE
        else:
            counts[topic] = frame
        notes[topic] = note

    data = _CouncilData(
        council=council,
        ward_generation=ward_generation,
        ward_names=wards,
        lsoa_names=lsoa_names,
        ward_of=ward_of,
        residents21=residents21,
        counts=counts,
        datasets=datasets,
        notes=notes,
    )

    deprivation = datasets.get("deprivation")
    if deprivation is not None:
        population11 = None
        population = datasets.get("population")
        if population is not None and population.generation == 2011 and "population" in raw:
            population11 = raw["population"]["total"]
            data.population_source = f"{population.source}, {_date(population)}"
        if deprivation.generation == 2011:
            values, _ = _wide(deprivation, codes=lsoa11_codes)
            pieces = stats.weighted_pieces_2011(shares, population11, residents21).rename(
                columns={"lsoa11_code": "lsoa", "lsoa21_code": "lsoa21"}
            )
        else:
            values, _ = _wide(deprivation, codes=lsoa21_codes)
            weight = counts["population"]["total"] if "population" in counts else residents21
            pieces = pd.DataFrame({"lsoa": list(lsoa21_codes), "lsoa21": list(lsoa21_codes)})
            pieces["weight"] = pieces["lsoa21"].map(weight).astype(float)
        pieces["group"] = pieces["lsoa21"].map(ward_of)
        if not values.empty:
            data.deprivation = stats.deprivation_pieces(
                values, pieces.assign(group=pieces["group"])
            )
            data.extra["deprivation_all"] = stats.deprivation_pieces(
                values, pieces.assign(group=council.code)
            )
            data.deprivation_lsoas = IOD_LSOA_COUNT.get(deprivation.edition, 0)
    return data


# --- Measures -----------------------------------------------------------------------------


def _measure_for(
    data: _CouncilData,
    key: str,
    topic: str,
    label: str,
    unit: str,
    role: str,
    decimals: int,
    note: str = "",
) -> Measure | None:
    dataset = data.datasets.get(topic)
    if dataset is None:
        return None
    return Measure(
        key=key,
        label=label,
        unit=unit,
        topic=topic,
        source=dataset.source,
        date=_date(dataset),
        role=role,
        decimals=decimals,
        note=note or data.notes.get(topic, BEST_FIT_NOTE),
    )


def _frames(
    data: _CouncilData, group_of: pd.Series | None
) -> tuple[pd.DataFrame, pd.Series, dict[str, Measure]]:
    """Measures per group (wards, or LSOAs when `group_of` is None) and for the council."""
    per_group: dict[str, pd.Series] = {}
    whole: dict[str, float] = {}
    measures: dict[str, Measure] = {}

    def grouped(counts: pd.DataFrame) -> pd.DataFrame:
        return stats.best_fit(counts, group_of) if group_of is not None else counts

    def council_total(counts: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame([counts.sum()], index=[data.council.code])

    if "population" in data.counts:
        population = data.counts["population"]
        per_group["population"] = grouped(population[["total"]])["total"]
        whole["population"] = float(population["total"].sum())
        m = _measure_for(
            data,
            "population",
            "population",
            "Population (mid-year estimate)",
            "people",
            "context",
            0,
        )
        if m:
            measures["population"] = m
    if len(data.residents21):
        frame = data.residents21.to_frame("total")
        per_group["residents_2021"] = grouped(frame)["total"]
        whole["residents_2021"] = float(frame["total"].sum())
        topic = next(
            t for t in ("country_of_birth", "ethnic_group", "religion", "age") if t in data.counts
        )
        m = _measure_for(
            data, "residents_2021", topic, "Usual residents (Census 2021)", "people", "context", 0
        )
        if m:
            measures["residents_2021"] = m

    for spec in PERCENTAGE_SPECS:
        counts = data.counts.get(spec.topic)
        if counts is None or not set(spec.numerator) <= set(counts.columns):
            continue
        numerators = {spec.key: spec.numerator}
        per_group[spec.key] = stats.percentages(grouped(counts), numerators, "total")[spec.key]
        whole[spec.key] = float(
            stats.percentages(council_total(counts), numerators, "total")[spec.key].iloc[0]
        )
        m = _measure_for(data, spec.key, spec.topic, spec.label, "%", spec.role, 1)
        if m:
            measures[spec.key] = m

    if data.deprivation is not None:
        pieces = data.deprivation
        if group_of is None:  # by LSOA: each 2021 LSOA's own rank (see representative())
            lsoa = stats.representative(pieces, by="lsoa21")
            for column in (
                "imd_rank",
                "imd_decile",
                *(f"{d}_rank" for d in DEPRIVATION_DOMAINS[1:8]),
            ):
                if column in lsoa:
                    per_group[column] = lsoa[column]
                    label = _LABELS[column.rsplit("_", 1)[0]]
                    kind = "decile" if column.endswith("decile") else "rank"
                    measures[column] = _measure_for(  # type: ignore[assignment]
                        data,
                        column,
                        "deprivation",
                        f"{label}: {kind}",
                        kind,
                        "driver",
                        0,
                        note="Rank 1 is the most deprived LSOA in England; decile 1 the most "
                        "deprived 10%. A 2021 LSOA formed by merging 2011 LSOAs takes the rank "
                        "of its most populous part; split LSOAs inherit their parent's.",
                    )
        else:
            all_pieces = data.extra["deprivation_all"]
            pieces = pieces.assign(group=pieces["lsoa21"].map(group_of))
            _deprivation_measures(data, pieces, all_pieces, per_group, whole, measures)

    index = (
        pd.Index(list(data.ward_names), name="area_code")
        if group_of is not None
        else pd.Index(sorted(data.lsoa_names), name="area_code")
    )
    frame = pd.DataFrame({k: v.reindex(index) for k, v in per_group.items()}, index=index)
    frame = frame[[k for k in measures if k in frame.columns]]
    council = pd.Series({k: whole.get(k, math.nan) for k in frame.columns}, dtype=float)
    return frame, council, {k: measures[k] for k in frame.columns}


def _deprivation_measures(
    data: _CouncilData,
    pieces: pd.DataFrame,
    all_pieces: pd.DataFrame,
    per_group: dict[str, pd.Series],
    whole: dict[str, float],
    measures: dict[str, Measure],
) -> None:
    note = BEST_FIT_NOTE + DEPRIVATION_NOTE
    if data.population_source:
        note += f" Population: {data.population_source}."
    if "imd_rank" in pieces:
        per_group["imd_avg_rank"] = stats.average_ranks(pieces, ["imd_rank"])["imd_rank"]
        whole["imd_avg_rank"] = float(
            stats.average_ranks(all_pieces, ["imd_rank"])["imd_rank"].iloc[0]
        )
        m = _measure_for(
            data,
            "imd_avg_rank",
            "deprivation",
            "Index of Multiple Deprivation: average rank (population-weighted)",
            "rank",
            "driver",
            0,
            note,
        )
        if m:
            measures["imd_avg_rank"] = m
    if "imd_decile" in pieces:
        per_group["imd_pct_decile1"] = stats.share_in_decile(pieces, "imd_decile", 1)
        whole["imd_pct_decile1"] = float(stats.share_in_decile(all_pieces, "imd_decile", 1).iloc[0])
        m = _measure_for(
            data,
            "imd_pct_decile1",
            "deprivation",
            "% of people in LSOAs among England's most deprived 10%",
            "%",
            "driver",
            1,
            note,
        )
        if m:
            measures["imd_pct_decile1"] = m
    for domain in DEPRIVATION_DOMAINS[1:]:
        column = f"{domain}_rank"
        if column not in pieces:
            continue
        key = f"{domain}_avg_rank"
        per_group[key] = stats.average_ranks(pieces, [column])[column]
        whole[key] = float(stats.average_ranks(all_pieces, [column])[column].iloc[0])
        m = _measure_for(
            data,
            key,
            "deprivation",
            f"{_LABELS[domain]}: average rank (population-weighted)",
            "rank",
            "driver",
            0,
            note,
        )
        if m:
            measures[key] = m


@lru_cache(maxsize=1)
def _england_summary() -> dict[str, float]:
    """England's Census 2021 percentages from the bundled ONS local-authority summary."""
    with ENGLAND_SUMMARY.open(newline="", encoding="utf-8") as handle:
        row = next((r for r in csv.DictReader(handle) if r["code"] == ENGLAND_CODE), None)
    if row is None:
        return {}

    def number(column: str) -> float:
        try:
            return float(row[column])
        except (KeyError, ValueError):
            return math.nan

    return {
        "residents_2021": number("population_total"),
        "pct_born_outside_uk": number("born_outside_UK_perc"),
        "pct_ethnic_asian": number("ethnicity_asian_perc"),
        "pct_ethnic_black": number("ethnicity_black_perc"),
        "pct_ethnic_mixed": number("ethnicity_mixed_perc"),
        "pct_ethnic_white": number("ethnicity_white_perc"),
        "pct_religion_no_religion": number("religion_Noreligion_perc"),
        "pct_religion_christian": number("religion_Christian_perc"),
        "pct_religion_buddhist": number("religion_Buddhist_perc"),
        "pct_religion_hindu": number("religion_Hindu_perc"),
        "pct_religion_jewish": number("religion_Jewish_perc"),
        "pct_religion_muslim": number("religion_Muslim_perc"),
        "pct_religion_sikh": number("religion_Sikh_perc"),
        "pct_religion_not_answered": number("religion_Religionnotstated_perc"),
        "pct_hh_different_languages": number("households_multiplelanguages_perc"),
        # The summary's bands are 65-74 and 75+; together they are exactly "65 and over".
        "pct_age_65_plus": number("age_65-74_perc") + number("age_75plus_perc"),
    }


def _england(data: _CouncilData, keys: list[str]) -> pd.Series:
    known = dict(_england_summary())
    lsoas = data.deprivation_lsoas
    if lsoas:
        # By definition: England's LSOAs are ranked 1..N, a tenth of them in each decile.
        known["imd_avg_rank"] = (lsoas + 1) / 2
        known["imd_pct_decile1"] = 10.0
        for domain in DEPRIVATION_DOMAINS[1:]:
            known[f"{domain}_avg_rank"] = (lsoas + 1) / 2
    return pd.Series({k: known.get(k, math.nan) for k in keys}, dtype=float)


# --- Public API ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[tuple[Any, ...], Any] = {}
_CACHE_SIZE: Final = 32


def _data_state() -> tuple[Any, ...]:
    """Changes whenever statistics or lookups are (re)imported: the cache key."""
    datasets = tuple(Dataset.objects.order_by("pk").values_list("pk", "imported_at"))
    links = AreaLink.objects.aggregate(n=Count("pk"), top=Max("pk"))
    areas = Area.objects.aggregate(n=Count("pk"), top=Max("updated_at"))
    return (datasets, links["n"], links["top"], areas["n"], areas["top"])


def _cached(kind: str, council: Area) -> Any:
    key = (kind, council.pk, _data_state())
    with _lock:
        if key in _cache:
            return _cache[key]
    if kind == "data":
        value: Any = _read_council(council)
    else:
        data = _cached("data", council)
        if kind == "wards":
            frame, whole, measures = _frames(data, data.ward_of)
            names, generation = data.ward_names, data.ward_generation
        else:
            frame, whole, measures = _frames(data, None)
            names, generation = data.lsoa_names, 2021
        value = AreaMeasures(
            council=council,
            ward_generation=generation,
            wards=frame,
            ward_names=names,
            council_values=whole,
            england=_england(data, list(frame.columns)),
            measures=measures,
        )
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = value
    return value


def council_measures(council: Area) -> AreaMeasures:
    """Every ward of the council (current boundaries) with its measures; see AreaMeasures."""
    result: AreaMeasures = _cached("wards", council)
    return result


def lsoa_measures(council: Area) -> AreaMeasures:
    """The same for the council's 2021 LSOAs (index = LSOA 2021 code), for LSOA maps.

    Besides the percentages, `imd_rank`, `imd_decile` and the domain ranks of each LSOA.
    """
    result: AreaMeasures = _cached("lsoas", council)
    return result


def deprivation_summary(area: Area) -> dict[str, Any]:
    """The IoD decile distribution and local summary measures of a ward or council.

    Keys: edition, source, date, note, lsoas, population, deciles (list of
    {decile, lsoas, population, pct_population} for 1..10), avg_rank,
    pct_lsoas_decile1, pct_population_decile1, local_concentration, and england
    (the same measures for England, by definition). Empty dict if no IoD is loaded.
    """
    council = area if area.level == AreaLevel.LAD else area.council
    if council is None:
        return {}
    data: _CouncilData = _cached("data", council)
    if data.deprivation is None:
        return {}
    if area.level == AreaLevel.LAD:
        pieces = data.extra["deprivation_all"]
    else:
        pieces = data.deprivation[data.deprivation["group"] == area.code]
    dataset = data.datasets["deprivation"]
    result: dict[str, Any] = {
        "edition": dataset.edition,
        "source": dataset.source,
        "date": _date(dataset),
        "note": (BEST_FIT_NOTE if area.level != AreaLevel.LAD else "") + DEPRIVATION_NOTE,
        "lsoas": int(pieces["lsoa"].nunique()),
        "population": float(pieces["weight"].sum()),
    }
    if pieces.empty or "imd_rank" not in pieces:
        return result | {"deciles": [], "avg_rank": math.nan}
    pieces = pieces.assign(group=area.code)
    deciles = stats.decile_distribution(pieces, "imd_decile") if "imd_decile" in pieces else None
    total_population = float(pieces["weight"].sum())
    rows = []
    if deciles is not None:
        for decile, count, population in zip(
            deciles["decile"].tolist(),
            deciles["lsoas"].tolist(),
            deciles["population"].tolist(),
            strict=True,
        ):
            rows.append(
                {
                    "decile": int(decile),
                    "lsoas": int(count),
                    "population": float(population),
                    "pct_population": 100.0 * float(population) / total_population
                    if total_population
                    else math.nan,
                }
            )
    lsoas = result["lsoas"]
    in_first = rows[0]["lsoas"] if rows else 0
    n = data.deprivation_lsoas
    return result | {
        "deciles": rows,
        "avg_rank": float(stats.average_ranks(pieces, ["imd_rank"])["imd_rank"].iloc[0]),
        "pct_lsoas_decile1": 100.0 * in_first / lsoas if lsoas else math.nan,
        "pct_population_decile1": float(stats.share_in_decile(pieces, "imd_decile", 1).iloc[0])
        if "imd_decile" in pieces
        else math.nan,
        "local_concentration": float(stats.local_concentration(pieces, "imd_rank").iloc[0]),
        "england": {
            "avg_rank": (n + 1) / 2 if n else math.nan,
            "pct_lsoas_decile1": 10.0,
            "pct_population_decile1": 10.0,
            "lsoas": n,
        },
    }


def clear_cache() -> None:
    with _lock:
        _cache.clear()


__all__ = [
    "AreaMeasures",
    "Measure",
    "clear_cache",
    "council_measures",
    "deprivation_summary",
    "lsoa_measures",
]
