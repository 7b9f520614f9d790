"""Demo data for areas: the real geography (nothing synthetic)."""

from __future__ import annotations

from cohesion.areas.bundled import DERBY, SHEFFIELD, load_bundled_geography
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader


@demo_loader(order=0, name="Geography (real ONS open data)")
def load_geography(context: DemoContext) -> list[str]:
    bundled = Area.objects.filter(level=AreaLevel.WARD, council__code__in=[DERBY, SHEFFIELD])
    if bundled.count() >= 46:  # 18 Derby + 28 Sheffield wards
        return ["already loaded"]
    return load_bundled_geography(by=None)
