"""compute_index: raw indicator table + configuration -> scores, ranks, rank intervals.

The nominal index follows the configuration exactly (treatment, normalisation,
weights, aggregation); the robustness analysis then varies those choices
(robustness.py) and the influence table compares weights with effect (influence.py).
The same data, configuration and seed always give the same output, bit for bit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cohesion.insight.risk_index.aggregate import aggregate, risk_ranks
from cohesion.insight.risk_index.config import IndexConfig, config_to_dict
from cohesion.insight.risk_index.influence import influence_table
from cohesion.insight.risk_index.normalise import NormaliseError, normalise
from cohesion.insight.risk_index.robustness import Choice, simulate
from cohesion.insight.risk_index.treatment import TreatmentStep, treat_matrix

RESULT_COLUMNS: tuple[str, ...] = (
    "area_code",
    "area_name",
    "score",
    "rank",
    "median_rank",
    "p05_rank",
    "p95_rank",
    "higher_risk",
)


class DataError(ValueError):
    """The indicator table cannot answer the configuration; `problems` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class IndexResult:
    config: IndexConfig
    table: pd.DataFrame  # index area_code; RESULT_COLUMNS[1:] then <key>_raw/_treated/_normalised
    treatments: list[TreatmentStep]
    influence: pd.DataFrame
    summary: dict[str, Any]
    weights: dict[str, float] = field(default_factory=dict)

    def record_columns(self) -> list[str]:
        """The output columns: the result's, then each indicator's raw and normalised value."""
        per = [f"{k}_{what}" for k in self.config.keys for what in ("raw", "normalised")]
        return [*RESULT_COLUMNS, *per]

    def to_frame(self) -> pd.DataFrame:
        """The output rows as a frame, in the output column order (CSV)."""
        return self.table.reset_index().loc[:, self.record_columns()]

    def to_records(self) -> list[dict[str, Any]]:
        """The JSON output rows; NaN becomes None."""
        rows = []
        for row in self.to_frame().to_dict(orient="records"):
            rows.append({str(k): _plain(v) for k, v in row.items()})
        return rows

    def to_json(self) -> dict[str, Any]:
        """The whole JSON document: config, summary, influence, treatments and rows."""
        return {
            "config": config_to_dict(self.config),
            "summary": {k: _plain(v) for k, v in self.summary.items()},
            "influence": [
                {str(k): _plain(v) for k, v in row.items()}
                for row in self.influence.to_dict(orient="records")
            ],
            "treatments": [t.to_dict() for t in self.treatments],
            "rows": self.to_records(),
        }


def _plain(value: Any) -> Any:
    """JSON-safe scalars: numpy to Python, NaN to None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if math.isnan(f) else f
    if value is pd.NA or value is None:
        return None
    return value


def _check(data: pd.DataFrame, config: IndexConfig) -> tuple[np.ndarray, list[str]]:
    problems: list[str] = []
    missing = [k for k in config.keys if k not in data.columns]
    if missing:
        problems.append(
            "the data has no column for "
            + ", ".join(missing)
            + f" (columns: {', '.join(map(str, data.columns))})"
        )
        raise DataError(problems)
    if data.index.has_duplicates:
        dupes = sorted(map(str, data.index[data.index.duplicated()].unique()))[:5]
        problems.append(f"area codes appear more than once: {', '.join(dupes)}")
    columns = []
    for key in config.keys:
        column = pd.to_numeric(data[key], errors="coerce")
        bad = data[key].notna() & column.isna()
        if bad.any():
            where = ", ".join(map(str, data.index[bad][:3]))
            problems.append(f"{key}: values that are not numbers (areas {where})")
        column = column.astype(np.float64)
        if np.isinf(column.to_numpy()).any():
            problems.append(f"{key}: infinite values")
        columns.append(column.to_numpy(dtype=np.float64))
    raw = np.column_stack(columns) if columns else np.empty((len(data), 0))
    has_any = ~np.all(np.isnan(raw), axis=1)
    for q, key in enumerate(config.keys):
        if int(np.sum(~np.isnan(raw[has_any, q]))) < 2:
            problems.append(f"{key}: fewer than 2 areas have a value")
    if int(has_any.sum()) < 2:
        problems.append("fewer than 2 areas have any indicator value")
    if problems:
        raise DataError(problems)
    excluded = [str(c) for c, ok in zip(data.index, has_any, strict=True) if not ok]
    return raw, excluded


def compute_index(
    data: pd.DataFrame,
    config: IndexConfig,
    *,
    names: Mapping[str, str] | None = None,
    simulations: int | None = None,
    seed: int | None = None,
) -> IndexResult:
    """Score, rank and test every area.

    data: index = area code, one column per indicator key (raw values, NaN allowed);
    an `area_name` column, or `names`, gives the names. An area with no value for any
    indicator is kept in the table without a score or rank. `simulations` and `seed`
    override the configuration's robustness settings.
    """
    raw_all, excluded = _check(data, config)
    keys = config.keys
    signs = np.array([i.sign for i in config.indicators])
    weights = config.effective_weights()
    keep = ~np.all(np.isnan(raw_all), axis=1)
    raw = raw_all[keep]
    t = config.treatment

    # Treatment depends on (outliers, imputation) only, normalisation on all three: each
    # is computed once however many simulations share it.
    treated_cache: dict[tuple[str, str], tuple[np.ndarray, list[TreatmentStep]]] = {}
    cache: dict[Choice, tuple[np.ndarray, np.ndarray, list[TreatmentStep]]] = {}

    def build(choice: Choice) -> tuple[np.ndarray, np.ndarray, list[TreatmentStep]]:
        if choice not in cache:
            norm, outliers, imputation = choice
            if (outliers, imputation) not in treated_cache:
                treated_cache[(outliers, imputation)] = treat_matrix(
                    raw, keys, outliers=outliers, imputation=imputation, treatment=t
                )
            treated, steps = treated_cache[(outliers, imputation)]
            try:
                z = normalise(treated, signs, norm)
            except NormaliseError as exc:
                raise DataError([str(exc)]) from None
            cache[choice] = (treated, z, steps)
        return cache[choice]

    treated, z, steps = build((config.normalisation, t.outliers, t.impute))
    scores = aggregate(z, weights, config.aggregation)
    rank = risk_ranks(scores)
    settings = config.robustness
    if not settings.imputations:  # built in code rather than parsed: the configured one
        settings = dataclasses.replace(settings, imputations=(t.impute,))
    robust = simulate(
        lambda choice: build(choice)[1],
        weights,
        rank,
        settings,
        simulations=simulations,
        seed=seed,
    )

    n_all = len(data)

    def spread(values: np.ndarray, dtype: Any = np.float64, fill: Any = np.nan) -> np.ndarray:
        out = np.full(n_all, fill, dtype=dtype)
        out[keep] = values
        return out

    index = pd.Index([str(c) for c in data.index], name="area_code")
    if names is None and "area_name" in data.columns:
        name_values = [("" if pd.isna(v) else str(v)) for v in data["area_name"]]
    else:
        lookup = names or {}
        name_values = [lookup.get(c, "") for c in index]
    table = pd.DataFrame(
        {
            "area_name": name_values,
            "score": spread(scores),
            "rank": spread(rank),
            "median_rank": spread(robust.median_rank),
            "p05_rank": spread(robust.p05_rank),
            "p95_rank": spread(robust.p95_rank),
            "higher_risk": spread(robust.higher_risk, bool, False),
        },
        index=index,
    )
    for q, key in enumerate(keys):
        table[f"{key}_raw"] = raw_all[:, q]
        table[f"{key}_treated"] = spread(treated[:, q])
        table[f"{key}_normalised"] = spread(z[:, q])

    influence = influence_table(keys, [i.label for i in config.indicators], weights, z, scores)
    summary: dict[str, Any] = {
        "name": config.name,
        "areas": int(keep.sum()),
        "indicators": len(keys),
        "normalisation": config.normalisation,
        "aggregation": config.aggregation,
        **robust.summary,
        "excluded_areas": excluded,
    }
    return IndexResult(
        config=config,
        table=table,
        treatments=list(steps),
        influence=influence,
        summary=summary,
        weights={k: float(w) for k, w in zip(keys, weights, strict=True)},
    )
