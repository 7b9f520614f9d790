"""What a council runs until an analyst changes it.

Two settings, following the reference's recommendations (§6):
- the improved Farrington method (Noufaily et al. 2013) on council-level
  series (all strands and each strand), where weekly counts are big enough for
  its "5 incidents in 4 weeks" rule; one-sided alpha = 0.01 rather than the
  package's 0.05, because a council has six series a week and 0.05 would
  raise a false alarm about every three weeks;
- the space-time permutation scan on ward series, where counts are mostly 0
  or 1: it looks for a few incidents close together in neighbouring wards and
  recent weeks, and its Monte Carlo p-value already allows for having looked
  at every ward (no further multiplicity control needed).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cohesion.areas.models import Area
from cohesion.earlywarning.models import DateAxis, DetectionSetting, SeriesLevel

FARRINGTON = "farrington-flexible"
SCAN = "space-time-scan"

METHOD_LABELS: dict[str, str] = {
    FARRINGTON: "Farrington method",
    "ears-c1": "EARS C1",
    "ears-c2": "EARS C2",
    "ears-c3": "EARS C3",
    "cusum": "Negative-binomial CUSUM",
    SCAN: "Space-time permutation scan",
}

# (level, method, options): options in `cohesion detect`'s snake_case names; only
# what differs from the method's own defaults (which are Noufaily 2013's for Farrington).
DEFAULTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (SeriesLevel.COUNCIL, FARRINGTON, {"alpha": 0.01}),
    (SeriesLevel.WARD, SCAN, {}),
)


def default_options(method: str, level: str | None = None) -> dict[str, Any]:
    """The options a new setting of `method` starts with."""
    for default_level, default_method, options in DEFAULTS:
        if default_method == method and (level is None or level == default_level):
            return dict(options)
    return {}


def default_level(method: str) -> str:
    """The level a method runs on by default: the scan needs wards, the rest councils."""
    return SeriesLevel.WARD if method == SCAN else SeriesLevel.COUNCIL


@transaction.atomic
def ensure_default_settings(council: Area) -> list[DetectionSetting]:
    """The council's settings, creating the defaults if it has none yet.

    A council that already has any setting keeps exactly what its analysts
    chose (a deleted or disabled default is not brought back).
    """
    existing = list(DetectionSetting.objects.filter(council=council))
    if existing:
        return existing
    created = []
    for level, method, options in DEFAULTS:
        setting, _ = DetectionSetting.objects.get_or_create(
            council=council,
            level=level,
            method=method,
            defaults={"options": dict(options), "axis": DateAxis.OCCURRED, "enabled": True},
        )
        created.append(setting)
    return created
