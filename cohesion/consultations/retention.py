"""Retention for consultations: contact details and the rate-limit log.

Contact details are kept only to tell a respondent what happened. They are
deleted `CONTACT_DETAILS_DAYS` after the later of the consultation's closing
date and its last publication of answers (so a consultation still being
analysed keeps them, and a second publication can still be sent), and never
while it is open. The responses and answers themselves are kept: they hold
no contact details. The rate-limit log (keyed hashes of addresses) goes after
`SUBMISSION_LOG_DAYS`.

`delete_contact_details(cutoff)` and `delete_submission_log(cutoff)` have the
shape of the privacy app's retention handlers (`cohesion.privacy.retention`),
so they can become rules there; until then `apply_consultation_retention`
runs them with the defaults and writes one `retention_deleted` audit row per
rule that deleted anything.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.consultations.models import ResponseContact, Status, SubmissionLog

CONTACT_DETAILS_DAYS = 180
SUBMISSION_LOG_DAYS = 30


def delete_contact_details(cutoff: dt.datetime) -> int:
    """Delete contact details whose consultation closed, and last answered, before `cutoff`."""
    day = timezone.localdate(cutoff)
    expired = ResponseContact.objects.filter(
        response__consultation__status__in=[Status.CLOSED, Status.ANSWERED],
        response__consultation__closes_on__lt=day,
    ).filter(
        Q(response__consultation__answers_published_at__isnull=True)
        | Q(response__consultation__answers_published_at__lt=cutoff)
    )
    _, per_model = ResponseContact.objects.filter(
        pk__in=list(expired.values_list("pk", flat=True))
    ).delete()
    return per_model.get(ResponseContact._meta.label, 0)


def delete_submission_log(cutoff: dt.datetime) -> int:
    _, per_model = SubmissionLog.objects.filter(submitted_at__lt=cutoff).delete()
    return per_model.get(SubmissionLog._meta.label, 0)


RULES = (
    ("consultation_contact_details", CONTACT_DETAILS_DAYS, delete_contact_details),
    ("consultation_submission_log", SUBMISSION_LOG_DAYS, delete_submission_log),
)


def apply_consultation_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Run both rules; returns {"<kind>_deleted": count}."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for kind, days, handler in RULES:
        cutoff = now - dt.timedelta(days=days)
        with transaction.atomic():
            count = handler(cutoff)
            if count:
                record(
                    action=AuditAction.RETENTION_DELETED,
                    by=None,
                    detail={
                        "record_kind": kind,
                        "action": "delete",
                        "after_days": days,
                        "count": count,
                        "cutoff": cutoff.isoformat(),
                    },
                )
        counts[f"{kind}_deleted"] = count
    return counts
