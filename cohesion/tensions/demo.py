"""Demo tension intelligence and weekly assessments: two synthetic years on real wards.

The story the data tells: quiet weeks (levels 0 to 1, a little higher in the inner-city
wards), a summer rise, and one national trigger event TRIGGER_WEEKS_AGO weeks ago
after which tension in six wards with large Muslim and South Asian communities
rises to 3 or 4 for three weeks and falls back. `cohesion.incidents.demo` puts the
matching spike in incidents. Everything is marked synthetic, and dates are relative
to the day the demo is loaded, so the dashboard always has current levels.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.bundled import DERBY, LOOKUPS, OPEN_DATA, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.release import Audience
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.lib.references import ALPHABET
from cohesion.tensions import choices as c
from cohesion.tensions.models import (
    AssessmentAction,
    CounterNarrative,
    IntelligenceItem,
    TensionAssessment,
)
from cohesion.vocabularies.models import Term, Vocabulary

WEEKS = 104
TRIGGER_WEEKS_AGO = 20
SPIKE_DAYS = 21
# Wards where the trigger event lands hardest (and most incidents follow it).
AFFECTED = {"Normanton", "Arboretum", "Abbey", "Burngreave", "Darnall", "City"}
# Inner-city wards with a slightly higher everyday level and incident rate.
CENTRAL = AFFECTED | {"Sinfin & Osmaston", "Nether Edge and Sharrow", "Firth Park"}
LABEL = "[Synthetic demo record]"


def today() -> dt.date:
    return timezone.localdate()


def trigger_date() -> dt.date:
    return today() - dt.timedelta(weeks=TRIGGER_WEEKS_AGO)


def start_date() -> dt.date:
    return today() - dt.timedelta(weeks=WEEKS)


def demo_reference(rng: random.Random, prefix: str, taken: set[str]) -> str:
    """Like `new_reference`, but from the seeded generator so demo loads repeat exactly."""
    while True:
        ref = "-".join(
            [prefix, *("".join(rng.choice(ALPHABET) for _ in range(4)) for _ in range(2))]
        )
        if ref not in taken:
            taken.add(ref)
            return ref


def wards() -> list[Area]:
    """The current wards of both demo councils, in a fixed order."""
    found: list[Area] = []
    for code in (DERBY, SHEFFIELD):
        council = Area.objects.get(level=AreaLevel.LAD, code=code)
        found += list(
            Area.objects.current_wards(council).select_related("council").order_by("code")
        )
    return found


def ward_populations() -> dict[str, int]:
    """Census 2021 usual residents per ward code, summed over best-fit LSOAs."""
    ward_of: dict[str, str] = {}
    with (LOOKUPS / "lsoa21_to_ward24_lad24.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            ward_of[row["lsoa21_code"]] = row["ward24_code"]
    totals: dict[str, int] = defaultdict(int)
    with (OPEN_DATA / "census2021" / "age_group_lsoa21.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            ward = ward_of.get(row["lsoa21_code"])
            if ward:
                totals[ward] += int(row["usual_residents"])
    return dict(totals)


def user(username: str) -> User:
    return User.objects.get(username=username)


def second_person(organisation: Organisation, first: User) -> User:
    """Someone in the same organisation who may approve; else the Derby manager.

    The demo accounts have one Sheffield officer, so Sheffield's sign-off falls
    back to the Derby community safety manager (still a second person).
    """
    from cohesion.accounts.permissions import Permission, has_permission

    for other in User.objects.filter(organisation=organisation, is_synthetic=True).exclude(
        pk=first.pk
    ):
        if has_permission(other, Permission.TENSION_APPROVE):
            return other
    return user("demo-manager")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _level(rng: random.Random, ward: Area, week_end: dt.date, previous: int) -> int:
    """This week's level: a quiet base, the summer, and the trigger event's wave."""
    base = 1 if ward.name in CENTRAL else 0
    if week_end.month in (6, 7, 8) and rng.random() < 0.35:
        base += 1
    since = (week_end - trigger_date()).days
    if 0 <= since < SPIKE_DAYS and ward.name in AFFECTED:
        return 4 if since < 14 else 3
    if SPIKE_DAYS <= since < SPIKE_DAYS + 28 and ward.name in AFFECTED:
        return max(2, previous - 1)
    if 0 <= since < 14:
        base += 1
    # Most weeks match the last; occasionally one step either way.
    if rng.random() < 0.75:
        return min(max(previous, base - 1), base + 1) if previous else base
    return max(0, min(base + rng.choice((-1, 0, 1)), 2))


def _trend(level: int, previous: int | None) -> str:
    if previous is None or level == previous:
        return c.Trend.STABLE
    return c.Trend.RISING if level > previous else c.Trend.FALLING


ITEM_TEXT: dict[str, list[tuple[str, str]]] = {
    c.ItemType.COMMUNITY_INTELLIGENCE: [
        (
            "Residents report groups gathering near the parade",
            "Shopkeepers say young men gather most evenings; some residents feel intimidated.",
        ),
        (
            "Faith leaders report worry after graffiti",
            "Leaders at two places of worship say families are anxious about walking to evening prayers.",
        ),
        (
            "Youth workers see rise in name-calling at the bus station",
            "Youth workers hear more slurs exchanged between groups of school pupils after school.",
        ),
        (
            "Tenants' association raises noise and parking tension",
            "Long-running disputes over parking near the community centre are flaring on Fridays.",
        ),
    ],
    c.ItemType.RUMOUR: [
        (
            "Rumour that the hotel will house asylum seekers",
            "Posts claim the hotel on the ring road has been taken over for asylum accommodation.",
        ),
        (
            "Rumour that a child was attacked near the mosque",
            "Messages shared in parents' groups say a child was attacked; no report has been found.",
        ),
        (
            "Rumour that the council is closing the community centre",
            "Leaflets claim the centre will close to fund housing for newcomers.",
        ),
        (
            "Rumour that a march is planned through the high street",
            "Social media posts claim a march will go through the high street on Saturday.",
        ),
    ],
    c.ItemType.PLANNED_EVENT: [
        (
            "Planned demonstration outside the town hall",
            "A campaign group has announced a demonstration; a counter-demonstration is being discussed.",
        ),
        (
            "Eid celebration in the park",
            "A community Eid event with stalls and music is planned in the park.",
        ),
        ("Pride picnic", "An afternoon picnic organised by a local LGBT+ group."),
        ("Vigil after the national incident", "An interfaith vigil is planned for the evening."),
    ],
    c.ItemType.ONLINE_CONTENT: [
        (
            "Hostile posts on a local community page",
            "A local community page is carrying hostile comments about a faith group.",
        ),
        (
            "Video misrepresenting a local event goes viral",
            "A short video edited to suggest disorder at a community event is being widely shared.",
        ),
    ],
}


def _item(
    rng: random.Random,
    taken: set[str],
    *,
    organisation: Organisation,
    council: Area,
    item_type: str,
    day: dt.date,
    title: str,
    summary: str,
    recorded_by: User,
) -> IntelligenceItem:
    grading: str = {
        c.ItemType.RUMOUR: c.Grading.POTENTIAL,
        c.ItemType.PLANNED_EVENT: c.Grading.POTENTIAL,
        c.ItemType.TRIGGER_NATIONAL: c.Grading.EVIDENCED,
    }.get(c.ItemType(item_type), rng.choice([c.Grading.EVIDENCED, c.Grading.EXPERIENCED]))
    return IntelligenceItem(
        reference=demo_reference(rng, "INT", taken),
        organisation=organisation,
        recorded_by=recorded_by,
        item_type=item_type,
        grading=grading,
        title=title,
        summary=f"{LABEL} {summary}",
        occurred_on=day,
        source_type=rng.choice(
            [
                c.SourceType.POLICE,
                c.SourceType.FAITH_LEADER,
                c.SourceType.VCS,
                c.SourceType.COUNCIL_OFFICER,
                c.SourceType.SOCIAL_MEDIA,
            ]
        ),
        source_reliability=rng.choice(list(c.SourceReliability.values)),
        information_credibility=rng.choice(list(c.InformationCredibility.values)),
        council=council,
        online=item_type == c.ItemType.ONLINE_CONTENT,
        platform="Facebook" if item_type == c.ItemType.ONLINE_CONTENT else "",
        is_synthetic=True,
    )


@demo_loader(order=30, name="Tension intelligence and weekly assessments (synthetic)")
def load_tensions(context: DemoContext) -> list[str]:
    if IntelligenceItem.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    taken = set(IntelligenceItem.objects.values_list("reference", flat=True))
    all_wards = wards()
    by_council: dict[str, list[Area]] = defaultdict(list)
    for ward in all_wards:
        by_council[ward.council.code].append(ward)  # type: ignore[union-attr]
    councils = {
        a.code: a for a in Area.objects.filter(level=AreaLevel.LAD, code__in=[DERBY, SHEFFIELD])
    }
    orgs = {
        DERBY: Organisation.objects.get(name="Derby City Council"),
        SHEFFIELD: Organisation.objects.get(name="Sheffield City Council"),
    }
    officers = {DERBY: user("demo-officer"), SHEFFIELD: user("demo-sheffield")}
    approvers = {code: second_person(orgs[code], officers[code]) for code in orgs}
    communities = list(
        Term.objects.of(Vocabulary.HATE_STRAND).filter(code__in=["race", "religion"])
    )

    # --- Intelligence items -----------------------------------------------------------
    items: list[IntelligenceItem] = []
    item_wards: list[tuple[int, list[Area]]] = []  # index into items, wards
    trigger = trigger_date()
    for code in (DERBY, SHEFFIELD):
        day = start_date()
        while day < today():
            day += dt.timedelta(days=rng.randint(4, 12))
            if day >= today():
                break
            item_type = rng.choices(list(ITEM_TEXT), weights=[5, 3, 2, 2], k=1)[0]
            title, summary = rng.choice(ITEM_TEXT[item_type])
            item = _item(
                rng,
                taken,
                organisation=orgs[code],
                council=councils[code],
                item_type=item_type,
                day=day,
                title=title,
                summary=summary,
                recorded_by=officers[code],
            )
            if item_type == c.ItemType.RUMOUR:
                item.verification_status = rng.choice(list(c.Verification.values))
                if item.verification_status != c.Verification.UNSTARTED:
                    item.verification_changed_by = approvers[code]
                    item.verification_changed_at = _at(day + dt.timedelta(days=2))
                    item.verification_note = f"{LABEL} Checked with the police and the venue."
            if item_type == c.ItemType.PLANNED_EVENT:
                item.event_date = day + dt.timedelta(days=rng.randint(5, 30))
                item.organiser_type = rng.choice(list(c.OrganiserType.values))
                item.expected_attendance = rng.choice([40, 80, 150, 300, 600])
                item.counter_event_expected = rng.random() < 0.3
                item.cia_required = item.counter_event_expected
            items.append(item)
            item_wards.append((len(items) - 1, rng.sample(by_council[code], k=rng.randint(1, 3))))
    # The national trigger event, recorded by both councils.
    trigger_items: list[IntelligenceItem] = []
    for code in (DERBY, SHEFFIELD):
        item = _item(
            rng,
            taken,
            organisation=orgs[code],
            council=councils[code],
            item_type=c.ItemType.TRIGGER_NATIONAL,
            day=trigger,
            title="National trigger event: attack widely reported, followed by misinformation",
            summary=(
                "A serious attack elsewhere in the country is widely reported; false claims "
                "about the attacker's faith spread online within hours."
            ),
            recorded_by=officers[code],
        )
        item.source_type = c.SourceType.MEDIA
        item.source_reliability = c.SourceReliability.RELIABLE
        item.information_credibility = c.InformationCredibility.KNOWN_DIRECTLY
        items.append(item)
        trigger_items.append(item)
        item_wards.append((len(items) - 1, [w for w in by_council[code] if w.name in AFFECTED]))
    IntelligenceItem.objects.bulk_create(items)
    # recorded_at is auto_now_add: set it to when each item came in.
    for item in items:
        item.recorded_at = _at(item.occurred_on, 11)
    IntelligenceItem.objects.bulk_update(items, ["recorded_at"], batch_size=500)
    IntelligenceItem.wards.through.objects.bulk_create(
        [
            IntelligenceItem.wards.through(intelligenceitem_id=items[i].pk, area_id=w.pk)
            for i, ward_list in item_wards
            for w in ward_list
        ]
    )
    IntelligenceItem.communities.through.objects.bulk_create(
        [
            IntelligenceItem.communities.through(intelligenceitem_id=item.pk, term_id=term.pk)
            for item in items
            for term in communities
            if item.item_type in (c.ItemType.RUMOUR, c.ItemType.TRIGGER_NATIONAL)
        ]
    )
    counters = [
        CounterNarrative(
            item=item,
            message=f"{LABEL} The claim is not true: the council and police have checked.",
            channel=rng.choice(["Council Facebook page", "Faith leaders' WhatsApp", "Local radio"]),
            where="Citywide",
            issued_on=item.occurred_on + dt.timedelta(days=rng.randint(1, 4)),
            issued_by=officers[DERBY]
            if item.organisation_id == orgs[DERBY].pk
            else officers[SHEFFIELD],
        )
        for item in items
        if item.item_type == c.ItemType.RUMOUR
        and item.verification_status in (c.Verification.FALSE, c.Verification.INCONCLUSIVE)
    ]
    CounterNarrative.objects.bulk_create(counters)

    # --- Weekly assessments -------------------------------------------------------------
    assessments: list[TensionAssessment] = []
    this_monday = today() - dt.timedelta(days=today().weekday())
    for ward in all_wards:
        code = ward.council.code  # type: ignore[union-attr]
        previous: int | None = None
        for week in range(WEEKS, -1, -1):
            start = this_monday - dt.timedelta(weeks=week)
            end = start + dt.timedelta(days=6)
            level = _level(rng, ward, end, previous or 0)
            shared = ward.name in ("Normanton", "Arboretum") and week % 4 == 0
            since = (end - trigger).days
            spike = 0 <= since < SPIKE_DAYS and ward.name in AFFECTED
            assessments.append(
                TensionAssessment(
                    reference=demo_reference(rng, "TA", taken),
                    organisation=orgs[code],
                    area=ward,
                    period_start=start,
                    period_end=end,
                    assessment_type=c.AssessmentType.POST_INCIDENT
                    if spike
                    else c.AssessmentType.ROUTINE_WEEKLY,
                    level=level,
                    trend=_trend(level, previous),
                    confidence=c.Confidence.HIGH
                    if spike
                    else rng.choice([c.Confidence.MEDIUM, c.Confidence.HIGH]),
                    evidenced_summary=(
                        f"{LABEL} Incidents reported after the national trigger event; graffiti and verbal abuse near places of worship."
                        if spike
                        else f"{LABEL} No significant incidents this week."
                    ),
                    experienced_summary=(
                        f"{LABEL} Families report fear of going out after dark." if spike else ""
                    ),
                    potential_triggers=(
                        f"{LABEL} Planned demonstration; online misinformation." if spike else ""
                    ),
                    next_review_on=end + dt.timedelta(days=7),
                    assessor=officers[code],
                    approved_by=approvers[code],
                    approved_at=_at(end, 16),
                    audience=Audience.PARTNERSHIP if shared else Audience.ORGANISATION,
                    requested_audience="",
                    release_requested_by=officers[code] if shared else None,
                    release_requested_at=_at(end, 16) if shared else None,
                    release_reason=f"{LABEL} For the joint tasking meeting." if shared else "",
                    released_by=approvers[code] if shared else None,
                    released_at=_at(end, 17) if shared else None,
                    is_synthetic=True,
                )
            )
            previous = level
    TensionAssessment.objects.bulk_create(assessments, batch_size=500)
    spike_assessments = [
        a
        for a in assessments
        if a.area.name in AFFECTED and 0 <= (a.period_end - trigger).days < SPIKE_DAYS
    ]
    trigger_of = {item.organisation_id: item for item in trigger_items}
    TensionAssessment.linked_items.through.objects.bulk_create(
        [
            TensionAssessment.linked_items.through(
                tensionassessment_id=a.pk, intelligenceitem_id=trigger_of[a.organisation_id].pk
            )
            for a in spike_assessments
        ]
    )
    police = {
        DERBY: Organisation.objects.get(name="Derbyshire Constabulary"),
        SHEFFIELD: Organisation.objects.get(name="South Yorkshire Police"),
    }
    actions: list[AssessmentAction] = []
    for a in spike_assessments:
        code = a.area.council.code  # type: ignore[union-attr]
        actions += [
            AssessmentAction(
                assessment=a,
                description="Extra neighbourhood patrols near places of worship",
                owner_organisation=police[code],
                owner_name="Neighbourhood inspector (demo)",
                due_on=a.period_end + dt.timedelta(days=3),
                completed_on=a.period_end + dt.timedelta(days=2)
                if a.period_end < today()
                else None,
            ),
            AssessmentAction(
                assessment=a,
                description="Meet faith leaders and share the counter-narrative",
                owner_organisation=orgs[code],
                owner_name="Cohesion officer (demo)",
                due_on=a.period_end + dt.timedelta(days=5),
            ),
        ]
    AssessmentAction.objects.bulk_create(actions)
    rumours = sum(i.item_type == c.ItemType.RUMOUR for i in items)
    return [
        f"{len(items)} intelligence items ({rumours} rumours), trigger event {trigger:%d %B %Y}",
        f"{len(counters)} counter-narratives",
        f"{len(assessments)} weekly assessments for {len(all_wards)} wards, {len(actions)} actions",
    ]
