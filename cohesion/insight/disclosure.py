"""Statistical disclosure control for published counts (no Django imports).

The default rule (reference: indices-and-assessment.md §6, the ONS "10-5" rule):

1. primary suppression: counts 1-9 are hidden; true zeros are shown;
2. the other counts are rounded to the nearest 5, halves up (12.5 -> 15, 12 -> 10);
3. secondary suppression wherever a total is published: in every line (a list
   with its total, a row or a column of a table with margins) a hidden cell
   must never be the only hidden cell, or total minus the others gives it
   away. A line with exactly one hidden cell gets its smallest visible
   non-zero cell hidden too, repeated until stable; then a linear-algebra
   check finds any hidden cell still fixed by the published margins (e.g. a
   cell bridging two blocks of hidden cells) and hides one more cell next to
   it, until no hidden cell can be solved for;
4. shares, percentages, rates and intervals are not shown where a count they
   are computed from is hidden, or where their denominator is below
   `rate_denominator_floor` (HESA uses 22.5). They are computed from the exact
   counts, as the reference says.

Hidden values are published as the GSS symbol "c" whatever the reason; the
reason is kept internally: "c" primary, "c2" secondary.

The published totals are treated as exact in the recoverability reasoning
(a cautious assumption: rounding only blurs a subtraction by a few units).
Hiding cells does not protect against differencing two overlapping
geographies: publish one ward vintage only (reference §6.4).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

SUPPRESSED: Final = "c"
PRIMARY: Final = "c"
SECONDARY: Final = "c2"
SHOWN: Final = ""

_NOT_KNOWN: Final = "not_known"
_EXACT_CAVEAT_MARK: Final = "not disclosure-controlled"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DisclosureRule:
    """A publication rule: counts in 1..threshold-1 hidden, others rounded to `base`."""

    threshold: int = 10
    base: int = 5
    rate_denominator_floor: float = 22.5
    secondary: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.base < 1 or self.rate_denominator_floor < 0:
            raise ValueError("threshold and base must be at least 1, the floor not negative")

    def describe(self) -> dict[str, Any]:
        """The JSON `disclosure` value of a public assessment."""
        parts = [f"suppress 1-{self.threshold - 1}" if self.threshold > 1 else "no suppression"]
        if self.base > 1:
            parts.append(f"round to {self.base}")
        if self.secondary:
            parts.append("secondary suppression")
        return {
            "rule": ", ".join(parts),
            "threshold": self.threshold,
            "base": self.base,
            "rate_denominator_floor": self.rate_denominator_floor,
            "symbol": SUPPRESSED,
        }


DEFAULT_RULE: Final = DisclosureRule()


def round_base(values: Any, base: int = 5) -> npt.NDArray[np.int64]:
    """Round to the nearest multiple of `base`, halves up (12.5 -> 15, 12 -> 10)."""
    arr = np.asarray(values, dtype=np.float64)
    return (np.floor(arr / base + 0.5) * base).astype(np.int64)


def is_primary(count: float, rule: DisclosureRule = DEFAULT_RULE) -> bool:
    """True when a count is hidden by the primary rule (true zeros are shown)."""
    return 0 < count < rule.threshold


def publish_count(count: float, rule: DisclosureRule = DEFAULT_RULE) -> int | str:
    """One stand-alone count (no total to protect): "c" or rounded."""
    return SUPPRESSED if is_primary(count, rule) else int(round_base(count, rule.base))


# --- The table engine ---------------------------------------------------------------------


def _protect(
    table: FloatArray,
    rule: DisclosureRule,
    *,
    row_lines: bool,
    col_lines: bool,
    forced: BoolArray | None = None,
) -> npt.NDArray[np.str_]:
    """Reasons ("", "c", "c2") for every cell of an augmented table.

    `table` already holds its margins: when `row_lines`, its last column is the
    total of each row; when `col_lines`, its last row is the total of each
    column. Every row (resp. column) is then a line: inner cells sum to the
    margin cell. `forced` cells are hidden as secondary from the start (used to
    keep two tables of the same counts consistent).
    """
    reasons = np.full(table.shape, SHOWN, dtype="<U2")
    reasons[(table > 0) & (table < rule.threshold)] = PRIMARY
    if forced is not None:
        reasons[forced & (reasons == SHOWN)] = SECONDARY
    if not rule.secondary or not (row_lines or col_lines):
        return reasons

    for _ in range(table.size + 1):
        _line_rule(table, reasons, row_lines=row_lines, col_lines=col_lines)
        exposed = _exposed(table, reasons != SHOWN, row_lines=row_lines, col_lines=col_lines)
        if not exposed.any():
            return reasons
        i, j = np.argwhere(exposed)[0]
        if not _hide_next_to(table, reasons, int(i), int(j), row_lines, col_lines):
            # Nothing left to hide beside it: hide every non-zero cell (never expected).
            reasons[(reasons == SHOWN) & (table > 0)] = SECONDARY
            return reasons
    return reasons


def _line_rule(
    table: FloatArray,
    reasons: npt.NDArray[np.str_],
    *,
    row_lines: bool,
    col_lines: bool,
) -> None:
    """Until stable: a line with exactly one hidden cell gets its smallest visible
    non-zero inner cell hidden (its margin if it has none). Vectorised per pass."""
    changed = True
    while changed:
        changed = False
        for transpose, active in ((False, row_lines), (True, col_lines)):
            if not active:
                continue
            values = table.T if transpose else table
            hidden = (reasons.T if transpose else reasons) != SHOWN
            # When the other direction also has margins, its margin line is not
            # an inner cell of this line.
            inner = np.ones(values.shape[1], dtype=bool)
            inner[-1] = False
            need = hidden.sum(axis=1) == 1
            if not need.any():
                continue
            cost = np.where(~hidden & (values > 0) & inner, values, np.inf)
            best = cost.argmin(axis=1)
            has = np.isfinite(cost.min(axis=1))
            margin_ok = ~hidden[:, -1] & (values[:, -1] > 0)
            rows = np.flatnonzero(need & has)
            cols = best[rows]
            fallback = np.flatnonzero(need & ~has & margin_ok)
            rows = np.concatenate([rows, fallback])
            cols = np.concatenate([cols, np.full(len(fallback), values.shape[1] - 1)])
            if len(rows):
                target = (cols, rows) if transpose else (rows, cols)
                reasons[target] = SECONDARY
                changed = True


def _exposed(
    table: FloatArray, hidden: BoolArray, *, row_lines: bool, col_lines: bool
) -> BoolArray:
    """Hidden cells whose value the published cells and margins determine exactly.

    Each line gives an equation (inner cells minus margin = 0); a hidden cell
    is determined when every solution of the homogeneous system restricted to
    the hidden cells has it at zero, i.e. its row of the null-space basis is 0.
    """
    n_rows, n_cols = table.shape
    idx = np.arange(table.size).reshape(table.shape)
    equations: list[FloatArray] = []
    if row_lines:
        a = np.zeros((n_rows, table.size))
        for i in range(n_rows):
            a[i, idx[i, :-1]] = 1.0
            a[i, idx[i, -1]] = -1.0
        equations.append(a)
    if col_lines:
        a = np.zeros((n_cols, table.size))
        for j in range(n_cols):
            a[j, idx[:-1, j]] = 1.0
            a[j, idx[-1, j]] = -1.0
        equations.append(a)
    flat_hidden = hidden.ravel()
    exposed = np.zeros(table.size, dtype=bool)
    if not flat_hidden.any() or not equations:
        return exposed.reshape(table.shape)
    a_h = np.vstack(equations)[:, flat_hidden]
    _, s, vh = np.linalg.svd(a_h)
    rank = int((s > 1e-9).sum())
    null = vh[rank:].T  # hidden cells x null-space dimension
    determined = np.all(np.abs(null) < 1e-9, axis=1) if null.size else np.ones(len(a_h.T), bool)
    exposed[np.flatnonzero(flat_hidden)[determined]] = True
    return exposed.reshape(table.shape)


def _hide_next_to(
    table: FloatArray,
    reasons: npt.NDArray[np.str_],
    i: int,
    j: int,
    row_lines: bool,
    col_lines: bool,
) -> bool:
    """Hide the smallest visible non-zero cell in (i, j)'s row line, else its column line."""
    for line_is_row, active in ((True, row_lines), (False, col_lines)):
        if not active:
            continue
        values = table[i] if line_is_row else table[:, j]
        visible = (reasons[i] if line_is_row else reasons[:, j]) == SHOWN
        cost = np.where(visible & (values > 0), values, np.inf)
        cost[-1] = np.where(np.isfinite(cost[:-1]).any(), np.inf, cost[-1])  # margin last
        if np.isfinite(cost).any():
            k = int(cost.argmin())
            reasons[(i, k) if line_is_row else (k, j)] = SECONDARY
            return True
    return False


# --- Counts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedCounts:
    """Published values (int or "c") and the reason per cell ("", "c", "c2").

    For a Series with a total: `total`/`total_reason`; `remainder_reason` is
    the reason of the implicit "rest" cell (given total minus the sum of the
    list, e.g. incidents with no ward), None when there is none. For a
    DataFrame with totals: `row_totals`, `column_totals` (and their reasons)
    and `total` for the grand total.
    """

    values: pd.Series | pd.DataFrame
    reasons: pd.Series | pd.DataFrame
    total: int | str | None = None
    total_reason: str | None = None
    remainder_reason: str | None = None
    row_totals: pd.Series | None = None
    row_total_reasons: pd.Series | None = None
    column_totals: pd.Series | None = None
    column_total_reasons: pd.Series | None = None


def _published(values: FloatArray, reasons: npt.NDArray[np.str_], base: int) -> npt.NDArray[Any]:
    out = round_base(values, base).astype(object)
    out[reasons != SHOWN] = SUPPRESSED
    return out


def apply_to_counts(
    data: pd.Series | pd.DataFrame,
    rule: DisclosureRule = DEFAULT_RULE,
    *,
    with_total: bool = True,
    total: float | None = None,
    force: pd.Series | pd.DataFrame | None = None,
) -> PublishedCounts:
    """Apply `rule` to a list (Series) or a table (DataFrame) of counts.

    `with_total`: the total (of the list; of each row, each column and the
    grand total for a table) is published too, so secondary suppression is
    needed. `total` (lists only) is the published total when it is not the sum
    of the list: larger (records with no value: the rest is treated as one
    more published cell) or smaller (multi-valued counts such as strands,
    protected as if they added up). `force`: cells to hide as secondary.
    """
    if isinstance(data, pd.DataFrame):
        if total is not None:
            raise ValueError("`total` is for lists; a table's margins are its sums")
        return _apply_to_frame(data, rule, with_total=with_total, force=force)
    values = data.to_numpy(dtype=np.float64)
    forced = None if force is None else force.reindex(data.index, fill_value=False).to_numpy(bool)
    if not with_total:
        reasons = _protect(values[None, :], rule, row_lines=False, col_lines=False)[0]
        if forced is not None:
            reasons[forced & (reasons == SHOWN)] = SECONDARY
        return PublishedCounts(
            values=pd.Series(_published(values, reasons, rule.base), index=data.index),
            reasons=pd.Series(reasons, index=data.index),
        )
    the_sum = float(values.sum())
    margin = the_sum if total is None else float(total)
    rest = margin - the_sum if margin > the_sum else None
    cells = values if rest is None else np.append(values, rest)
    row = np.append(cells, margin)[None, :]
    force_row = None
    if forced is not None:
        force_row = np.zeros(row.shape, dtype=bool)
        force_row[0, : len(forced)] = forced
    reasons = _protect(row, rule, row_lines=True, col_lines=False, forced=force_row)[0]
    published = _published(row[0], reasons, rule.base)
    n = len(values)
    return PublishedCounts(
        values=pd.Series(published[:n], index=data.index),
        reasons=pd.Series(reasons[:n], index=data.index),
        total=published[-1],
        total_reason=str(reasons[-1]),
        remainder_reason=None if rest is None else str(reasons[n]),
    )


def _apply_to_frame(
    data: pd.DataFrame,
    rule: DisclosureRule,
    *,
    with_total: bool,
    force: pd.Series | pd.DataFrame | None,
) -> PublishedCounts:
    values = data.to_numpy(dtype=np.float64)
    n_rows, n_cols = values.shape
    if with_total:
        aug = np.zeros((n_rows + 1, n_cols + 1))
        aug[:n_rows, :n_cols] = values
        aug[:n_rows, -1] = values.sum(axis=1)
        aug[-1, :n_cols] = values.sum(axis=0)
        aug[-1, -1] = values.sum()
    else:
        aug = values
    forced = None
    if force is not None:
        forced = np.zeros(aug.shape, dtype=bool)
        forced[:n_rows, :n_cols] = (
            pd.DataFrame(force).reindex_like(data).fillna(False).to_numpy(bool)
        )
    reasons = _protect(aug, rule, row_lines=with_total, col_lines=with_total, forced=forced)
    published = _published(aug, reasons, rule.base)
    values_out = pd.DataFrame(published[:n_rows, :n_cols], index=data.index, columns=data.columns)
    reasons_out = pd.DataFrame(reasons[:n_rows, :n_cols], index=data.index, columns=data.columns)
    if not with_total:
        return PublishedCounts(values=values_out, reasons=reasons_out)
    return PublishedCounts(
        values=values_out,
        reasons=reasons_out,
        total=published[-1, -1],
        total_reason=str(reasons[-1, -1]),
        row_totals=pd.Series(published[:n_rows, -1], index=data.index),
        row_total_reasons=pd.Series(reasons[:n_rows, -1], index=data.index),
        column_totals=pd.Series(published[-1, :n_cols], index=data.columns),
        column_total_reasons=pd.Series(reasons[-1, :n_cols], index=data.columns),
    )


# --- The assessment JSON ------------------------------------------------------------------

# data_quality field -> the profile list whose not_known cell is the same count.
_NOT_KNOWN_CELLS: Final[dict[str, tuple[str, str]]] = {
    "victim_sex": ("victims", "sex"),
    "victim_age_band": ("victims", "age_bands"),
    "victim_ethnicity": ("victims", "ethnicity"),
    "suspect_sex": ("suspects", "sex"),
    "suspect_age_band": ("suspects", "age_bands"),
    "suspect_ethnicity": ("suspects", "ethnicity"),
}
# disproportionality dimension -> the victims list of the same counts.
_VICTIM_LISTS: Final[dict[str, str]] = {
    "sex": "sex",
    "age_band": "age_bands",
    "ethnicity": "ethnicity",
}
_UNDER_18: Final = ("0-15",)


@dataclass
class _List:
    """One published list: its reasons per key and the reason of its total."""

    reasons: dict[str, str]
    total_reason: str | None
    remainder_reason: str | None


def _protect_list(
    counts: dict[str, Any], rule: DisclosureRule, total: float | None
) -> tuple[dict[str, Any], _List]:
    series = pd.Series({k: float(v) for k, v in counts.items()}, dtype=np.float64)
    if series.empty:
        return {}, _List({}, None, None)
    pc = apply_to_counts(series, rule, with_total=True, total=total)
    published = {str(k): v for k, v in pc.values.items()}
    reasons = {str(k): str(v) for k, v in pc.reasons.items()}
    return published, _List(reasons, pc.total_reason, pc.remainder_reason)


def _share_ok(
    line: _List,
    numerator: list[str],
    denominator: list[str],
    denominator_value: float | None,
    rule: DisclosureRule,
) -> bool:
    """Whether a share of `numerator` cells in `denominator` cells can be shown.

    Never when a numerator cell is hidden or the denominator is below the
    floor. With one hidden cell in the denominator, the shares of the others
    would give it away; with two or more they give only the sum of the hidden
    ones, which the published total already gives when every hidden cell of
    the line is in the denominator (otherwise, e.g. with not_known hidden
    too, they would split it: not shown).
    """
    hidden = {k for k, r in line.reasons.items() if r != SHOWN}
    if hidden & set(numerator):
        return False
    if denominator_value is None or denominator_value < rule.rate_denominator_floor:
        return False
    in_den = hidden & set(denominator)
    if not in_den:
        return True
    return len(in_den) >= 2 and not (hidden - set(denominator))


def _hide(value: Any) -> Any:
    return None if value is None else SUPPRESSED


def apply_to_assessment(
    data: dict[str, Any], rule: DisclosureRule = DEFAULT_RULE
) -> dict[str, Any]:
    """The public version of an assessment JSON (sia.to_json): counts rounded or "c",
    shares, rates, intervals and changes "c" where a count behind them is hidden,
    `disclosure` set to the rule. The input is not changed."""
    out = copy.deepcopy(data)
    total = float(data["total"])
    previous = data.get("previous", {})
    previous_total = float(previous.get("total", 0))
    total_reasons: list[str | None] = [PRIMARY if is_primary(total, rule) else SHOWN]
    previous_reasons: list[str | None] = [PRIMARY if is_primary(previous_total, rule) else SHOWN]

    # Strands (multi-valued: protected against the incident total).
    strands_pub, strands = _protect_list(data.get("by_strand", {}), rule, total)
    out["by_strand"] = strands_pub
    total_reasons.append(strands.total_reason)
    prev_pub, prev_strands = _protect_list(previous.get("by_strand", {}), rule, previous_total)
    if "previous" in out:
        out["previous"]["by_strand"] = prev_pub
    previous_reasons.append(prev_strands.total_reason)

    # Monthly series: each month's counts add up to the period's total.
    monthly = data.get("monthly") or []
    if monthly:
        months = [m["month"] for m in monthly]
        now_pub, now_line = _protect_list(
            {m: r["count"] for m, r in zip(months, monthly, strict=True)}, rule, total
        )
        before_pub, before_line = _protect_list(
            {m: r.get("previous", 0) for m, r in zip(months, monthly, strict=True)},
            rule,
            previous_total,
        )
        for row, m in zip(out["monthly"], months, strict=True):
            row["count"] = now_pub[m]
            if "previous" in row:
                row["previous"] = before_pub[m]
        total_reasons.append(now_line.total_reason)
        previous_reasons.append(before_line.total_reason)

    # Wards: incidents with no ward are the implicit rest of the list.
    wards = data.get("wards") or []
    ward_line = _List({}, None, None)
    if wards:
        ward_pub, ward_line = _protect_list({w["code"]: w["count"] for w in wards}, rule, total)
        total_reasons.append(ward_line.total_reason)
        for row in out["wards"]:
            row["count"] = ward_pub[row["code"]]
            population = row.get("population")
            small = population is not None and population < rule.rate_denominator_floor
            if ward_line.reasons[row["code"]] != SHOWN or small:
                for key in ("rate_per_1000", "ci_low", "ci_high"):
                    row[key] = _hide(row.get(key))

    # Victim and suspect profiles: each list adds up to the records.
    lines: dict[tuple[str, str], _List] = {}
    for who in ("victims", "suspects"):
        profile = data.get(who)
        if not profile:
            continue
        records = float(profile.get("records", total))
        for key in ("sex", "age_bands", "ethnicity"):
            counts = profile.get(key)
            if counts is None:
                continue
            published, line = _protect_list(counts, rule, records)
            out[who][key] = published
            lines[(who, key)] = line
            total_reasons.append(line.total_reason)
        if "records" in profile:
            out[who]["records"] = publish_count(records, rule)
        sex = lines.get((who, "sex"))
        if "female_pct" in profile and (
            sex is None
            or not _share_ok(
                sex,
                ["female"],
                ["female", "male"],
                float(profile["sex"]["female"] + profile["sex"]["male"]),
                rule,
            )
        ):
            out[who]["female_pct"] = _hide(profile["female_pct"])

    suspects = data.get("suspects") or {}
    ages = lines.get(("suspects", "age_bands"))
    if "under_18_pct" in suspects:
        known = [k for k in suspects.get("age_bands", {}) if k != _NOT_KNOWN]
        known_count = float(sum(suspects["age_bands"][k] for k in known)) if known else None
        if ages is None or not _share_ok(ages, list(_UNDER_18), known, known_count, rule):
            out["suspects"]["under_18_pct"] = _hide(suspects["under_18_pct"])

    victims = data.get("victims") or {}
    if "distinct_keys" in victims and "repeat_victims" in victims:
        distinct, repeat = float(victims["distinct_keys"]), float(victims["repeat_victims"])
        pub, line = _protect_list({"repeat": repeat, "other": distinct - repeat}, rule, None)
        out["victims"]["repeat_victims"] = pub["repeat"]
        out["victims"]["distinct_keys"] = (
            SUPPRESSED if line.total_reason != SHOWN else publish_count(distinct, rule)
        )
        if not _share_ok(line, ["repeat"], ["repeat", "other"], distinct, rule):
            out["victims"]["repeat_pct"] = _hide(victims.get("repeat_pct"))
    elif "repeat_pct" in victims:
        out["victims"]["repeat_pct"] = _hide(victims["repeat_pct"])
    if victims.get("repeat_incidents_pct") is not None:
        implied = float(round(victims["repeat_incidents_pct"] * total / 100.0))
        _, line = _protect_list({"repeat": implied, "other": total - implied}, rule, None)
        if not _share_ok(line, ["repeat"], ["repeat", "other"], total, rule):
            out["victims"]["repeat_incidents_pct"] = SUPPRESSED

    # Disproportionality: the victims per group are the victims lists' cells.
    for row in out.get("disproportionality") or []:
        dim, group = row["dimension"], row["group"]
        known_rows = [r for r in data["disproportionality"] if r["dimension"] == dim]
        found = lines.get(("victims", _VICTIM_LISTS.get(dim, dim)))
        if found is None:
            _, found = _protect_list({r["group"]: r["victims"] for r in known_rows}, rule, None)
            lines[("victims", _VICTIM_LISTS.get(dim, dim))] = found
        line = found
        known = [g for g in line.reasons if g != _NOT_KNOWN]
        known_count = float(sum(r["victims"] for r in known_rows))
        hidden_group = line.reasons.get(group, SHOWN) != SHOWN
        row["victims"] = SUPPRESSED if hidden_group else _rounded(row["victims"], rule)
        if not _share_ok(line, [group], known, known_count, rule):
            for key in ("victims_share", "ratio", "ci_low", "ci_high", "flagged"):
                if key in row:
                    row[key] = _hide(row[key])

    # Data quality: a missing share times the total is a count.
    for field, share in (data.get("data_quality") or {}).items():
        if share is None:
            continue
        if field in _NOT_KNOWN_CELLS:
            cells = lines.get(_NOT_KNOWN_CELLS[field])
            hidden = cells is None or cells.reasons.get(_NOT_KNOWN, SHOWN) != SHOWN
        elif field == "ward_code" and wards:
            hidden = (ward_line.remainder_reason or SHOWN) != SHOWN
        else:
            missing = float(round(share * total))
            hidden = is_primary(missing, rule) or is_primary(total - missing, rule)
        if hidden:
            out["data_quality"][field] = SUPPRESSED

    # Headline totals and the change from the previous period.
    total_hidden = any(r not in (None, SHOWN) for r in total_reasons)
    previous_hidden = any(r not in (None, SHOWN) for r in previous_reasons)
    out["total"] = SUPPRESSED if total_hidden else _rounded(total, rule)
    if "previous" in out:
        out["previous"]["total"] = SUPPRESSED if previous_hidden else _rounded(previous_total, rule)
    change = out.get("change")
    if change is not None:
        both_shown = not total_hidden and not previous_hidden
        change["total"] = (
            _rounded(total, rule) - _rounded(previous_total, rule) if both_shown else SUPPRESSED
        )
        if not both_shown or previous_total < rule.rate_denominator_floor:
            change["total_pct"] = _hide(change.get("total_pct"))
        for strand in change.get("by_strand", {}):
            now_r = strands.reasons.get(strand, SHOWN)
            before_r = prev_strands.reasons.get(strand, SHOWN)
            shown = now_r == SHOWN and before_r == SHOWN
            change["by_strand"][strand] = (
                _rounded(data["by_strand"][strand], rule)
                - _rounded(previous["by_strand"][strand], rule)
                if shown
                else SUPPRESSED
            )
            before = float(previous.get("by_strand", {}).get(strand, 0))
            if "by_strand_pct" in change and (not shown or before < rule.rate_denominator_floor):
                change["by_strand_pct"][strand] = _hide(change["by_strand_pct"].get(strand))

    caveats = [c for c in out.get("caveats", []) if _EXACT_CAVEAT_MARK not in c]
    desc = rule.describe()
    caveats.append(
        f"Disclosure control: {desc['rule']}. Hidden figures are shown as "
        f'"{SUPPRESSED}"; shares, rates and changes are hidden where a count behind '
        "them is; percentages are computed from exact counts."
    )
    out["caveats"] = caveats
    out["disclosure"] = desc
    return out


def _rounded(count: float, rule: DisclosureRule) -> int:
    return int(round_base(count, rule.base))
