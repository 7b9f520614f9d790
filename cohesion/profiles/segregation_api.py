"""/api/v1/areas/{code}/segregation: a council's segregation measures as JSON.

Public, like the page and the geography: every figure comes from open census
tables. A ward or an unknown code is a 404. The numbers are the page's (the
same cached, seeded computation).

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import math
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cohesion.insight import segregation as seg
from cohesion.profiles.segregation import TopicSegregation, council_segregation_all
from cohesion.profiles.segregation_views import council_by_code

router = Router(tags=["areas"])


class EstimateOut(Schema):
    value: float | None
    expected: float | None = Field(..., description="Mean under random allocation")
    low: float | None = Field(..., description="5th percentile under random allocation")
    high: float | None = Field(..., description="95th percentile under random allocation")
    p_value: float | None = Field(..., description="One-sided Monte Carlo p-value")
    simulations: int
    units: int
    meaningful: bool = Field(..., description="False when fewer than 5 units were used")


class GroupOut(Schema):
    group: str
    label: str
    population: int
    share: float
    dissimilarity: EstimateOut
    isolation: EstimateOut
    exposure: EstimateOut
    correlation_ratio: EstimateOut


class LevelOut(Schema):
    level: str = Field(..., description="ward, lsoa or oa: the units compared")
    units: int
    population: int
    theil_h: EstimateOut
    simpson_diversity: float | None = Field(..., description="Context only, never risk")
    groups: list[GroupOut]


class DecompositionOut(Schema):
    units: str
    total: float | None
    between_wards: float | None
    within_wards: float | None


class WardOut(Schema):
    code: str
    name: str
    units: int
    population: int
    meaningful: bool
    theil_h: EstimateOut
    dissimilarity: EstimateOut | None = Field(
        None, description="For country of birth: people born outside the UK"
    )


class TopicOut(Schema):
    topic: str
    title: str
    source: str
    reference_date: str
    groups: list[str]
    levels: list[LevelOut]
    decomposition: DecompositionOut
    within_wards: list[WardOut]
    unassigned_units: int


class SegregationOut(Schema):
    council: str
    name: str
    ward_generation: int | None
    simulations: int
    seed: int
    topics: list[TopicOut]


def _float(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _estimate(estimate: seg.Estimate) -> dict[str, Any]:
    return estimate.as_dict()


def _ward_estimate(row: Any, name: str, units: int) -> dict[str, Any]:
    return {
        "value": _float(row[name]),
        "expected": _float(row[f"{name}_expected"]),
        "low": _float(row[f"{name}_low"]),
        "high": _float(row[f"{name}_high"]),
        "p_value": _float(row[f"{name}_p"]),
        "simulations": seg.DEFAULT_SIMULATIONS,
        "units": units,
        "meaningful": units >= seg.MIN_UNITS,
    }


def _topic(topic: TopicSegregation) -> dict[str, Any]:
    focus = topic.ward_dissimilarity_group
    wards = []
    for code, row in topic.within.iterrows():
        units = int(row["units"])
        wards.append(
            {
                "code": code,
                "name": row["name"],
                "units": units,
                "population": int(row["population"]),
                "meaningful": bool(row["meaningful"]),
                "theil_h": _ward_estimate(row, "theil_h", units),
                "dissimilarity": (
                    _ward_estimate(row, f"dissimilarity_{focus}", units) if focus else None
                ),
            }
        )
    return {
        "topic": topic.topic,
        "title": topic.title,
        "source": topic.source,
        "reference_date": topic.reference_date,
        "groups": list(topic.groups),
        "levels": [
            {
                "level": level.level,
                "units": level.summary.units,
                "population": level.summary.population,
                "theil_h": _estimate(level.summary.theil_h),
                "simpson_diversity": _float(level.summary.simpson),
                "groups": [
                    {
                        "group": group.group,
                        "label": topic.group_labels[group.group],
                        "population": group.population,
                        "share": group.share,
                        **{m: _estimate(group.estimate(m)) for m in seg.TWO_GROUP_MEASURES},
                    }
                    for group in level.summary.by_group
                ],
            }
            for level in topic.levels
        ],
        "decomposition": {
            "units": topic.within_unit,
            "total": _float(topic.decomposition.total),
            "between_wards": _float(topic.decomposition.between),
            "within_wards": _float(topic.decomposition.within_total),
        },
        "within_wards": wards,
        "unassigned_units": topic.unassigned_units,
    }


@router.get(
    "/{code}/segregation",
    response=SegregationOut,
    summary="A council's segregation measures, with values under random allocation",
)
def council_segregation_measures(request: HttpRequest, code: str) -> dict[str, Any]:
    council = council_by_code(code)
    result = council_segregation_all(council)
    return {
        "council": council.code,
        "name": council.name,
        "ward_generation": result.ward_generation,
        "simulations": result.simulations,
        "seed": result.seed,
        "topics": [_topic(topic) for topic in result.topics.values()],
    }
