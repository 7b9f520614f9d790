"""Demo mediation cases: three synthetic disputes between groups, with sessions."""

from __future__ import annotations

import datetime as dt

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.mediation.models import (
    CaseStatus,
    MediationCase,
    MediationParty,
    MediationSession,
    Outcome,
    PartyKind,
)
from cohesion.tensions.demo import LABEL, demo_reference, today, user

# title, ward, organisation, weeks ago opened, closed with outcome, parties
CASES: list[tuple[str, str, str, int, str, list[tuple[str, str]]]] = [
    (
        "Parking and noise around Friday prayers",
        "Normanton",
        "Derby City Council",
        40,
        Outcome.AGREEMENT,
        [
            ("org", "Derby Homes"),
            ("group", "Residents of the terraced streets near the mosque"),
            ("group", "The mosque's management committee"),
        ],
    ),
    (
        "Tension between young people at the park after the national incident",
        "Arboretum",
        "Derby City Council",
        16,
        "",
        [
            ("org", "Enthusiasm Trust"),
            ("group", "Young people who use the skate park"),
            ("group", "Parents from the nearby primary school"),
        ],
    ),
    (
        "Dispute over use of the community centre hall",
        "Burngreave",
        "Sheffield City Council",
        24,
        Outcome.PARTIAL_AGREEMENT,
        [
            ("group", "A Somali women's group using the hall"),
            ("group", "The centre's bowls club"),
        ],
    ),
]


@demo_loader(order=50, name="Mediation cases (synthetic)")
def load_mediation(context: DemoContext) -> list[str]:
    if MediationCase.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    taken = set(MediationCase.objects.values_list("reference", flat=True))
    sessions = 0
    for title, ward_name, org_name, weeks, outcome, parties in CASES:
        organisation = Organisation.objects.get(name=org_name)
        mediator = user("demo-manager" if org_name.startswith("Derby") else "demo-sheffield")
        ward = Area.objects.filter(level=AreaLevel.WARD, name=ward_name).latest("generation")
        opened = today() - dt.timedelta(weeks=weeks)
        closed = opened + dt.timedelta(weeks=10) if outcome else None
        case = MediationCase.objects.create(
            reference=demo_reference(rng, "MC", taken),
            organisation=organisation,
            area=ward,
            title=title,
            summary=f"{LABEL} {title}. Both sides agreed to meet with an independent mediator.",
            mediator=mediator,
            status=CaseStatus.CLOSED if outcome else CaseStatus.IN_MEDIATION,
            opened_on=opened,
            closed_on=closed,
            outcome=outcome,
            outcome_note=f"{LABEL} A written agreement was shared with both sides."
            if outcome
            else "",
            created_by=mediator,
            is_synthetic=True,
        )
        MediationParty.objects.bulk_create(
            [
                MediationParty(
                    case=case,
                    kind=PartyKind.ORGANISATION if kind == "org" else PartyKind.COMMUNITY_GROUP,
                    organisation=Organisation.objects.get(name=name) if kind == "org" else None,
                    description="" if kind == "org" else name,
                )
                for kind, name in parties
            ]
        )
        held = [opened + dt.timedelta(weeks=2 + 3 * n) for n in range(3)]
        MediationSession.objects.bulk_create(
            [
                MediationSession(
                    case=case,
                    held_on=day,
                    venue="Community centre meeting room",
                    attendees=rng.randint(4, 12),
                    notes=f"{LABEL} Each side described the problem; ground rules agreed.",
                    next_steps=f"{LABEL} Meet again in three weeks.",
                    recorded_by=mediator,
                )
                for day in held
                if day <= today()
            ]
        )
        sessions += sum(day <= today() for day in held)
    return [f"{len(CASES)} mediation cases with {sessions} sessions"]
