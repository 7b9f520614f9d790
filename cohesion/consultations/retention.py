"""Retention for consultations: respondents' contact details and the rate-limit log.

Contact details are kept only to tell a respondent what happened. They are
deleted a set number of days (180 by default) after the later of the
consultation's closing date and its last publication of answers, so a
consultation still being analysed keeps them and a second publication can still
be sent, and never while it is open. The responses and answers themselves are
kept: they hold no contact details. The rate-limit log (keyed hashes of
addresses) goes after 30 days by default.

Both are rules on the data protection officer's retention schedule
(`/data-protection/retention/`): `cohesion.privacy.retention` runs these
handlers each day with the rule's number of days, and audits what they deleted.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from cohesion.consultations.models import ResponseContact, Status, SubmissionLog


def expired_contact_details(cutoff: dt.datetime) -> QuerySet[ResponseContact]:
    """Contact details whose consultation closed, and last published answers, before `cutoff`."""
    day = timezone.localdate(cutoff)
    return ResponseContact.objects.filter(
        response__consultation__status__in=[Status.CLOSED, Status.ANSWERED],
        response__consultation__closes_on__lt=day,
    ).filter(
        Q(response__consultation__answers_published_at__isnull=True)
        | Q(response__consultation__answers_published_at__lt=cutoff)
    )


def delete_contact_details(cutoff: dt.datetime) -> int:
    expired = list(expired_contact_details(cutoff).values_list("pk", flat=True))
    _, per_model = ResponseContact.objects.filter(pk__in=expired).delete()
    return per_model.get(ResponseContact._meta.label, 0)


def expired_submission_log(cutoff: dt.datetime) -> QuerySet[SubmissionLog]:
    return SubmissionLog.objects.filter(submitted_at__lt=cutoff)


def delete_submission_log(cutoff: dt.datetime) -> int:
    _, per_model = expired_submission_log(cutoff).delete()
    return per_model.get(SubmissionLog._meta.label, 0)
