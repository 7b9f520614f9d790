"""`cohesion demo load` adds two synthetic years of incidents, intelligence and assessments."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.release import Audience
from cohesion.incidents.models import ContactDetails, Incident, Referral
from cohesion.mediation.models import MediationCase
from cohesion.tensions import choices as tc
from cohesion.tensions.demo import AFFECTED, TRIGGER_WEEKS_AGO
from cohesion.tensions.models import IntelligenceItem, TensionAssessment

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("demo", "load", stdout=out)
    return out.getvalue()


def _current_wards() -> list[Area]:
    wards: list[Area] = []
    for council in Area.objects.filter(level=AreaLevel.LAD, code__in=[DERBY, SHEFFIELD]):
        wards += list(Area.objects.current_wards(council))
    return wards


def test_demo_load_tells_the_story_and_a_second_load_adds_nothing(geography):
    output = _load()
    assert "incidents" in output and "weekly assessments" in output
    counts = (
        Incident.objects.count(),
        IntelligenceItem.objects.count(),
        TensionAssessment.objects.count(),
        MediationCase.objects.count(),
    )
    _load()
    assert (
        Incident.objects.count(),
        IntelligenceItem.objects.count(),
        TensionAssessment.objects.count(),
        MediationCase.objects.count(),
    ) == counts

    today = timezone.localdate()
    # Realistic volumes: the order of 1,000 to 2,000 a year for the two cities together.
    incidents = Incident.objects.all()
    assert 2000 <= incidents.count() <= 4000
    assert incidents.filter(occurred_on__gt=today - dt.timedelta(days=365)).count() >= 1000
    assert incidents.filter(occurred_on__gt=today).count() == 0
    assert incidents.filter(council__code=DERBY).exists()
    assert incidents.filter(council__code=SHEFFIELD).exists()

    # Everything is synthetic and says so.
    assert not Incident.objects.filter(is_synthetic=False).exists()
    assert not Incident.objects.exclude(narrative__startswith="[Synthetic demo record]").exists()
    assert not IntelligenceItem.objects.filter(is_synthetic=False).exists()
    assert not TensionAssessment.objects.filter(is_synthetic=False).exists()
    assert not MediationCase.objects.filter(is_synthetic=False).exists()

    # Owners: the councils, and the police for some in Normanton and Arboretum only.
    owners = set(incidents.values_list("organisation__name", flat=True))
    assert owners == {"Derby City Council", "Sheffield City Council", "Derbyshire Constabulary"}
    police_wards = set(
        incidents.filter(organisation__name="Derbyshire Constabulary").values_list(
            "ward__name", flat=True
        )
    )
    assert police_wards == {"Normanton", "Arboretum"}

    # The spike: the three weeks after the trigger event against the same weeks a year before.
    trigger = IntelligenceItem.objects.filter(item_type=tc.ItemType.TRIGGER_NATIONAL).first()
    assert trigger is not None
    assert trigger.occurred_on == today - dt.timedelta(weeks=TRIGGER_WEEKS_AGO)
    spike_end = trigger.occurred_on + dt.timedelta(days=20)
    spike = incidents.in_period(trigger.occurred_on, spike_end).count()
    year_before = incidents.in_period(
        trigger.occurred_on - dt.timedelta(weeks=52), spike_end - dt.timedelta(weeks=52)
    ).count()
    assert spike >= 2 * year_before > 0
    # Summer is busier than winter (July against January, either year).
    months = Counter(incidents.values_list("occurred_on__month", flat=True))
    assert months[7] > months[1]

    # Strands: race most common, then the others; some incidents have more than one.
    strands = Counter(incidents.values_list("strands__code", flat=True))
    assert strands.most_common(1)[0][0] == "race"
    assert {"religion", "sexual_orientation", "disability", "transgender"} <= set(strands)
    multi = incidents.annotate(n=Count("strands")).filter(n__gt=1).count()
    assert multi > 50
    assert not incidents.annotate(n=Count("strands")).filter(n=0).exists()

    # Repeat victims are linked by key; some demographics are not known.
    repeats = (
        incidents.exclude(victim_key="")
        .values("victim_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert repeats.count() >= 20
    assert incidents.filter(victim_ethnicity="not_known").exists()
    assert incidents.exclude(victim_ethnicity="not_known").exists()

    # Verified by a second person; shared with approval by a different person than asked.
    verified = incidents.filter(counted_in_statistics=True)
    assert verified.count() > 100
    assert not verified.filter(
        Q(verified_by__isnull=True) | Q(verified_by=F("recorded_by"))
    ).exists()
    shared = incidents.filter(audience=Audience.PARTNERSHIP)
    assert shared.count() > 10
    assert not shared.filter(
        Q(released_by__isnull=True) | Q(released_by=F("release_requested_by"))
    ).exists()
    assert not shared.filter(consent_to_share=[]).exists()
    assert Referral.objects.count() > 100
    assert 50 < ContactDetails.objects.count() < incidents.count()
    # Contact details are on recent reports only (the schedule removes them after 12 months).
    assert not ContactDetails.objects.filter(
        incident__occurred_on__lt=today - dt.timedelta(days=365)
    ).exists()

    # Intelligence: rumours with verification statuses and counter-narratives; events.
    rumours = IntelligenceItem.objects.filter(item_type=tc.ItemType.RUMOUR)
    assert rumours.count() >= 10
    assert len(set(rumours.values_list("verification_status", flat=True))) >= 3
    assert rumours.filter(counter_narratives__isnull=False).exists()
    events = IntelligenceItem.objects.filter(item_type=tc.ItemType.PLANNED_EVENT)
    assert events.filter(expected_attendance__isnull=False, event_date__isnull=False).exists()
    assert events.filter(counter_event_expected=True).exists()

    # Assessments: every week for every ward, approved by a second person.
    wards = _current_wards()
    assessments = TensionAssessment.objects.all()
    assert assessments.count() >= len(wards) * 100
    assert not assessments.filter(
        Q(approved_by__isnull=True) | Q(approved_by=F("assessor"))
    ).exists()
    assert set(assessments.values_list("level", flat=True)) <= {0, 1, 2, 3, 4}
    low = assessments.filter(level__lte=1).count()
    assert low > assessments.count() * 0.7
    # The dashboard's current level: every ward has an approved assessment covering today.
    for ward in wards:
        current = assessments.filter(
            area=ward, period_start__lte=today, period_end__gte=today, approved_by__isnull=False
        )
        assert current.count() == 1, ward.name
    # Affected wards reach 3 or 4 in the weeks after the trigger; trends follow levels.
    after = assessments.filter(
        area__name__in=AFFECTED,
        period_end__gte=trigger.occurred_on,
        period_end__lt=trigger.occurred_on + dt.timedelta(days=14),
    )
    assert after.exists() and not after.filter(level__lt=3).exists()
    assert assessments.filter(actions__isnull=False).exists()
    for ward in wards[:5]:
        previous = None
        for level, trend in (
            assessments.filter(area=ward).order_by("period_end").values_list("level", "trend")
        ):
            if previous is not None:
                expected = (
                    "rising" if level > previous else "falling" if level < previous else "stable"
                )
                assert trend == expected
            previous = level

    # Mediation: cases with parties and sessions.
    cases = MediationCase.objects.annotate(
        p=Count("parties", distinct=True), s=Count("sessions", distinct=True)
    )
    assert cases.count() >= 2
    assert all(case.p >= 2 and case.s >= 1 for case in cases)
