"""Demo incidents: two synthetic years on real Derby and Sheffield wards.

Volumes are of the order a city pair records (about 1,500 a year together),
spread over wards by Census 2021 population with a little more in inner-city
wards, peaking in summer, and spiking for three weeks after the national trigger
event that `cohesion.tensions.demo` records. Every record is marked synthetic
and its narrative says so. Built with bulk inserts so the demo loads in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.db.models import F
from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.core.release import Audience
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.incidents import choices as c
from cohesion.incidents.models import ContactDetails, Incident, Referral, StatusChange
from cohesion.lib.crypto import victim_key
from cohesion.tensions.demo import (
    AFFECTED,
    CENTRAL,
    LABEL,
    SPIKE_DAYS,
    demo_reference,
    start_date,
    today,
    trigger_date,
    user,
    ward_populations,
    wards,
)
from cohesion.vocabularies.models import Term, Vocabulary

PER_YEAR = 1500
# Strand mix (as perceived), roughly the national pattern: race most common.
STRANDS = {
    "race": 0.55,
    "sexual_orientation": 0.17,
    "religion": 0.12,
    "disability": 0.09,
    "transgender": 0.07,
}
SUBCODES = {"religion": ["anti_muslim", "antisemitic", "anti_sikh"], "transgender": ["transphobic"]}
TYPES = {
    "verbal_abuse": 0.40,
    "harassment": 0.15,
    "threats_intimidation": 0.12,
    "physical_assault": 0.10,
    "online_abuse_malicious_comms": 0.08,
    "damage_desecration": 0.06,
    "graffiti": 0.05,
    "literature_leaflets_posters": 0.04,
}
NARRATIVES = {
    "race": "Shouted at with racist abuse while walking home.",
    "religion": "Told to 'go back' and abused because of their faith outside a shop.",
    "sexual_orientation": "Homophobic abuse from a group at the bus stop.",
    "disability": "Mocked and pushed on the bus because of their disability.",
    "transgender": "Followed and abused with transphobic slurs in the street.",
}
REPEAT_VICTIMS = 60
# Code lists, listed once: Django's enum `.values` is slow to call thousands of times.
CODES: dict[str, list[str]] = {
    "DescribedEthnicity": list(c.DescribedEthnicity.values),
    "KnownToVictim": list(c.KnownToVictim.values),
    "LocationType": list(c.LocationType.values),
    "ReferralOutcome": list(c.ReferralOutcome.values),
    "ReferralTarget": list(c.ReferralTarget.values),
    "ReportingChannel": list(c.ReportingChannel.values),
    "SuspectSex": list(c.SuspectSex.values),
    "Typology": list(c.Typology.values),
}


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here are well under 1."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _season(day: dt.date) -> float:
    """A summer peak (mid-July) about 60% above the winter trough."""
    return 1.0 + 0.25 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()), k=1)[0]


def _maybe(rng: random.Random, value: str, not_known: str = "not_known", known: float = 0.7) -> str:
    return value if rng.random() < known else not_known


def _victim(rng: random.Random, strand: str) -> dict[str, Any]:
    ethnicity = {
        "race": rng.choice(["asian", "black", "mixed", "other", "white"]),
        "religion": rng.choice(["asian", "white", "black"]),
    }.get(strand, rng.choice(["white", "white", "asian", "black", "mixed"]))
    religion = {"religion": rng.choice(["muslim", "muslim", "jewish", "sikh"])}.get(
        strand, rng.choice(["no_religion", "christian", "muslim", "not_known"])
    )
    return {
        "victim_sex": _maybe(rng, rng.choice(["female", "male"]), known=0.85),
        "victim_age_band": _maybe(
            rng, rng.choice(["16-24", "25-34", "35-44", "45-54", "55-64", "65+", "0-15"])
        ),
        "victim_ethnicity": _maybe(rng, ethnicity),
        "victim_religion": _maybe(rng, religion, known=0.5),
        "victim_sexual_orientation": (
            _maybe(rng, rng.choice(["gay_lesbian", "bisexual"]))
            if strand == "sexual_orientation"
            else "not_known"
        ),
        "victim_disability": (
            _maybe(rng, rng.choice(["limited_a_lot", "limited_a_little"]))
            if strand == "disability"
            else "not_known"
        ),
        "victim_gender_identity": (
            _maybe(rng, "different_from_registered") if strand == "transgender" else "not_known"
        ),
    }


@demo_loader(order=40, name="Hate incidents, two years (synthetic)")
def load_incidents(context: DemoContext) -> list[str]:
    if Incident.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    all_wards = wards()
    population = ward_populations()
    weight = {
        w.pk: population.get(w.code, 10_000) * (1.8 if w.name in CENTRAL else 1.0)
        for w in all_wards
    }
    total_weight = sum(weight.values())
    daily = PER_YEAR / 365.25
    orgs = {
        DERBY: Organisation.objects.get(name="Derby City Council"),
        SHEFFIELD: Organisation.objects.get(name="Sheffield City Council"),
    }
    police = Organisation.objects.get(name="Derbyshire Constabulary")
    recorders = {DERBY: user("demo-officer"), SHEFFIELD: user("demo-sheffield")}
    partner, manager = user("demo-partner"), user("demo-manager")
    terms = {
        vocab: {t.code: t for t in Term.objects.of(vocab)}
        for vocab in (Vocabulary.HATE_STRAND, Vocabulary.STRAND_SUBCODE, Vocabulary.INCIDENT_TYPE)
    }
    repeat_keys = [victim_key(f"Demo victim {n}", "demo") for n in range(REPEAT_VICTIMS)]
    taken = set(Incident.objects.values_list("reference", flat=True))
    trigger, now = trigger_date(), timezone.now()

    incidents: list[Incident] = []
    links: list[tuple[list[str], list[str], list[str]]] = []  # strands, subcodes, types
    day = start_date()
    while day <= today():
        since = (day - trigger).days
        for ward in all_wards:
            mean = daily * weight[ward.pk] / total_weight * _season(day)
            if 0 <= since < SPIKE_DAYS:
                mean *= 6.0 if ward.name in AFFECTED else 1.5
            for _ in range(_poisson(rng, mean)):
                code = ward.council.code  # type: ignore[union-attr]
                spike = 0 <= since < SPIKE_DAYS and ward.name in AFFECTED
                strand = "religion" if spike and rng.random() < 0.6 else _pick(rng, STRANDS)
                strands = [strand]
                if spike and strand == "religion":
                    strands.append("race")
                elif rng.random() < 0.1:
                    strands.append(rng.choice([s for s in STRANDS if s != strand]))
                subcodes = []
                if strand in SUBCODES:
                    subcodes = ["anti_muslim"] if spike else [rng.choice(SUBCODES[strand])]
                types = list({_pick(rng, TYPES) for _ in range(rng.choice([1, 1, 2]))})
                by_police = (
                    code == DERBY and ward.name in ("Normanton", "Arboretum") and rng.random() < 0.3
                )
                organisation = police if by_police else orgs[code]
                recorder = partner if by_police else recorders[code]
                age = (today() - day).days
                status = (
                    c.Status.CLOSED
                    if age > 120
                    else rng.choice(
                        [
                            c.Status.RECEIVED,
                            c.Status.TRIAGED,
                            c.Status.UNDER_REVIEW,
                            c.Status.VERIFIED,
                        ]
                    )
                )
                verified = (
                    organisation == orgs[DERBY]
                    and status in (c.Status.VERIFIED, c.Status.CLOSED)
                    and rng.random() < 0.8
                )
                consent = rng.random() < 0.55
                shares = verified and consent and rng.random() < 0.3
                key_draw = rng.random()
                key = (
                    rng.choice(repeat_keys)
                    if key_draw < 0.12
                    else victim_key(f"Demo one-off victim {len(incidents)}", "demo")
                    if key_draw < 0.6
                    else ""
                )
                reported = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(rng.randint(8, 21)))
                )
                incident = Incident(
                    reference=demo_reference(rng, "HR", taken),
                    organisation=organisation,
                    record_kind=rng.choice(
                        [
                            c.RecordKind.HATE_INCIDENT,
                            c.RecordKind.HATE_INCIDENT,
                            c.RecordKind.HATE_CRIME,
                        ]
                    ),
                    status=status,
                    reporting_channel=rng.choice(CODES["ReportingChannel"]),
                    reporter_role=rng.choice(
                        [
                            c.ReporterRole.VICTIM,
                            c.ReporterRole.VICTIM,
                            c.ReporterRole.WITNESS,
                            c.ReporterRole.THIRD_PARTY,
                            c.ReporterRole.ANONYMOUS,
                        ]
                    ),
                    occurred_on=day,
                    reported_at=min(reported + dt.timedelta(hours=rng.randint(0, 48)), now),
                    recorded_by=recorder,
                    council=ward.council,
                    ward=ward,
                    location_precision=c.Precision.WARD,
                    display_precision=c.Precision.WARD,
                    location_type=rng.choice(CODES["LocationType"]),
                    narrative=f"{LABEL} {NARRATIVES[strand]}",
                    strand_basis=c.StrandBasis.VICTIM_PERCEPTION,
                    typology=rng.choice(CODES["Typology"]),
                    online="online_abuse_malicious_comms" in types,
                    platform="Social media" if "online_abuse_malicious_comms" in types else "",
                    victim_key=key,
                    suspect_count=rng.choice([None, 1, 1, 2, 3]),
                    suspect_sex=rng.choice(CODES["SuspectSex"]),
                    suspect_age_band=rng.choice(["16-24", "25-34", "35-44", "not_known"]),
                    suspect_described_ethnicity=rng.choice(CODES["DescribedEthnicity"]),
                    suspect_known_to_victim=rng.choice(CODES["KnownToVictim"]),
                    consent_to_contact=consent,
                    consent_to_share=[c.ShareConsent.POLICE, c.ShareConsent.COUNCIL]
                    if consent
                    else [],
                    consent_recorded_at=reported if consent else None,
                    consent_recorded_by=recorder.username if consent else "",
                    counted_in_statistics=verified,
                    verified_by=manager if verified else None,
                    verified_at=min(reported + dt.timedelta(days=3), now) if verified else None,
                    audience=Audience.PARTNERSHIP if shares else Audience.ORGANISATION,
                    release_requested_by=recorder if shares else None,
                    release_requested_at=min(reported + dt.timedelta(days=4), now)
                    if shares
                    else None,
                    release_reason=f"{LABEL} For the partnership tasking meeting."
                    if shares
                    else "",
                    released_by=manager if shares else None,
                    released_at=min(reported + dt.timedelta(days=5), now) if shares else None,
                    is_synthetic=True,
                    **_victim(rng, strand),
                )
                incidents.append(incident)
                links.append((strands, subcodes, types))
        day += dt.timedelta(days=1)

    Incident.objects.bulk_create(incidents, batch_size=500)
    # recorded_at is auto_now_add; put it back to when each was reported, in one UPDATE.
    Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(recorded_at=F("reported_at"))

    through: dict[str, tuple[Any, Vocabulary]] = {
        "strands": (Incident.strands.through, Vocabulary.HATE_STRAND),
        "strand_subcodes": (Incident.strand_subcodes.through, Vocabulary.STRAND_SUBCODE),
        "incident_types": (Incident.incident_types.through, Vocabulary.INCIDENT_TYPE),
    }
    for position, name in enumerate(through):
        model, vocab = through[name]
        model.objects.bulk_create(
            [
                model(incident_id=incident.pk, term_id=terms[vocab][code].pk)
                for incident, codes in zip(incidents, links, strict=True)
                for code in codes[position]
                if code in terms[vocab]
            ],
            batch_size=1000,
        )

    changes: list[StatusChange] = []
    referrals: list[Referral] = []
    contacts: list[ContactDetails] = []
    for incident in incidents:
        if incident.status != c.Status.RECEIVED:
            changes.append(
                StatusChange(
                    incident=incident,
                    from_status=c.Status.RECEIVED,
                    to_status=incident.status,
                    changed_by=incident.recorded_by,
                    changed_at=min(incident.reported_at + dt.timedelta(days=2), now),
                    note=f"{LABEL} Triaged at the weekly meeting.",
                )
            )
        if rng.random() < 0.3:
            referrals.append(
                Referral(
                    incident=incident,
                    referred_to=rng.choice(CODES["ReferralTarget"]),
                    referred_on=min(incident.occurred_on + dt.timedelta(days=2), now.date()),
                    referred_by=incident.recorded_by,
                    outcome=rng.choice(CODES["ReferralOutcome"]),
                )
            )
        # Contact details are kept 12 months: only recent reports still have them.
        if (
            incident.consent_to_contact
            and (today() - incident.occurred_on).days < 300
            and rng.random() < 0.4
        ):
            n = len(contacts)
            contacts.append(
                ContactDetails(
                    incident=incident,
                    name=f"Demo Reporter {n}",
                    phone=f"07700 900{n % 1000:03d}",
                    email=f"demo.reporter{n}@example.org",
                    contact_notes="Text first (synthetic demo contact)",
                )
            )
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    Referral.objects.bulk_create(referrals, batch_size=1000)
    ContactDetails.objects.bulk_create(contacts, batch_size=500)
    counted = sum(i.counted_in_statistics for i in incidents)
    shared = sum(i.audience == Audience.PARTNERSHIP for i in incidents)
    period = f"{start_date():%d %B %Y} to {today():%d %B %Y}"
    return [
        f"{len(incidents)} incidents, {period} ({counted} verified, {shared} shared)",
        f"{len(referrals)} referrals, {len(contacts)} sets of contact details (encrypted)",
    ]
