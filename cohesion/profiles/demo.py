"""Demo data for area profiles: the real Derby and Sheffield statistics (nothing synthetic)."""

from __future__ import annotations

from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.profiles.bundled import BUNDLED_TABLES, load_bundled_statistics
from cohesion.profiles.models import Dataset


@demo_loader(order=1, name="Area statistics (real ONS and MHCLG open data)")
def load_area_statistics(context: DemoContext) -> list[str]:
    # Right after the geography: the importers check every code against loaded areas.
    if Dataset.objects.count() >= len(BUNDLED_TABLES):
        return ["already loaded"]
    return load_bundled_statistics(by=None)
