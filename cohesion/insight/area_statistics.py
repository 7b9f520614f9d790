"""Small-area statistics to wards: ONS best fit, boundary changes and deprivation summaries.

Pure pandas (no Django): the profiles app reads the figures and lookups from the
database and passes them in as frames and series.

Geography. Census 2021 tables come by output area (OA), LSOA or MSOA (2021
boundaries); the IoD 2019 and the mid-2020 population estimates by 2011 LSOA.
Everything is first put on 2021 LSOAs, then added up to wards with ONS's
best-fit lookup (each LSOA goes wholly to the ward holding its population-
weighted centroid, so ward figures are approximations):

- an OA adds to the LSOA that holds it (exact);
- an MSOA's counts are shared among its LSOAs in proportion to their Census 2021
  residents (an estimate: MSOA tables say nothing about where inside the MSOA);
- a 2011 LSOA goes to its 2021 LSOA(s): unchanged and merged LSOAs wholly, a
  split LSOA shared between its parts in proportion to their 2021 residents (as
  `cohesion.insight.population` does, here without rounding to whole people).

Deprivation. Ranks cannot be added up; an area's IoD summary measures are
population-weighted: the average rank of its LSOAs weighted by population, the
share of its population living in LSOAs in England's most deprived 10 %, and
the local concentration (the population-weighted average rank of the area's
most deprived LSOAs holding exactly 10 % of its population) — MHCLG's local
summary measures, computed from ranks. Rank 1 is the most deprived, so a lower
average rank means a more deprived area.

Vectorised: merges and group-bys, no loop over areas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def lsoa11_shares(lookup: pd.DataFrame, residents21: pd.Series) -> pd.DataFrame:
    """How each 2011 LSOA is shared among 2021 LSOAs (`lsoa11_code, lsoa21_code, share`).

    `lookup` has one row per (lsoa11_code, lsoa21_code) pair; `residents21` is
    indexed by 2021 LSOA code. A 2011 LSOA with one 2021 LSOA (unchanged, or
    merged into a bigger one) has share 1; a split one is shared by the parts'
    residents (evenly if any part's residents are unknown). Shares of a 2011 LSOA add to 1.
    """
    pairs = lookup[["lsoa11_code", "lsoa21_code"]].drop_duplicates().copy()
    weight = pairs["lsoa21_code"].map(residents21).astype(float)
    parts = pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size")
    total = weight.groupby(pairs["lsoa11_code"]).transform("sum")
    # A part with unknown residents makes the whole split even (shares must add to 1).
    unknown = weight.isna().groupby(pairs["lsoa11_code"]).transform("any")
    share = (weight / total).where((total > 0) & ~unknown)
    pairs["share"] = share.where(parts > 1, 1.0).fillna(1.0 / parts)
    return pairs.reset_index(drop=True)


def lsoa11_to_lsoa21(counts: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Counts by 2011 LSOA (index) -> counts by 2021 LSOA, sharing splits (floats)."""
    joined = shares.merge(counts, left_on="lsoa11_code", right_index=True, how="inner")
    columns = list(counts.columns)
    joined[columns] = joined[columns].mul(joined["share"], axis=0)
    out = joined.groupby("lsoa21_code")[columns].sum()
    out.index.name = "area_code"
    return out


def oa_to_lsoa(counts: pd.DataFrame, lsoa_of: pd.Series) -> pd.DataFrame:
    """Counts by output area (index) -> counts by the LSOA holding each (exact)."""
    keyed = counts.groupby(lsoa_of.reindex(counts.index).to_numpy()).sum()
    keyed.index.name = "area_code"
    return keyed


def msoa_to_lsoa(counts: pd.DataFrame, msoa_of: pd.Series, residents21: pd.Series) -> pd.DataFrame:
    """Counts by MSOA (index) -> estimated counts by LSOA, shared by Census 2021 residents.

    `msoa_of` maps each LSOA (index) to its MSOA. An MSOA whose LSOAs have no
    known residents is shared evenly. Each MSOA's LSOA counts add up to its own.
    """
    lsoas = pd.DataFrame({"lsoa": msoa_of.index, "msoa": msoa_of.to_numpy()})
    lsoas = lsoas[lsoas["msoa"].isin(counts.index)]
    weight = lsoas["lsoa"].map(residents21).astype(float)
    total = weight.groupby(lsoas["msoa"]).transform("sum")
    size = lsoas.groupby("msoa")["lsoa"].transform("size")
    share = (weight / total).where(total > 0).fillna(1.0 / size)
    values = counts.reindex(lsoas["msoa"]).to_numpy(dtype=float) * share.to_numpy()[:, None]
    return pd.DataFrame(
        values, index=pd.Index(lsoas["lsoa"], name="area_code"), columns=counts.columns
    )


def best_fit(counts: pd.DataFrame, ward_of: pd.Series) -> pd.DataFrame:
    """Counts by 2021 LSOA (index) -> counts by ward, each LSOA wholly in its best-fit ward.

    LSOAs without a ward are left out (they count for the council, not a ward).
    """
    wards = ward_of.reindex(counts.index)
    known = wards.notna().to_numpy()
    out = counts.loc[known].groupby(wards[known].to_numpy()).sum()
    out.index.name = "area_code"
    return out


def percentages(
    counts: pd.DataFrame, numerators: Mapping[str, Sequence[str]], denominator: str
) -> pd.DataFrame:
    """100 * (sum of the numerator columns) / denominator, per row; NaN where it is 0."""
    base = counts[denominator].astype(float).where(counts[denominator] > 0)
    return pd.DataFrame(
        {key: 100.0 * counts[list(cols)].sum(axis=1) / base for key, cols in numerators.items()},
        index=counts.index,
    )


# --- Deprivation -------------------------------------------------------------------------


def deprivation_pieces(values: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Join each population piece (`lsoa, group, weight`, any other columns) to its LSOA's values.

    `values` is indexed by the LSOA code the IoD was published for (ranks,
    deciles, scores). A piece is the part of one LSOA in one group: a 2011 LSOA
    split between two wards gives two pieces. Pieces without a group are dropped.
    """
    pieces = weights[weights["group"].notna()]
    return pieces.merge(values, left_on="lsoa", right_index=True, how="inner").reset_index(
        drop=True
    )


def average_ranks(pieces: pd.DataFrame, rank_columns: Sequence[str]) -> pd.DataFrame:
    """Population-weighted average rank of each group, per rank column."""
    out = {}
    for column in rank_columns:
        ok = pieces[column].notna() & (pieces["weight"] > 0)
        part = pieces.loc[ok]
        total = part.groupby("group")["weight"].sum()
        out[column] = (part[column] * part["weight"]).groupby(part["group"]).sum() / total
    return pd.DataFrame(out)


def share_in_decile(pieces: pd.DataFrame, decile_column: str, decile: int = 1) -> pd.Series:
    """% of each group's population living in LSOAs of this decile."""
    weight = pieces["weight"].where(pieces[decile_column].notna(), 0.0)
    inside = weight.where(pieces[decile_column] == decile, 0.0)
    total = weight.groupby(pieces["group"]).sum()
    return 100.0 * inside.groupby(pieces["group"]).sum() / total.where(total > 0)


def decile_distribution(pieces: pd.DataFrame, decile_column: str) -> pd.DataFrame:
    """LSOAs and population per decile 1..10 for each group (`group, decile, lsoas, population`).

    An LSOA split between groups counts in each group it is partly in.
    """
    known = pieces[pieces[decile_column].notna()].copy()
    known["decile"] = known[decile_column].astype(int)
    table = known.groupby(["group", "decile"]).agg(
        lsoas=("lsoa", "nunique"), population=("weight", "sum")
    )
    groups = pieces["group"].unique()
    full = pd.MultiIndex.from_product([groups, range(1, 11)], names=["group", "decile"])
    table = table.reindex(full, fill_value=0)
    table["lsoas"] = table["lsoas"].astype(int)
    return table.reset_index()


def local_concentration(pieces: pd.DataFrame, rank_column: str, share: float = 0.10) -> pd.Series:
    """Population-weighted average rank of each group's most deprived LSOAs holding `share` of it.

    The LSOA that crosses the threshold counts with just the part of its
    population needed to make exactly `share` of the group's population.
    """
    ok = pieces[pieces[rank_column].notna() & (pieces["weight"] > 0)]
    ordered = ok.sort_values(["group", rank_column], kind="stable")
    target = ordered.groupby("group")["weight"].transform("sum") * share
    before = ordered.groupby("group")["weight"].cumsum() - ordered["weight"]
    used = (target - before).clip(lower=0.0).clip(upper=ordered["weight"])
    total = (ordered[rank_column] * used).groupby(ordered["group"]).sum()
    return total / used.groupby(ordered["group"]).sum()


def representative(pieces: pd.DataFrame, by: str = "lsoa21") -> pd.DataFrame:
    """For each value of `by`, the piece with the largest population (ties: the first).

    Used to give a 2021 LSOA formed by merging 2011 LSOAs one rank and decile:
    the most populous part's (a split LSOA's parts simply inherit their parent's).
    """
    ordered = pieces.sort_values([by, "weight"], ascending=[True, False], kind="stable")
    return ordered.drop_duplicates(by, keep="first").set_index(by)


def weighted_pieces_2011(
    shares: pd.DataFrame, population11: pd.Series | None, residents21: pd.Series
) -> pd.DataFrame:
    """(lsoa11, lsoa21, weight): each 2011 LSOA's population in each of its 2021 parts.

    With mid-year estimates for 2011 LSOAs the weight is the estimate times the
    share; without them, the 2021 residents of the part, divided evenly among
    the 2011 LSOAs merged into it.
    """
    out = shares.copy()
    if population11 is not None and len(population11):
        out["weight"] = out["lsoa11_code"].map(population11).astype(float) * out["share"]
    else:
        parents = out.groupby("lsoa21_code")["lsoa11_code"].transform("size")
        out["weight"] = out["lsoa21_code"].map(residents21).astype(float) / parents
    return out
