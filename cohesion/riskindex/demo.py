"""Demo risk index: Derby's and Sheffield's default index, each computed once.

Runs after the incidents (order 40), tension assessments (30) and early warning
(45), so `incident_rate` and `tension_level` are computed from the synthetic
records, and after the area statistics, which the other indicators need. The
configurations are the product's own default (index-core's `default_config`),
computed by the system, as `cohesion index compute` would be.
"""

from __future__ import annotations

from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.riskindex.actions import compute, create_default_configuration
from cohesion.riskindex.models import IndexRun


@demo_loader(order=80, name="Cohesion risk index (default configuration, computed)")
def load_risk_index(context: DemoContext) -> list[str]:
    lines = []
    for code in (DERBY, SHEFFIELD):
        council = (
            Area.objects.filter(level=AreaLevel.LAD, code=code).order_by("-generation").first()
        )
        if council is None:
            continue
        configuration = create_default_configuration(council)
        if IndexRun.objects.filter(configuration=configuration).exists():
            lines.append(f"{council.name}: already computed")
            continue
        run = compute(by=None, configuration=configuration)
        higher = sum(1 for row in run.results if row.get("higher_risk"))
        lines.append(
            f"{council.name}: {len(run.results)} wards, "
            f"{len(configuration.config.get('indicators', []))} indicators, "
            f"{higher} called higher risk"
        )
    return lines
