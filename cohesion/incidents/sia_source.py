"""The database side of `cohesion sia`: the assessment's counts for a period."""

from __future__ import annotations

import datetime as dt

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents.models import Incident
from cohesion.incidents.sia_counts import incident_marginals
from cohesion.insight.marginals import Marginals


def all_marginals(start: dt.date, end: dt.date) -> Marginals:
    """Counts over every incident (an operator's command: no person's scope applies).

    Counted in SQL (`sia_counts`), so no victim key or demographic leaves the
    database row by row; still audited like an export, because the counts are
    exact figures about victims.
    """
    marginals = incident_marginals(Incident.objects.all(), start=start, end=end)
    record(
        action=AuditAction.INCIDENTS_EXPORTED,
        by=None,
        detail={
            "purpose": "strategic intelligence assessment",
            "from": start.isoformat(),
            "to": end.isoformat(),
            # Records counted in the two periods (one in both, possible only when the
            # period is longer than a year, counts twice).
            "rows": marginals.current.total + marginals.previous.total,
        },
    )
    return marginals
