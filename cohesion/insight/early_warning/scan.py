"""Prospective space-time permutation scan (Kulldorff et al. 2005, as in SaTScan).

Ward counts are mostly 0 or 1 a week, so a per-ward threshold either never fires
(Farrington's "5 in 4 weeks") or fires on every single incident. The scan looks
instead for a *cylinder* — a circle of neighbouring areas over the last few weeks —
holding more incidents than its areas and weeks usually share, and asks how often
chance alone would give a cylinder that extreme somewhere.

Model (Kulldorff, Heffernan, Hartman, Assunção, Mostashari 2005, PLoS Med 2(3):e59):
- Study period: the `study_weeks` weeks ending at the monitored week. C_zd is the
  count of area z in week d, C_z and C_d its margins, C the total.
- Expected under the null that where and when are independent:
  mu_zd = C_z C_d / C, so a cylinder A expects mu_A = C_Z(A) C_D(A) / C.
- Poisson approximation of the hypergeometric (as SaTScan):
  LLR = c log(c/mu) + (C-c) log((C-c)/(C-mu)) if c > mu, else 0.
- Cylinders: centre = each area; circles grow by nearest neighbours (areas at tied
  distances enter together, as in SaTScan) up to `max_areas`, `max_fraction` of the
  areas and `max_radius_km`; heights are the last 1..`max_weeks` weeks, all ending at
  the monitored week (prospective: only clusters still alive).
- Monte Carlo: the cases' week labels are permuted (area and week totals fixed),
  the maximum LLR recomputed; p = rank / (R + 1). Secondary clusters that share no
  area with a better one are reported with p against the same null maxima (SaTScan's
  "no geographical overlap"), which is conservative for them.
- Recurrence interval: the scan is repeated weekly, so 1/p weeks.

Speed: only the last `max_weeks` weeks matter to any cylinder, so a replication only
needs to know which areas the cases falling in those weeks belong to. Cumulative sums
over weeks and then over the precomputed neighbour ordering give every cylinder's
count at once, for a batch of replications; the LLR comes from a table of c log c
indexed by the integer count, so the inner loop has no logarithms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
from scipy.spatial import cKDTree

from cohesion.insight.early_warning.types import Cluster, Detection, WeeklyCounts

METHOD = "space-time-scan"
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), as great-circle distances are usually quoted
# Elements of the (batch, areas, weeks) arrays built at once: small enough (0.5 MB
# each) to stay in cache, which measured 2x faster than batches 16 times larger.
_BATCH_ELEMENTS = 65_536
# Distances within this relative difference are a tie (floating-point noise in
# great-circle distances would otherwise split areas that are equally far away).
_TIE_RELATIVE = 1e-9
# Null maxima this close (relative) to an observed LLR count as ties, i.e. as at least
# as extreme: the same cylinder value computed through a different sum order.
_LLR_RELATIVE = 1e-10


@dataclass(frozen=True)
class ScanControl:
    """Settings of the space-time permutation scan.

    Defaults are for weekly ward counts within one council or region, monitored every
    week: a year of history, clusters of up to four weeks and ten neighbouring wards
    (local flare-ups; a council-wide rise is Farrington's job on council series), a
    cluster needs at least two incidents (SaTScan's default minimum), 999 replications,
    and alpha = 0.01, i.e. a chance cluster about once in 100 weekly analyses per
    scanned strand rather than once in 20.
    """

    study_weeks: int = 52  # weeks of history, ending at the monitored week
    max_weeks: int = 4  # longest cluster, in weeks (it always ends at the monitored week)
    max_areas: int = 10  # most areas in a cluster's circle
    max_fraction: float = 0.5  # ... and at most this fraction of all areas (SaTScan's 50%)
    max_radius_km: float | None = None  # ... and no area farther than this from the centre
    min_cases: int = 2  # a cluster must hold at least this many incidents
    replications: int = 999  # Monte Carlo replications (R); p is at least 1/(R+1)
    alpha: float = 0.01  # an area alarms if it is in a cluster with p < alpha
    seed: int = 20050301  # reproducible: the same data and settings give the same p-values
    distance: str = "great-circle"  # "great-circle" ((lon, lat) degrees) | "euclidean" (metres)
    max_clusters: int = 10  # clusters reported per week; significant ones are always reported
    report_pvalue: float = 1.0  # report (non-overlapping) clusters with p at most this

    def __post_init__(self) -> None:
        problems = []
        for name in ("study_weeks", "max_weeks", "max_areas", "min_cases", "replications"):
            if int(getattr(self, name)) < 1:
                problems.append(f"{name} must be at least 1")
        if self.max_clusters < 0:
            problems.append("max_clusters must not be negative")
        if not 0 < self.max_fraction <= 1:
            problems.append("max_fraction must be in (0, 1]")
        if self.max_radius_km is not None and not self.max_radius_km >= 0:
            problems.append("max_radius_km must not be negative")
        if not 0 < self.alpha < 1:
            problems.append("alpha must be in (0, 1)")
        if not 0 <= self.report_pvalue <= 1:
            problems.append("report_pvalue must be in [0, 1]")
        if self.seed < 0:
            problems.append("seed must not be negative")
        if self.distance not in ("great-circle", "euclidean"):
            problems.append("distance must be 'great-circle' or 'euclidean'")
        if problems:
            raise ValueError("ScanControl: " + "; ".join(problems))


def poisson_llr(observed: np.ndarray, expected: np.ndarray, total: float) -> np.ndarray:
    """Kulldorff's log-likelihood ratio for high rates: 0 unless observed > expected.

    `c log(c/mu) + (C-c) log((C-c)/(C-mu))`, with 0 log 0 = 0 (a cylinder holding
    every case). Vectorised over any shape.
    """
    c = np.asarray(observed, dtype=np.float64)
    mu = np.asarray(expected, dtype=np.float64)
    high = c > mu
    # Placeholders where the ratio is not needed keep log() free of 0 and warnings.
    c_in = np.where(high, c, 1.0)
    mu_in = np.where(high, mu, 1.0)
    rest = total - c_in
    rest_mu = np.where(high, total - mu, 1.0)
    rest_term = np.where(rest > 0, rest * np.log(np.where(rest > 0, rest, 1.0) / rest_mu), 0.0)
    return np.where(high, c_in * np.log(c_in / mu_in) + rest_term, 0.0)


@dataclass(frozen=True)
class Circles:
    """Each area's nearest neighbours (itself first) and which circles are allowed.

    `members[i, :k+1]` are the areas of the circle of size k+1 around area i;
    `allowed[i, k]` is False where that circle would split areas at the same
    distance or reach beyond the radius limit.
    """

    members: np.ndarray  # (S, K) int, area indices by distance from the centre
    allowed: np.ndarray  # (S, K) bool
    distance_km: np.ndarray  # (S, K) float


def build_circles(points: np.ndarray, control: ScanControl) -> Circles:
    """Neighbour ordering for every centre, computed once per set of areas.

    Great-circle order equals chord order on the unit sphere, so a k-d tree over 3-D
    unit vectors gives exact great-circle neighbours without an S x S distance matrix
    (7,000 wards would need 400 MB for it).
    """
    n_areas = len(points)
    if n_areas == 0:
        empty = np.zeros((0, 1))
        return Circles(empty.astype(np.intp), empty.astype(bool), empty)
    size = max(1, min(control.max_areas, math.floor(control.max_fraction * n_areas)))
    # One extra neighbour shows whether the last circle would split a tie.
    queried = min(size + 1, n_areas)
    if control.distance == "great-circle":
        lon, lat = np.radians(points[:, 0]), np.radians(points[:, 1])
        xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        chord, index = cKDTree(xyz).query(xyz, k=queried)
        chord = np.asarray(chord).reshape(n_areas, queried)
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))
    else:
        metres, index = cKDTree(points).query(points, k=queried)
        km = np.asarray(metres).reshape(n_areas, queried) / 1000.0
    index = np.asarray(index).reshape(n_areas, queried)
    # The tree may list another area at distance 0 before the centre; put the centre
    # first among equals so that "the centre first" holds for every cluster.
    centre = np.arange(n_areas)[:, None]
    order = np.lexsort((index != centre, km), axis=-1)
    index = np.take_along_axis(index, order, axis=-1)
    km = np.take_along_axis(km, order, axis=-1)
    if not np.array_equal(index[:, 0], centre[:, 0]):
        raise ValueError(f"more than {queried} areas share one centroid")

    allowed = np.ones((n_areas, size), dtype=bool)
    if queried > 1:
        gap = km[:, 1:] - km[:, :-1]
        tied = gap <= _TIE_RELATIVE * np.maximum(km[:, 1:], 1e-12)
        allowed[:, : queried - 1] = ~tied[:, :size]
    if control.max_radius_km is not None:
        allowed &= km[:, :size] <= control.max_radius_km * (1 + _TIE_RELATIVE)
    return Circles(members=index[:, :size], allowed=allowed, distance_km=km[:, :size])


@dataclass(frozen=True)
class Cylinders:
    """Every cylinder of one study period: its expected count and LLR constants.

    The LLR is rewritten as `T[c] - c*slope - offset`, with
    `T[c] = c log c + (C-c) log(C-c)` tabulated for every possible count, and
    "c > mu, c >= min_cases, circle allowed" folded into one integer `threshold`
    per cylinder, so that scoring a replication is a gather, a multiply-add and a
    comparison: no logarithms. The per-cylinder arrays are laid out (circle size,
    centre, height) so that each step of the null loop reads contiguous memory.
    """

    circles: Circles
    total: int
    expected: np.ndarray  # (S, K, W) mu = C_Z C_D / C, by centre, circle size - 1, height - 1
    table: np.ndarray  # (C + 1,)
    slope: np.ndarray  # (K, S, W) log mu - log(C - mu)
    offset: np.ndarray  # (K, S, W) C log(C - mu)
    threshold: np.ndarray  # (K, S, W) smallest count scored; C + 1 where never

    @classmethod
    def build(
        cls, circles: Circles, area_totals: np.ndarray, recent_totals: np.ndarray, min_cases: int
    ) -> Cylinders:
        total = int(area_totals.sum())
        circle_cases = np.cumsum(area_totals[circles.members], axis=1)  # C_Z per circle
        height_cases = np.cumsum(recent_totals)  # C_D per height
        expected = circle_cases[:, :, None] * height_cases[None, None, :] / total
        cases = np.arange(total + 1, dtype=np.float64)
        table = _xlogx(cases) + _xlogx(total - cases)
        by_size = np.ascontiguousarray(expected.transpose(1, 0, 2))
        # Cylinders with mu = 0 or mu = C can never have c > mu; the clip only keeps
        # log() finite for them.
        log_mu = np.log(np.clip(by_size, 1e-300, None))
        log_rest = np.log(np.clip(total - by_size, 1e-300, None))
        threshold = np.maximum(np.floor(by_size) + 1, min_cases)
        threshold[~circles.allowed.T] = total + 1
        return cls(
            circles=circles,
            total=total,
            expected=expected,
            table=table,
            slope=log_mu - log_rest,
            offset=total * log_rest,
            threshold=threshold.astype(np.int32),
        )

    def grid(self, recent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every cylinder's count and LLR (0 where not scored), (S, K, W), from (S, W)."""
        by_height = np.cumsum(recent, axis=-1)
        counts = np.cumsum(by_height[self.circles.members, :], axis=1)
        by_size = counts.transpose(1, 0, 2)
        llr = self.table[by_size] - by_size * self.slope - self.offset
        llr[by_size < self.threshold] = 0.0
        return counts, llr.transpose(1, 0, 2)

    def max_llr(self, recent: np.ndarray) -> np.ndarray:
        """The largest LLR of each of a batch of (B, S, W) count tables.

        Circles grow one neighbour at a time into preallocated (B, S, W) buffers that
        stay in cache, instead of building a (B, S, K, W) array in memory (2x faster).
        """
        by_height = np.cumsum(recent, axis=-1, dtype=np.int32)
        running = np.zeros_like(by_height)
        joining = np.empty_like(by_height)
        value = np.empty(by_height.shape)
        product = np.empty(by_height.shape)
        below = np.empty(by_height.shape, dtype=bool)
        best = np.zeros(len(recent))
        for k in range(self.circles.members.shape[1]):
            np.take(by_height, self.circles.members[:, k], axis=1, out=joining)
            running += joining
            np.take(self.table, running, out=value)
            np.multiply(running, self.slope[k], out=product)
            value -= product
            value -= self.offset[k]
            np.less(running, self.threshold[k], out=below)
            np.putmask(value, below, 0.0)
            np.maximum(best, value.reshape(len(recent), -1).max(axis=1), out=best)
        return best


@dataclass(frozen=True)
class FoundCluster:
    """A cluster of one scan, in indices (space_time_scan turns it into a Cluster)."""

    members: np.ndarray  # area indices, the centre first
    weeks: int  # height: the last `weeks` weeks of the study period
    observed: int
    expected: float
    llr: float
    pvalue: float


@dataclass(frozen=True)
class WeekScan:
    """One prospective scan: the clusters reported and the null maxima behind their p."""

    clusters: list[FoundCluster]
    null_max: np.ndarray  # (R,) the maximum LLR of each replication
    area_totals: np.ndarray  # (S,) C_z over the study period
    week_totals: np.ndarray  # (L,) C_d over the study period


def scan_week(
    study: np.ndarray, circles: Circles, control: ScanControl, rng: np.random.Generator
) -> WeekScan:
    """Scan one study period, (S, L) non-negative integer counts ending at the monitored week."""
    area_totals = study.sum(axis=1)
    week_totals = study.sum(axis=0)
    if area_totals.sum() == 0:
        return WeekScan([], np.zeros(control.replications), area_totals, week_totals)
    weeks = min(control.max_weeks, study.shape[1])
    # Most recent week first: height j+1 is then a cumulative sum up to column j.
    recent = study[:, ::-1][:, :weeks]
    cylinders = Cylinders.build(circles, area_totals, week_totals[::-1][:weeks], control.min_cases)
    counts, llr = cylinders.grid(recent)
    null_max = _null_maxima(cylinders, area_totals, week_totals[::-1][:weeks], control, rng)
    clusters = _non_overlapping(cylinders, counts, llr, null_max, control)
    return WeekScan(clusters, null_max, area_totals, week_totals)


def _xlogx(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)


def _null_maxima(
    cylinders: Cylinders,
    area_totals: np.ndarray,
    recent_totals: np.ndarray,
    control: ScanControl,
    rng: np.random.Generator,
) -> np.ndarray:
    """The maximum LLR over all cylinders in each of R permuted data sets.

    Permuting the cases' week labels is the same as dealing the cases' area labels,
    shuffled, to the weeks: the first C_t go to the monitored week, the next C_{t-1}
    to the week before, and so on. Cases dealt to older weeks fall outside every
    cylinder, so they are never counted.
    """
    n_areas, _, weeks = cylinders.expected.shape
    labels = np.repeat(np.arange(n_areas, dtype=np.int64), area_totals)
    week_of_case = np.repeat(np.arange(weeks, dtype=np.int64), recent_totals)
    dealt_cases = len(week_of_case)
    # The batch size depends only on the problem, never on the machine, so a seed
    # gives the same p-values everywhere.
    per_replication = max(n_areas * weeks, dealt_cases)
    batch = max(1, min(control.replications, _BATCH_ELEMENTS // per_replication))
    maxima = np.empty(control.replications)
    for first in range(0, control.replications, batch):
        n = min(batch, control.replications - first)
        # Only the cases dealt to the recent weeks are drawn: an ordered sample
        # without replacement is the head of a random permutation, and numpy draws
        # it without shuffling all C cases (20x faster for a national year of wards).
        dealt = np.stack(
            [rng.choice(len(labels), dealt_cases, replace=False) for _ in range(n)]
        ).reshape(n, dealt_cases)
        cell = (np.arange(n)[:, None] * n_areas + labels[dealt]) * weeks
        recent = np.bincount((cell + week_of_case).ravel(), minlength=n * n_areas * weeks)
        maxima[first : first + n] = cylinders.max_llr(recent.reshape(n, n_areas, weeks))
    return maxima


def _non_overlapping(
    cylinders: Cylinders,
    counts: np.ndarray,
    llr: np.ndarray,
    null_max: np.ndarray,
    control: ScanControl,
) -> list[FoundCluster]:
    """The primary cluster, then each next-best cluster sharing no area with those before.

    Every height of one circle covers the same areas, so only a circle's best height
    (the shortest among ties) can be reported; that cuts the candidates by W.
    """
    n_areas, size, _ = llr.shape
    best_height = llr.argmax(axis=2)
    best = np.take_along_axis(llr, best_height[:, :, None], axis=2)[:, :, 0]
    candidate = np.flatnonzero(best > 0)
    if candidate.size == 0:
        return []
    centre, extent = np.divmod(candidate, size)
    # Highest LLR first; among equal LLRs (a circle grown by areas with no cases at
    # all), the smaller circle, then the lower centre index, for a stable answer.
    order = np.lexsort((centre, extent, -best[centre, extent]))
    null_sorted = np.sort(null_max)
    replications = len(null_sorted)
    used = np.zeros(n_areas, dtype=bool)
    found: list[FoundCluster] = []
    for position in order:
        i, k = int(centre[position]), int(extent[position])
        members = cylinders.circles.members[i, : k + 1]
        if used[members].any():
            continue
        value = float(best[i, k])
        at_least = np.searchsorted(null_sorted, value - _LLR_RELATIVE * max(1.0, value))
        pvalue = (1 + replications - int(at_least)) / (replications + 1)
        # Candidates come in decreasing LLR, so p only grows from here on.
        if pvalue > control.report_pvalue:
            break
        if len(found) >= control.max_clusters and pvalue >= control.alpha:
            break
        j = int(best_height[i, k])
        observed, expected = int(counts[i, k, j]), float(cylinders.expected[i, k, j])
        found.append(
            FoundCluster(
                members=members.copy(),
                weeks=j + 1,
                observed=observed,
                expected=expected,
                # Reported from the direct formula (the tabulated form loses a few
                # digits to cancellation when C is large).
                llr=float(poisson_llr(np.array(observed), np.array(expected), cylinders.total)),
                pvalue=pvalue,
            )
        )
        used[members] = True
    return found


def space_time_scan(
    counts: WeeklyCounts,
    monitored: np.ndarray,
    centroids: Mapping[str, tuple[float, float]],
    control: ScanControl | None = None,
) -> Detection:
    """Run one prospective scan per monitored week over areas named by their codes.

    Each series is one area (its name is the area code in `centroids`); run the scan
    once per strand. Per (area, week): observed and expected (the permutation-null
    expectation C_z C_d / C), alarm 1 if the area lies in a cluster ending that week
    with p < alpha, and that cluster's LLR (score) and p-value. Missing counts (NaN)
    are treated as no incidents. Detection.clusters lists every reported cluster.
    """
    control = control or ScanControl()
    monitored = np.asarray(monitored, dtype=np.intp).reshape(-1)
    n_weeks = len(counts.weeks)
    if monitored.size and (monitored.min() < 0 or monitored.max() >= n_weeks):
        raise ValueError(f"monitored week indices must be in 0..{n_weeks - 1}")
    points = _area_points(counts.series, centroids, control)
    cases = _whole_counts(counts)
    circles = build_circles(points, control)

    shape = (len(counts.series), len(monitored))
    expected = np.zeros(shape)
    alarm = np.zeros(shape)
    score = np.full(shape, np.nan)
    pvalue = np.full(shape, np.nan)
    diagnostics = {
        name: np.full(shape, np.nan)
        for name in ("cluster_observed", "cluster_expected", "cluster_weeks", "recurrence_weeks")
    }
    clusters: list[Cluster] = []
    week_days = counts.weeks.astype("datetime64[D]")
    for column, t in enumerate(monitored):
        first = max(0, int(t) - control.study_weeks + 1)
        study = cases[:, first : int(t) + 1]
        # A stream per monitored week (seeded by its date): a week's p-values do not
        # depend on which other weeks were monitored in the same run.
        day = int(week_days[t].astype(np.int64))
        rng = np.random.default_rng([control.seed, day + 1_000_000])
        result = scan_week(study, circles, control, rng)
        total = result.area_totals.sum()
        if total > 0:
            expected[:, column] = result.area_totals * result.week_totals[-1] / total
        for found in result.clusters:
            clusters.append(
                Cluster(
                    areas=tuple(counts.series[m] for m in found.members),
                    start=week_days[int(t) - found.weeks + 1],
                    end=week_days[t],
                    observed=found.observed,
                    expected=found.expected,
                    llr=found.llr,
                    pvalue=found.pvalue,
                    recurrence_weeks=1.0 / found.pvalue,
                )
            )
            if found.pvalue < control.alpha:
                # Reported clusters share no area, so each area gets at most one.
                rows = found.members
                alarm[rows, column] = 1.0
                score[rows, column] = found.llr
                pvalue[rows, column] = found.pvalue
                diagnostics["cluster_observed"][rows, column] = found.observed
                diagnostics["cluster_expected"][rows, column] = found.expected
                diagnostics["cluster_weeks"][rows, column] = found.weeks
                diagnostics["recurrence_weeks"][rows, column] = 1.0 / found.pvalue

    return Detection(
        method=METHOD,
        series=counts.series,
        weeks=week_days[monitored],
        observed=counts.counts[:, monitored].astype(np.float64),
        expected=expected,
        upperbound=np.full(shape, np.nan),  # a scan has no per-area threshold
        alarm=alarm,
        score=score,
        pvalue=pvalue,
        diagnostics=diagnostics,
        settings={
            "method": METHOD,
            **asdict(control),
            "model": "space-time permutation scan (Kulldorff et al. 2005), prospective",
            "llr": "Poisson approximation, as SaTScan",
            "secondary_clusters": "no geographical overlap",
            "min_pvalue": 1.0 / (control.replications + 1),
            "areas": len(counts.series),
        },
        clusters=clusters,
    )


def permutation_expected(
    counts: WeeklyCounts, monitored: np.ndarray, study_weeks: int = ScanControl.study_weeks
) -> np.ndarray:
    """The scan's expected count C_z C_d / C for every (area, monitored week), without scanning.

    Identical to `space_time_scan(...).expected` for the same study window; a chart
    of one ward over two years needs only this, not 104 Monte Carlo scans.
    """
    monitored = np.asarray(monitored, dtype=np.intp).reshape(-1)
    cases = _whole_counts(counts).astype(np.float64)
    # Running sums over weeks give each window's area totals in one subtraction.
    running = np.concatenate([np.zeros((cases.shape[0], 1)), np.cumsum(cases, axis=1)], axis=1)
    first = np.maximum(0, monitored - study_weeks + 1)
    area_totals = running[:, monitored + 1] - running[:, first]  # (S, M)
    totals = area_totals.sum(axis=0)  # (M,)
    week_totals = cases[:, monitored].sum(axis=0)  # (M,)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected: np.ndarray = area_totals * np.where(totals > 0, week_totals / totals, 0.0)
    return expected


def _area_points(
    series: tuple[str, ...], centroids: Mapping[str, tuple[float, float]], control: ScanControl
) -> np.ndarray:
    """Each series' centroid, in series order; an error names series without one."""
    missing = [name for name in series if name not in centroids]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise ValueError(
            f"no centroid for series {shown}: series must be named by the area codes "
            "of the areas file"
        )
    points = np.array([centroids[name] for name in series], dtype=np.float64).reshape(-1, 2)
    bad = ~np.isfinite(points).all(axis=1)
    if control.distance == "great-circle":
        bad |= (np.abs(points[:, 0]) > 180) | (np.abs(points[:, 1]) > 90)
    if bad.any():
        name = series[int(np.flatnonzero(bad)[0])]
        raise ValueError(
            f"centroid of {name} is not a (longitude, latitude) point: {centroids[name]}"
        )
    return points


def _whole_counts(counts: WeeklyCounts) -> np.ndarray:
    """Counts as integers (the permutation deals whole incidents); NaN counts as none."""
    values: np.ndarray = np.nan_to_num(counts.counts, nan=0.0)
    bad = (values < 0) | (values != np.round(values)) | ~np.isfinite(values)
    if bad.any():
        s, t = (int(x) for x in np.argwhere(bad)[0])
        raise ValueError(
            f"series {counts.series[s]}, week {counts.weeks[t]}: count {counts.counts[s, t]} "
            "is not a whole number of incidents"
        )
    whole: np.ndarray = values.astype(np.int64)
    return whole
