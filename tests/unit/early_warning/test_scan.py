"""Space-time permutation scan: hand-computed cylinders, the exact null, planted clusters."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import cohesion
from cohesion.insight.early_warning.areas import read_area_centroids
from cohesion.insight.early_warning.scan import (
    Cylinders,
    ScanControl,
    build_circles,
    poisson_llr,
    scan_week,
    space_time_scan,
)
from cohesion.insight.early_warning.types import WeeklyCounts

WARDS = Path(cohesion.__file__).parent / "opendata" / "boundaries" / "wards_derby_sheffield.geojson"
MONDAY = np.datetime64("2025-01-06")


def weekly(series: list[str], counts: np.ndarray) -> WeeklyCounts:
    weeks = MONDAY + 7 * np.arange(counts.shape[1])
    return WeeklyCounts(tuple(series), weeks.astype("datetime64[D]"), counts.astype(np.float64))


# --- A line of four areas, small enough to check by hand ---------------------------------
#
# Points on a line, in metres: A 0, B 1000, C 2500, D 4500 (no two distances equal).
# With at most two areas per circle the circles are {A}, {A,B}, {B}, {B,A}, {C}, {C,B},
# {D}, {D,C}. Three weeks of counts, the last one monitored:
#
#        w1 w2 w3 | C_z
#     A   0  1  2 |  3
#     B   1  0  2 |  3
#     C   1  1  0 |  2
#     D   0  1  0 |  1
#   C_d   2  3  4 |  C = 9
LINE = ["A", "B", "C", "D"]
LINE_POINTS = {"A": (0.0, 0.0), "B": (1000.0, 0.0), "C": (2500.0, 0.0), "D": (4500.0, 0.0)}
LINE_COUNTS = np.array([[0, 1, 2], [1, 0, 2], [1, 1, 0], [0, 1, 0]])
LINE_CONTROL = ScanControl(
    distance="euclidean", max_areas=2, max_weeks=2, min_cases=2, replications=999, alpha=0.05
)


def line_cylinders() -> tuple[Cylinders, np.ndarray, np.ndarray]:
    points = np.array([LINE_POINTS[a] for a in LINE])
    circles = build_circles(points, LINE_CONTROL)
    recent = LINE_COUNTS[:, ::-1][:, :2]  # most recent week first
    cylinders = Cylinders.build(circles, LINE_COUNTS.sum(axis=1), np.array([4, 3]), 2)
    counts, llr = cylinders.grid(recent)
    return cylinders, counts, llr


def test_circles_grow_by_nearest_neighbour_centre_first():
    circles = build_circles(np.array([LINE_POINTS[a] for a in LINE]), LINE_CONTROL)
    # Nearest to A is B; to B, A (1000 m) before C (1500 m); to C, B (1500) before D (2000).
    assert circles.members.tolist() == [[0, 1], [1, 0], [2, 1], [3, 2]]
    assert circles.allowed.all()
    assert circles.distance_km.tolist() == [[0, 1.0], [0, 1.0], [0, 1.5], [0, 2.0]]


def test_expected_counts_are_area_total_times_week_total_over_grand_total():
    cylinders, counts, _ = line_cylinders()
    # mu = C_Z * C_D / C: {A} over w3: 3*4/9; {A,B} over w2-w3: 6*7/9; {D,C} over w3: 3*4/9.
    assert cylinders.expected[0, 0, 0] == pytest.approx(4 / 3)
    assert cylinders.expected[0, 1, 1] == pytest.approx(14 / 3)
    assert cylinders.expected[3, 1, 0] == pytest.approx(4 / 3)
    assert counts[:, :, 0].tolist() == [[2, 4], [2, 4], [0, 2], [0, 0]]
    assert counts[:, :, 1].tolist() == [[3, 5], [2, 5], [1, 3], [1, 2]]


def test_llr_by_hand_on_the_line():
    _, _, llr = line_cylinders()
    # {A,B} in w3: c = 4, mu = 8/3: 4 ln(4/(8/3)) + 5 ln(5/(9 - 8/3)) = 1.621860 - 1.181942.
    assert llr[0, 1, 0] == pytest.approx(0.43991654211150477, rel=1e-12)
    # {A} in w3: 2 ln(2/(4/3)) + 7 ln(7/(23/3)).
    assert llr[0, 0, 0] == pytest.approx(0.17412776877624148, rel=1e-12)
    # {A} in w2-w3: 3 ln(3/(7/3)) + 6 ln(6/(20/3)).
    assert llr[0, 0, 1] == pytest.approx(3 * math.log(9 / 7) + 6 * math.log(0.9), rel=1e-12)
    # {C,B} in w3: c = 2 < mu = 5*4/9, a low rate: not a candidate.
    assert llr[2, 1, 0] == 0
    # {C} and {D} in w2-w3 exceed mu with one case, below min_cases = 2.
    assert llr[2, 0, 1] == 0 and llr[3, 0, 1] == 0
    # Scored: {A}, {A,B} (centred on A) and {B,A} (on B) in both heights, {B} in w3
    # only ({B} over w2-w3 has c = 2 < mu = 7/3).
    assert np.count_nonzero(llr) == 7


def test_poisson_llr_matches_the_formula_and_is_zero_when_not_high():
    got = poisson_llr(np.array([4.0, 2.0, 9.0, 0.0]), np.array([8 / 3, 2.5, 4.0, 0.0]), 9)
    assert got[0] == pytest.approx(4 * math.log(1.5) + 5 * math.log(15 / 19), rel=1e-14)
    # c below mu, c equal to C (0 log 0 = 0), and an empty cylinder.
    assert got[1] == 0
    assert got[2] == pytest.approx(9 * math.log(9 / 4), rel=1e-14)
    assert got[3] == 0


def test_line_detection_reports_the_primary_cluster_and_per_area_values():
    detection = space_time_scan(weekly(LINE, LINE_COUNTS), np.array([2]), LINE_POINTS, LINE_CONTROL)
    assert detection.method == "space-time-scan"
    assert detection.observed[:, 0].tolist() == [2, 2, 0, 0]
    assert detection.expected[:, 0] == pytest.approx([12 / 9, 12 / 9, 8 / 9, 4 / 9])
    assert np.isnan(detection.upperbound).all()
    [cluster] = detection.clusters
    assert cluster.areas == ("A", "B")
    assert (cluster.start, cluster.end) == (detection.weeks[0], detection.weeks[0])
    assert cluster.observed == 4
    assert cluster.expected == pytest.approx(8 / 3)
    assert cluster.llr == pytest.approx(0.43991654211150477, rel=1e-12)
    assert cluster.recurrence_weeks == pytest.approx(1 / cluster.pvalue)
    # Nine cases prove nothing (the exact permutation p is 1/3, see below): no alarm,
    # so no score or p-value per area.
    assert cluster.pvalue == pytest.approx(1 / 3, abs=0.05)
    assert detection.alarm.tolist() == [[0], [0], [0], [0]]
    assert np.isnan(detection.score).all() and np.isnan(detection.pvalue).all()


def test_monte_carlo_p_matches_the_exact_permutation_p():
    # Nine cases have 9!/(2! 3! 4!) = 1260 equally likely arrangements of their week
    # labels: enumerate them all for the exact p, and compare the Monte Carlo p.
    points = np.array([LINE_POINTS[a] for a in LINE])
    circles = build_circles(points, LINE_CONTROL)
    area_of_case = np.repeat(np.arange(4), LINE_COUNTS.sum(axis=1))
    week_labels = np.repeat(np.arange(3), LINE_COUNTS.sum(axis=0))
    cylinders = Cylinders.build(circles, LINE_COUNTS.sum(axis=1), np.array([4, 3]), 2)
    tables = []
    for positions in set(itertools.permutations(week_labels.tolist())):
        table = np.zeros((4, 3), dtype=np.int64)
        np.add.at(table, (area_of_case, np.array(positions)), 1)
        tables.append(table[:, ::-1][:, :2])
    assert len(tables) == 1260
    maxima = cylinders.max_llr(np.stack(tables))
    observed = 0.43991654211150477
    exact = np.mean(maxima >= observed - 1e-12)

    control = ScanControl(
        distance="euclidean", max_areas=2, max_weeks=2, min_cases=2, replications=9999
    )
    result = scan_week(LINE_COUNTS, circles, control, np.random.default_rng(7))
    # p = (1 + #{null >= observed}) / (R + 1); its Monte Carlo error is about 0.005.
    assert result.clusters[0].pvalue == pytest.approx(exact, abs=0.02)
    assert exact == 420 / 1260  # the figure itself, for the record


def test_batched_null_maxima_equal_the_full_cylinder_grid():
    rng = np.random.default_rng(3)
    points = rng.uniform(0, 10_000, size=(30, 2))
    control = ScanControl(distance="euclidean", max_areas=6, max_weeks=3, min_cases=2)
    circles = build_circles(points, control)
    study = rng.poisson(0.4, size=(30, 12))
    recent = study[:, ::-1][:, :3]
    cylinders = Cylinders.build(circles, study.sum(axis=1), study.sum(axis=0)[::-1][:3], 2)
    tables = rng.poisson(0.4, size=(5, 30, 3))
    tables[0] = recent
    batched = cylinders.max_llr(tables)
    one_by_one = [cylinders.grid(table)[1].max() for table in tables]
    assert batched == pytest.approx(one_by_one, rel=1e-9)


def test_grid_matches_a_brute_force_loop_over_cylinders():
    rng = np.random.default_rng(11)
    points = rng.uniform(0, 10_000, size=(15, 2))
    control = ScanControl(distance="euclidean", max_areas=5, max_weeks=3, min_cases=2)
    study = rng.poisson(0.6, size=(15, 10))
    total = study.sum()
    circles = build_circles(points, control)
    cylinders = Cylinders.build(circles, study.sum(axis=1), study.sum(axis=0)[::-1][:3], 2)
    _, llr = cylinders.grid(study[:, ::-1][:, :3])
    for centre in range(15):
        order = np.argsort(np.hypot(*(points - points[centre]).T))
        for size in range(1, 6):
            areas = order[:size]
            for height in range(1, 4):
                c = study[areas, -height:].sum()
                mu = study[areas].sum() * study[:, -height:].sum() / total
                want = 0.0
                if c > mu and c >= 2:
                    want = c * math.log(c / mu) + (total - c) * math.log((total - c) / (total - mu))
                assert llr[centre, size - 1, height - 1] == pytest.approx(want, rel=1e-9, abs=1e-9)


# --- Planted and scattered incidents on a 10 x 10 grid of wards ---------------------------

GRID = [f"W{row}{col}" for row in range(10) for col in range(10)]
# About 1.4 km apart north-south and 1.3 km east-west, near Derby: no tied distances
# beyond the four nearest neighbours.
GRID_POINTS = {
    name: (-1.6 + 0.02 * (i % 10), 52.8 + 0.0125 * (i // 10)) for i, name in enumerate(GRID)
}
GRID_CONTROL = ScanControl(max_areas=8, max_weeks=4, replications=999)


def grid_background(seed: int, rate: float = 0.1, weeks: int = 52) -> np.ndarray:
    return np.random.default_rng(seed).poisson(rate, size=(len(GRID), weeks))


def test_a_planted_cluster_in_neighbouring_wards_is_found():
    counts = grid_background(1)
    counts[:, -2:] = 0
    # Seven incidents over two weeks in W44 and its neighbours W45 and W54.
    planted = {"W44": (2, 1), "W45": (1, 1), "W54": (1, 1)}
    for name, (before, last) in planted.items():
        counts[GRID.index(name), -2:] = (before, last)
    detection = space_time_scan(weekly(GRID, counts), np.array([51]), GRID_POINTS, GRID_CONTROL)

    primary = detection.clusters[0]
    assert set(primary.areas) >= set(planted)
    assert primary.observed >= 7
    assert primary.start == detection.weeks[0] - np.timedelta64(7, "D")
    assert primary.pvalue <= 0.002
    assert primary.recurrence_weeks >= 500
    flagged = {GRID[i] for i in np.flatnonzero(detection.alarm[:, 0])}
    assert flagged == set(primary.areas)
    assert detection.pvalue[GRID.index("W44"), 0] == primary.pvalue
    assert detection.score[GRID.index("W44"), 0] == pytest.approx(primary.llr)
    assert detection.diagnostics["cluster_observed"][GRID.index("W44"), 0] == primary.observed


def test_the_same_incidents_scattered_raise_no_alarm():
    counts = grid_background(1)
    counts[:, -2:] = 0
    # Seven incidents in the same two weeks, in wards at least two apart.
    for name, week in [("W00", -1), ("W09", -2), ("W90", -1), ("W99", -2), ("W44", -1),
                       ("W27", -2), ("W72", -1)]:  # fmt: skip
        counts[GRID.index(name), week] = 1
    detection = space_time_scan(weekly(GRID, counts), np.array([51]), GRID_POINTS, GRID_CONTROL)
    assert detection.alarm.sum() == 0
    assert min(c.pvalue for c in detection.clusters) > 0.2


def test_two_separate_clusters_are_both_reported_without_overlap():
    counts = grid_background(2)
    counts[:, -2:] = 0
    for name in ("W11", "W12", "W21", "W77", "W78", "W87"):
        counts[GRID.index(name), -2:] = (1, 2)
    detection = space_time_scan(weekly(GRID, counts), np.array([51]), GRID_POINTS, GRID_CONTROL)
    significant = [c for c in detection.clusters if c.pvalue < GRID_CONTROL.alpha]
    assert len(significant) == 2
    first, second = significant
    assert not set(first.areas) & set(second.areas)
    assert {"W11", "W12", "W21"} <= set(first.areas) | set(second.areas)
    assert {"W77", "W78", "W87"} <= set(first.areas) | set(second.areas)
    assert first.llr >= second.llr
    # Both against the same null maxima: the weaker one's p is no smaller.
    assert first.pvalue <= second.pvalue < 0.01
    assert detection.alarm.sum() == len(first.areas) + len(second.areas)
    # Every cluster after the primary shares no area with any before it.
    seen: set[str] = set()
    for cluster in detection.clusters:
        assert not seen & set(cluster.areas)
        seen |= set(cluster.areas)


def test_p_values_are_roughly_uniform_under_the_null():
    # 200 data sets with no cluster: the primary cluster's p should be uniform (a
    # little conservative, as counts are discrete). Small, so this stays fast.
    points = np.array([GRID_POINTS[GRID[(i // 4) * 10 + i % 4]] for i in range(16)])
    control = ScanControl(max_areas=4, max_weeks=2, replications=99)
    circles = build_circles(points, control)
    pvalues = []
    for seed in range(200):
        counts = np.random.default_rng(1000 + seed).poisson(0.5, size=(16, 20))
        result = scan_week(counts, circles, control, np.random.default_rng(seed))
        pvalues.append(result.clusters[0].pvalue if result.clusters else 1.0)
    shares = [np.mean(np.array(pvalues) <= level) for level in (0.05, 0.1, 0.25, 0.5, 0.75)]
    # Measured: 0.035, 0.1, 0.215, 0.455, 0.695; three binomial SDs either side, and a
    # further 0.1 below for the discreteness.
    for level, share in zip((0.05, 0.1, 0.25, 0.5, 0.75), shares, strict=True):
        spread = 3 * math.sqrt(level * (1 - level) / 200)
        assert level - 0.1 - spread <= share <= level + spread


def test_the_same_seed_gives_the_same_answer_and_another_seed_a_different_p():
    data = weekly(GRID, grid_background(5, rate=0.3))
    control = replace(GRID_CONTROL, replications=199)
    first = space_time_scan(data, np.array([50, 51]), GRID_POINTS, control)
    again = space_time_scan(data, np.array([50, 51]), GRID_POINTS, control)
    assert first.clusters == again.clusters
    np.testing.assert_array_equal(first.pvalue, again.pvalue)
    other = space_time_scan(data, np.array([50, 51]), GRID_POINTS, replace(control, seed=1))
    assert [c.areas for c in other.clusters] == [c.areas for c in first.clusters]
    assert [c.pvalue for c in other.clusters] != [c.pvalue for c in first.clusters]


def test_a_week_gets_the_same_p_whichever_other_weeks_are_monitored():
    data = weekly(GRID, grid_background(5, rate=0.3))
    together = space_time_scan(data, np.array([40, 51]), GRID_POINTS, GRID_CONTROL)
    alone = space_time_scan(data, np.array([51]), GRID_POINTS, GRID_CONTROL)
    assert [c for c in together.clusters if c.end == alone.weeks[0]] == alone.clusters
    assert together.weeks.tolist() == [data.weeks[40], data.weeks[51]]


def test_only_significant_clusters_with_max_clusters_zero():
    counts = grid_background(2)
    counts[:, -2:] = 0
    for name in ("W11", "W12", "W21", "W77", "W78", "W87"):
        counts[GRID.index(name), -2:] = (1, 2)
    data = weekly(GRID, counts)
    everything = space_time_scan(data, np.array([51]), GRID_POINTS, GRID_CONTROL)
    only = space_time_scan(data, np.array([51]), GRID_POINTS, replace(GRID_CONTROL, max_clusters=0))
    assert len(everything.clusters) == 9  # every candidate sharing no area
    assert only.clusters == everything.clusters[:2]
    up_to = space_time_scan(
        data, np.array([51]), GRID_POINTS, replace(GRID_CONTROL, report_pvalue=0.002)
    )
    assert up_to.clusters == everything.clusters[:1]


def test_one_area_or_none_never_alarms():
    one = space_time_scan(weekly(["A"], np.array([[0, 3, 9]])), np.array([2]), {"A": (-1.5, 52.9)})
    assert one.alarm.tolist() == [[0]] and one.clusters == []
    assert one.expected.tolist() == [[9]]
    none = space_time_scan(
        WeeklyCounts((), MONDAY + 7 * np.arange(3), np.zeros((0, 3))),
        np.array([2]),
        {},
    )
    assert none.alarm.shape == (0, 1) and none.clusters == []


def test_monitored_weeks_outside_the_data_are_refused():
    with pytest.raises(ValueError, match=r"monitored week indices must be in 0\.\.2"):
        space_time_scan(weekly(LINE, LINE_COUNTS), np.array([3]), LINE_POINTS, LINE_CONTROL)


def test_all_zero_counts_raise_no_alarm():
    data = weekly(GRID, np.zeros((100, 52)))
    detection = space_time_scan(data, np.arange(48, 52), GRID_POINTS, GRID_CONTROL)
    assert detection.alarm.shape == (100, 4)
    assert not detection.alarm.any()
    assert (detection.expected == 0).all() and (detection.observed == 0).all()
    assert np.isnan(detection.score).all() and np.isnan(detection.pvalue).all()
    assert detection.clusters == []


def test_short_history_uses_what_there_is():
    counts = grid_background(3, rate=0.5, weeks=3)
    detection = space_time_scan(weekly(GRID, counts), np.array([0, 2]), GRID_POINTS, GRID_CONTROL)
    # Week 0 is a study period of one week: every cylinder's expected equals its count.
    assert detection.expected[:, 0] == pytest.approx(counts[:, 0])
    assert not detection.alarm[:, 0].any()


def test_settings_are_recorded():
    detection = space_time_scan(weekly(LINE, LINE_COUNTS), np.array([2]), LINE_POINTS, LINE_CONTROL)
    settings = detection.settings
    assert settings["method"] == "space-time-scan"
    assert settings["replications"] == 999 and settings["max_weeks"] == 2
    assert settings["seed"] == LINE_CONTROL.seed
    assert settings["min_pvalue"] == 0.001
    frame = detection.to_frame(diagnostics=True)
    assert list(frame.columns[:8]) == [
        "series", "week", "observed", "expected", "upperbound", "alarm", "score", "pvalue",
    ]  # fmt: skip
    assert "recurrence_weeks" in frame.columns


# --- Circles: ties and the radius limit ---------------------------------------------------


def test_areas_at_the_same_distance_enter_a_circle_together():
    # A plus shape: the centre's four neighbours are all 1 km away.
    points = np.array([[0, 0], [1000, 0], [-1000, 0], [0, 1000], [0, -1000], [5000, 0]])
    circles = build_circles(points, ScanControl(distance="euclidean", max_areas=6, max_fraction=1))
    # Around the centre only sizes 1 and 5 (all four neighbours) are circles.
    assert circles.allowed[0].tolist() == [True, False, False, False, True, True]
    assert set(circles.members[0, 1:5].tolist()) == {1, 2, 3, 4}


def test_the_radius_limit_keeps_far_areas_out():
    points = np.array([[0, 0], [1000, 0], [5000, 0]])
    circles = build_circles(
        points, ScanControl(distance="euclidean", max_areas=3, max_fraction=1, max_radius_km=2)
    )
    assert circles.allowed[0].tolist() == [True, True, False]


def test_great_circle_neighbours_on_real_wards():
    centroids = read_area_centroids(WARDS)
    derby = sorted(code for code in centroids if code.startswith("E050155"))
    points = np.array([centroids[c] for c in derby])
    circles = build_circles(points, ScanControl(max_areas=4))
    normanton = derby.index("E05015521")
    nearest = [derby[i] for i in circles.members[normanton]]
    # Normanton's nearest ward centres: Sinfin & Osmaston, Blagreaves, then Arboretum.
    assert nearest == ["E05015521", "E05015523", "E05015512", "E05015511"]
    assert circles.distance_km[normanton].tolist() == pytest.approx(
        [0, 1.309, 1.628, 1.758], abs=0.001
    )


def test_real_derby_wards_find_a_cluster_across_normanton_and_arboretum():
    centroids = read_area_centroids(WARDS)
    derby = sorted(code for code in centroids if code.startswith("E050155"))
    counts = np.random.default_rng(9).poisson(0.2, size=(len(derby), 52))
    counts[:, -2:] = 0
    counts[derby.index("E05015521"), -2:] = (2, 2)  # Normanton
    counts[derby.index("E05015511"), -2:] = (1, 2)  # Arboretum
    detection = space_time_scan(
        weekly(derby, counts), np.array([51]), centroids, ScanControl(max_areas=4)
    )
    primary = detection.clusters[0]
    assert {"E05015521", "E05015511"} <= set(primary.areas)
    assert primary.pvalue < 0.01


# --- Bad input ----------------------------------------------------------------------------


def test_a_series_without_a_centroid_is_named():
    with pytest.raises(ValueError, match="no centroid for series E05099999"):
        space_time_scan(
            weekly(["A", "E05099999"], np.zeros((2, 3))), np.array([2]), {"A": (0.0, 52.0)}
        )


def test_a_fractional_count_is_refused():
    counts = np.zeros((4, 3))
    counts[1, 2] = 0.5
    with pytest.raises(ValueError, match=r"series B, week 2025-01-20: count 0\.5"):
        space_time_scan(weekly(LINE, counts), np.array([2]), LINE_POINTS, LINE_CONTROL)


def test_a_centroid_that_is_not_longitude_latitude_is_refused():
    with pytest.raises(ValueError, match="centroid of B is not a"):
        space_time_scan(weekly(LINE, LINE_COUNTS), np.array([2]), LINE_POINTS)


def test_missing_weeks_count_as_no_incidents():
    counts = LINE_COUNTS.astype(np.float64)
    counts[2, 0] = np.nan
    detection = space_time_scan(weekly(LINE, counts), np.array([0]), LINE_POINTS, LINE_CONTROL)
    assert np.isnan(detection.observed[2, 0])
    assert detection.expected[2, 0] == 0


def test_bad_controls_are_refused():
    with pytest.raises(ValueError, match="max_weeks must be at least 1; alpha must be in"):
        ScanControl(max_weeks=0, alpha=1.5)


def test_permutation_expected_equals_the_scans_expectation_without_scanning():
    from cohesion.insight.early_warning.scan import permutation_expected

    rng = np.random.default_rng(7)
    weeks = np.arange("2024-01-01", "2025-06-30", 7, dtype="datetime64[D]")
    names = tuple(f"A{i}" for i in range(6))
    grid = WeeklyCounts(names, weeks, rng.poisson(0.6, (6, len(weeks))).astype(float))
    centroids = {name: (-1.5 + 0.01 * i, 52.9) for i, name in enumerate(names)}
    monitored = np.array([10, 40, len(weeks) - 1])
    scanned = space_time_scan(grid, monitored, centroids, ScanControl(replications=9))
    np.testing.assert_allclose(permutation_expected(grid, monitored), scanned.expected)
