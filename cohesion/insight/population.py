"""Ward population counts built from the bundled open data (`cohesion/opendata/`).

The result has the SIA population CSV layout (`area_code, dimension, group,
count`, docs/sia-schema.md), one row per ward and group:

- `total` and `age_band` come from the ONS mid-2020 small-area population
  estimates (single year of age, persons, LSOA 2011), so the age bands of a
  ward always add up to its total;
- `ethnicity` (asian, black, mixed, white, other) comes from Census 2021 table
  TS021 (LSOA 2021). Its groups add up to the Census 2021 residents, which
  differ from the mid-2020 total (Derby 261,385 vs 256,814): compare a group
  with the sum of its own dimension, not with `total`;
- `sex` is not broken down by ward: no bundled small-area file has sex (the
  mid-2020 file is persons only, the census tables have no sex column).
  `bundled_population` adds one council-wide pair of rows per council instead
  (area_code = the council's LAD code), from the Census 2021 local authority
  summary: % female and % male (one decimal place) times usual residents. The
  sex comparison is therefore always council-wide, also when wards are chosen.

Geography: LSOA 2011 -> LSOA 2021 with `lookups/lsoa11_to_lsoa21.csv`, then
LSOA 2021 -> ward (2024) with ONS's best-fit lookup (each LSOA goes wholly to
the ward holding its population-weighted centroid, so ward figures are
approximations). For the 2011 -> 2021 change codes: unchanged (U) LSOAs carry
over; merged (M) 2011 LSOAs are summed into their 2021 LSOA; a split (S) 2011
LSOA is shared between its 2021 parts in proportion to the parts' Census 2021
residents, with cumulative rounding so every count stays a whole number and
the parts add up exactly to the 2011 figure. Only one split matters for
wards: Derby 013F, whose parts are in Darley and Arboretum (1,576 : 1,600
residents in 2021); Sheffield 076E's two parts are both in Birley.

Vectorised: merges and group-bys only, no loop over areas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from cohesion.insight.codes import AGE_BANDS, POPULATION_COLUMNS, TOTAL_GROUP

SOURCES: Final[dict[str, str]] = {
    "total": "ONS mid-2020 small area population estimates (LSOA 2011), persons",
    "age_band": "ONS mid-2020 small area population estimates (LSOA 2011), single year of age",
    "ethnicity": "ONS Census 2021 TS021 ethnic group, 5 groups (LSOA 2021)",
    "sex": "ONS Census 2021 local authority summary: % female and male of usual residents",
    "geography": "ONS LSOA 2011 -> 2021 lookup; LSOA 2021 -> ward 2024 best fit",
}
ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
)

# TS021's five high-level groups -> the contract's ethnicity codes.
ETHNIC_GROUP_CODES: Final[dict[str, str]] = {
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Mixed or Multiple ethnic groups": "mixed",
    "White": "white",
    "Other ethnic group": "other",
}

# Lower bound of each age band (AGE_BANDS order); 90+ counts as 90.
_BAND_STARTS: Final = (0, 16, 25, 35, 45, 55, 65)

_POPULATION_FILE: Final = Path("population/mid2020_single_year_of_age_lsoa11.csv")
_LSOA_LOOKUP: Final = Path("lookups/lsoa11_to_lsoa21.csv")
_WARD_LOOKUP: Final = Path("lookups/lsoa21_to_ward24_lad24.csv")
_ETHNICITY_FILE: Final = Path("census2021/ethnic_group_lsoa21.csv")
_LA_SUMMARY_FILE: Final = Path("census2021/la_summary_england_wales.csv")


class PopulationDataError(ValueError):
    """The bundled files are missing or do not have the expected shape."""


def bundled_ward_population(opendata_dir: Path, councils: list[str] | None = None) -> pd.DataFrame:
    """Ward population counts (`area_code, dimension, group, count`).

    `councils` limits the result to these councils, given as LAD codes
    (E06000015) or names (Derby, case-insensitive); None means every bundled
    council. Rows are sorted by ward, then dimension, then the groups in code
    order; `count` is int64. Unknown council names raise PopulationDataError.
    """
    opendata_dir = Path(opendata_dir)
    wards = _read(opendata_dir / _WARD_LOOKUP, ["lsoa21_code", "ward24_code", "lad24_code"])
    lads = _read(opendata_dir / _WARD_LOOKUP, ["lad24_code", "lad24_name"]).drop_duplicates()
    if councils is not None:
        wanted = {c.strip().casefold() for c in councils}
        known = set(lads["lad24_code"].str.casefold()) | set(lads["lad24_name"].str.casefold())
        unknown = sorted(wanted - known)
        if unknown:
            raise PopulationDataError(
                f"unknown council(s) {', '.join(unknown)}: the bundled data covers "
                + ", ".join(f"{r.lad24_name} ({r.lad24_code})" for r in lads.itertuples())
            )
        keep = lads["lad24_code"].str.casefold().isin(wanted) | lads[
            "lad24_name"
        ].str.casefold().isin(wanted)
        wards = wards[wards["lad24_code"].isin(lads.loc[keep, "lad24_code"])]
    ward_of = wards[["lsoa21_code", "ward24_code"]]

    ethnicity = _ethnicity(opendata_dir)
    ages = _age_bands_lsoa21(opendata_dir, ethnicity)

    frames = []
    for dimension, frame in (("age_band", ages), ("ethnicity", ethnicity)):
        by_ward = (
            frame.merge(ward_of, on="lsoa21_code", how="inner")
            .groupby(["ward24_code", "group"], as_index=False, observed=True)["count"]
            .sum()
        )
        by_ward["dimension"] = dimension
        frames.append(by_ward)
    totals = (
        frames[0].groupby("ward24_code", as_index=False)["count"].sum().assign(group=TOTAL_GROUP)
    )
    totals["dimension"] = "total"
    out = pd.concat([totals, *frames], ignore_index=True).rename(
        columns={"ward24_code": "area_code"}
    )
    order = {TOTAL_GROUP: 0} | {
        g: i for i, g in enumerate((*AGE_BANDS, *ETHNIC_GROUP_CODES.values()))
    }
    dim_order = {"total": 0, "age_band": 1, "ethnicity": 2}
    out = out.assign(_d=out["dimension"].map(dim_order), _g=out["group"].map(order)).sort_values(
        ["area_code", "_d", "_g"], kind="stable"
    )
    out["count"] = out["count"].astype("int64")
    out["group"] = out["group"].astype(str)
    return pd.DataFrame(out[list(POPULATION_COLUMNS)]).reset_index(drop=True)


def council_sex_population(opendata_dir: Path, councils: list[str]) -> pd.DataFrame:
    """Council-wide `sex` rows (female, male) for these LAD codes, in the population layout.

    Counts are the published percentages (one decimal place) of the Census 2021
    usual residents, rounded to whole people, so each share is exact to ±0.05
    percentage points: plenty for a ratio whose interval is far wider.
    """
    summary = _read(
        Path(opendata_dir) / _LA_SUMMARY_FILE,
        ["code", "population_total", "sex_female_perc", "sex_male_perc"],
    )
    chosen = summary.loc[summary["code"].isin(councils)]
    residents = pd.to_numeric(chosen["population_total"]).to_numpy(dtype=np.float64)
    rows = []
    for group, column in (("female", "sex_female_perc"), ("male", "sex_male_perc")):
        share = pd.to_numeric(chosen[column]).to_numpy(dtype=np.float64) / 100.0
        rows.append(
            pd.DataFrame(
                {
                    "area_code": chosen["code"].to_numpy(),
                    "dimension": "sex",
                    "group": group,
                    "count": np.rint(residents * share).astype("int64"),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True).sort_values(["area_code", "group"], kind="stable")
    return pd.DataFrame(out[list(POPULATION_COLUMNS)]).reset_index(drop=True)


def bundled_population(opendata_dir: Path, councils: list[str] | None = None) -> pd.DataFrame:
    """`bundled_ward_population` plus each council's council-wide `sex` rows."""
    wards = bundled_ward_population(opendata_dir, councils)
    lookup = _read(Path(opendata_dir) / _WARD_LOOKUP, ["ward24_code", "lad24_code"])
    lads = sorted(set(lookup.loc[lookup["ward24_code"].isin(wards["area_code"]), "lad24_code"]))
    return pd.concat([wards, council_sex_population(opendata_dir, lads)], ignore_index=True)


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, usecols=columns)
    except FileNotFoundError as exc:
        raise PopulationDataError(f"bundled file not found: {path}") from exc
    except ValueError as exc:  # usecols names a column the file does not have
        raise PopulationDataError(f"{path}: {exc}") from exc
    return frame


def _ethnicity(opendata_dir: Path) -> pd.DataFrame:
    """Census 2021 residents by LSOA 2021 and ethnicity code (`lsoa21_code, group, count`)."""
    path = opendata_dir / _ETHNICITY_FILE
    frame = _read(path, ["lsoa21_code", "ethnic_group", "count"])
    frame["group"] = frame["ethnic_group"].map(ETHNIC_GROUP_CODES)
    if frame["group"].isna().any():
        bad = sorted(frame.loc[frame["group"].isna(), "ethnic_group"].unique())
        raise PopulationDataError(f"{path}: unknown ethnic group(s) {bad}")
    frame["count"] = frame["count"].astype("int64")
    return pd.DataFrame(frame[["lsoa21_code", "group", "count"]])


def _age_bands_lsoa21(opendata_dir: Path, ethnicity: pd.DataFrame) -> pd.DataFrame:
    """Mid-2020 persons by LSOA 2021 and age band (`lsoa21_code, group, count`)."""
    path = opendata_dir / _POPULATION_FILE
    raw = pd.read_csv(path, dtype={"lsoa11_code": str})
    ages = [str(a) for a in range(90)] + ["90+"]
    missing = [c for c in ["lsoa11_code", "total_population", *ages] if c not in raw.columns]
    if missing:
        raise PopulationDataError(f"{path}: missing columns {missing}")
    if not (raw[ages].sum(axis=1) == raw["total_population"]).all():
        raise PopulationDataError(f"{path}: single years of age do not add up to the total")

    # Single years -> bands: band index of each age column, then a column-wise group sum.
    band_of_age = np.searchsorted(np.array(_BAND_STARTS), np.append(np.arange(90), 90), "right") - 1
    banded = raw[ages].T.groupby(np.array(AGE_BANDS)[band_of_age]).sum().T
    banded.index = raw["lsoa11_code"]
    long = banded.reset_index().melt(id_vars="lsoa11_code", var_name="group", value_name="count")
    long["count"] = long["count"].astype("int64")

    lookup = _read(opendata_dir / _LSOA_LOOKUP, ["lsoa11_code", "lsoa21_code"])
    residents = ethnicity.groupby("lsoa21_code")["count"].sum().rename("residents21")
    lookup = lookup.merge(residents, left_on="lsoa21_code", right_index=True, how="left")
    # Weight of each 2021 part within its 2011 LSOA (1.0 for unchanged and merged).
    lookup = lookup.sort_values(["lsoa11_code", "lsoa21_code"], kind="stable")
    parts = lookup.groupby("lsoa11_code")["residents21"]
    weight = lookup["residents21"] / parts.transform("sum")
    weight = weight.where(parts.transform("size") > 1, 1.0).fillna(1.0 / parts.transform("size"))
    last = ~lookup["lsoa11_code"].duplicated(keep="last")
    # The last part's cumulative weight is exactly 1 so the parts add up exactly.
    lookup["cum_weight"] = weight.groupby(lookup["lsoa11_code"]).cumsum().where(~last, 1.0)
    lookup["cum_weight_before"] = lookup.groupby("lsoa11_code")["cum_weight"].shift(1).fillna(0.0)

    shared = long.merge(
        lookup[["lsoa11_code", "lsoa21_code", "cum_weight", "cum_weight_before"]],
        on="lsoa11_code",
        how="inner",
    )
    # Cumulative rounding: part k gets round(c*W_k) - round(c*W_{k-1}), which are
    # whole numbers adding up to c exactly (W_last = 1). Halves round up.
    count = shared["count"].to_numpy(dtype=float)
    upper = np.floor(count * shared["cum_weight"].to_numpy() + 0.5)
    lower = np.floor(count * shared["cum_weight_before"].to_numpy() + 0.5)
    shared["count"] = (upper - lower).astype("int64")
    result = pd.DataFrame(shared.groupby(["lsoa21_code", "group"])["count"].sum()).reset_index()
    result["count"] = result["count"].astype("int64")
    return result
