"""Store a public report exactly once, and keep bots from flooding the form.

The idempotency key's unique row is written first in the transaction, so a
second request with the same key waits on it (PostgreSQL) or fails at once
(IntegrityError), and then returns the record the first one made. Client
addresses are never stored: only a keyed hash, to count reports per address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents import choices as c
from cohesion.incidents.models import ContactDetails, Incident, PublicSubmission
from cohesion.incidents.public import routing
from cohesion.incidents.public.forms import (
    NOT_SURE,
    SHARE_NONE,
    YES,
    incident_type_terms,
    strand_terms,
)
from cohesion.lib.references import new_reference

CONSENT_RECORDED_BY = "reporter (web form)"


class RateLimited(Exception):
    """Too many reports from one address in the window; the answers are kept."""


class SubmissionRejected(Exception):
    """The answers cannot be stored (e.g. the area is no longer covered); says why."""


def client_hash(address: str) -> str:
    """A keyed hash of the client's address: countable, not reversible without the key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def is_rate_limited(hashed: str) -> bool:
    limit = settings.PUBLIC_REPORT_RATE_LIMIT
    if limit <= 0:
        return False
    since = timezone.now() - dt.timedelta(minutes=settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES)
    recent = PublicSubmission.objects.filter(client_hash=hashed, submitted_at__gte=since)
    return recent.count() >= limit


def existing_report(idempotency_key: uuid.UUID | str) -> Incident | None:
    """The incident an earlier request with this key created, if any.

    Two small queries on a hit rather than one join: every report pays for this
    look-up, and PostgreSQL plans the join across Incident's many columns
    afresh each time (about 1.5 ms), while a miss needs only the index probe.
    """
    found = (
        PublicSubmission.objects.filter(idempotency_key=idempotency_key)
        .values_list("incident_id", flat=True)
        .first()
    )
    if found is None:
        return None
    return Incident.objects.filter(pk=found).first()


def _areas(council_code: str, ward_code: str, lsoa_code: str) -> list[Area | None]:
    """The council and ward from the places the form offers; the LSOA (map points only)."""
    council: Area | None = None
    ward: Area | None = None
    for places in routing.offered_places():
        if places.council.code == council_code:
            council = places.council
            ward = next((w for w in places.wards if w.code == ward_code), None)
    lsoa = None
    if council is not None and lsoa_code:
        # A map point's LSOA must lie in the council the report goes to.
        lsoa = (
            Area.objects.filter(code=lsoa_code, level=AreaLevel.LSOA, council=council)
            .defer("geometry")
            .order_by("-generation")
            .first()
        )
    return [council, ward, lsoa]


def submit_public_report(
    answers: Mapping[str, Any],
    *,
    idempotency_key: uuid.UUID | str,
    client_address: str,
    language: str,
    via: str = "form",
) -> Incident:
    """Store the validated answers as a received incident for the council; once per key.

    Raises RateLimited when the address has reached the limit (a replay of an
    accepted key is never limited) and SubmissionRejected if the place is not covered.
    """
    return submit(
        answers,
        idempotency_key=idempotency_key,
        client_address=client_address,
        language=language,
        via=via,
    ).incident


@dataclass(frozen=True)
class Submitted:
    incident: Incident
    created: bool  # False when the key had already been used: a replay or a double submit


def submit(
    answers: Mapping[str, Any],
    *,
    idempotency_key: uuid.UUID | str,
    client_address: str,
    language: str,
    via: str = "form",
) -> Submitted:
    """`submit_public_report`, also saying whether this call created the record."""
    key = uuid.UUID(str(idempotency_key))
    earlier = existing_report(key)
    if earlier is not None:
        return Submitted(earlier, created=False)
    hashed = client_hash(client_address)
    if is_rate_limited(hashed):
        raise RateLimited

    codes = [str(answers.get(k) or "") for k in ("council_code", "ward_code", "lsoa_code")]
    council, ward, lsoa = _areas(*codes)
    organisation = routing.receiving_organisation(council) if council else None
    if council is None or organisation is None:
        raise SubmissionRejected("Reports for that area are not taken here.")
    precision = str(answers.get("location_precision") or "")
    if not precision:
        precision = c.Precision.WARD if ward else c.Precision.LOCAL_AUTHORITY
    exact = precision == c.Precision.EXACT
    strand_codes = {s for s in answers.get("strands") or [] if s != NOT_SURE}
    type_codes = set(answers.get("incident_types") or [])
    strands = [t.pk for t in strand_terms() if t.code in strand_codes]
    incident_types = [t.pk for t in incident_type_terms() if t.code in type_codes]
    role = str(answers["reporter_role"])
    wants_contact = answers.get("consent_to_contact") == YES and role != c.ReporterRole.ANONYMOUS
    share = [s for s in answers.get("consent_to_share") or [] if s != SHARE_NONE]
    now = timezone.now()

    try:
        with transaction.atomic():
            # First, so a concurrent duplicate waits here and then fails, doing no other work.
            submission = PublicSubmission.objects.create(
                idempotency_key=key, client_hash=hashed, submitted_at=now, language=language
            )
            incident = Incident.objects.create(
                reference=new_reference("HR"),
                organisation=organisation,
                status=c.Status.RECEIVED,
                reporting_channel=c.ReportingChannel.WEB_FORM,
                reporter_role=role,
                occurred_on=dt.date.fromisoformat(str(answers["occurred_on"])),
                reported_at=now,
                recorded_by=None,
                council=council,
                ward=ward,
                lsoa=lsoa,
                latitude=answers.get("latitude") if exact else None,
                longitude=answers.get("longitude") if exact else None,
                location_precision=precision,
                # Never finer than a ward in anything shown, whatever was stored.
                display_precision=c.Precision.WARD if ward else c.Precision.LOCAL_AUTHORITY,
                location_description=str(answers.get("place_description") or ""),
                narrative=str(answers["narrative"]),
                strand_basis=(
                    ""
                    if not strands
                    else c.StrandBasis.VICTIM_PERCEPTION
                    if role == c.ReporterRole.VICTIM
                    else c.StrandBasis.OTHER_PERSON_PERCEPTION
                ),
                victim_sex=answers.get("victim_sex") or c.Sex.NOT_KNOWN,
                victim_age_band=answers.get("victim_age_band") or c.AgeBand.NOT_KNOWN,
                victim_ethnicity=answers.get("victim_ethnicity") or c.Ethnicity.NOT_KNOWN,
                consent_to_contact=wants_contact,
                consent_to_share=share,
                consent_recorded_at=now,
                consent_recorded_by=CONSENT_RECORDED_BY,
            )
            # Straight inserts: `.set()` would first read what is there (nothing, yet).
            Incident.strands.through.objects.bulk_create(
                [Incident.strands.through(incident=incident, term_id=pk) for pk in strands]
            )
            Incident.incident_types.through.objects.bulk_create(
                [
                    Incident.incident_types.through(incident=incident, term_id=pk)
                    for pk in incident_types
                ]
            )
            if wants_contact:
                ContactDetails.objects.create(
                    incident=incident,
                    name=str(answers.get("contact_name") or ""),
                    phone=str(answers.get("contact_phone") or ""),
                    email=str(answers.get("contact_email") or ""),
                )
            submission.incident = incident
            submission.save(update_fields=["incident"])
            record(
                action=AuditAction.INCIDENT_REPORTED,
                by=None,
                username="public",
                target=incident,
                detail={"via": via, "language": language},
            )
    except IntegrityError:
        # The same key was stored meanwhile (a double click, a retry): return that record.
        earlier = existing_report(key)
        if earlier is None:
            if PublicSubmission.objects.filter(idempotency_key=key).exists():
                # Sent before, and since erased on request: do not store it again.
                raise SubmissionRejected("This report has already been sent.") from None
            raise
        return Submitted(earlier, created=False)
    return Submitted(incident, created=True)
