"""The database side of `cohesion sia`: incidents for a period, for the analytics layer."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents.frames import incident_frame
from cohesion.incidents.models import Incident


def all_incidents(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every incident in the period (an operator's command: no person's scope applies).

    Audited like an export, because the frame holds victim keys and demographics
    even though the assessment built from it holds neither.
    """
    frame = incident_frame(Incident.objects.all(), start, end)
    record(
        action=AuditAction.INCIDENTS_EXPORTED,
        by=None,
        detail={
            "purpose": "strategic intelligence assessment",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "rows": len(frame),
        },
    )
    return frame
