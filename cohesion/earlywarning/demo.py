"""Demo early warning: alerts over the synthetic incidents, so the pages have something to show.

Running every setting over both demo years would add over a minute to the demo
load (the scan and the Farrington fits cost about half a second per council and
week), so the demo tests the weeks that tell its story: the three weeks after the
national trigger event (`cohesion.tensions.demo`), the week before them, and the
latest two complete weeks. `cohesion early-warning backtest` and the backtest
page cover the rest on demand. One of Derby's trigger-week alerts is acknowledged
by the demo officer, so both open and closed alerts appear. No emails are sent.
"""

from __future__ import annotations

import datetime as dt

from cohesion.areas.models import Area
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.earlywarning.actions import acknowledge
from cohesion.earlywarning.counts import last_complete_week, monday
from cohesion.earlywarning.models import Alert, AlertStatus
from cohesion.earlywarning.runner import run_period
from cohesion.earlywarning.tasks import councils_with_incidents
from cohesion.tensions.demo import SPIKE_DAYS, trigger_date, user


@demo_loader(order=45, name="Early-warning alerts (synthetic)")
def load_alerts(context: DemoContext) -> list[str]:
    if Alert.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    trigger = monday(trigger_date())
    spans = [
        (trigger, trigger + dt.timedelta(days=SPIKE_DAYS)),
        (last_complete_week(), last_complete_week()),
    ]
    lines = []
    for council in Area.objects.filter(pk__in=councils_with_incidents()).order_by("name"):
        weeks = 0
        for start, end in spans:
            weeks += len(run_period(council, start, end, notify=False))
        raised = Alert.objects.filter(council=council).count()
        lines.append(f"{council.name}: {weeks} weeks tested, {raised} alerts")
    first = (
        Alert.objects.filter(
            council__name="Derby",
            week__gte=trigger,
            area__name="Derby",
            strand__isnull=True,
            status=AlertStatus.OPEN,
        )
        .order_by("week", "pk")
        .first()
    )
    if first is not None:
        acknowledge(
            first,
            by=user("demo-officer"),
            reason=(
                "Known: the national trigger event this week. Tension monitoring meeting "
                "called; patrols and community reassurance in Normanton and Arboretum."
            ),
        )
        lines.append("1 alert acknowledged by the demo officer")
    return lines
