"""Demo training register (synthetic): Derby and Sheffield departments with
front-line staff numbers, a course in each topic per council, sessions over the
past year, attendance by pseudonymous staff references, and coverage targets.

Every department and course name ends "(demo)"; staff references are made up
("DEMO-…") and no names are recorded. Dates are relative to the day loaded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.training import actions
from cohesion.training.models import Course, Department, Topic

# organisation, department, front-line staff
DEPARTMENTS: list[tuple[str, str, int]] = [
    ("Derby City Council", "Housing options (demo)", 40),
    ("Derby City Council", "Libraries (demo)", 35),
    ("Derby City Council", "School admissions (demo)", 12),
    ("Derby City Council", "Neighbourhood wardens (demo)", 24),
    ("Derbyshire Constabulary", "Neighbourhood policing, Derby (demo)", 60),
    ("Derby Homes", "Tenancy services (demo)", 30),
    ("Sheffield City Council", "Housing (demo)", 70),
    ("Sheffield City Council", "Libraries (demo)", 45),
    ("Sheffield City Council", "Schools admissions (demo)", 15),
    ("South Yorkshire Police", "Neighbourhood policing, Sheffield (demo)", 90),
]

COURSES: dict[str, tuple[str, str, str]] = {
    Topic.MIGRATION_TRENDS: (
        "Migration trends in our city (demo)",
        "Who has arrived recently, from where, and what it means for services.",
        "Half a day",
    ),
    Topic.COMMUNITY_COHESION: (
        "Community cohesion for front-line staff (demo)",
        "What cohesion means in day-to-day work, and spotting tension early.",
        "Half a day",
    ),
    Topic.PREVENT_AWARENESS: (
        "Prevent awareness (demo)",
        "Recognising and referring concerns about radicalisation.",
        "Two hours",
    ),
    Topic.HATE_INCIDENT_REPORTING: (
        "Reporting hate incidents (demo)",
        "Helping a person report a hate incident, and third-party reporting.",
        "Two hours",
    ),
    Topic.MEDIATION: (
        "Neighbour mediation basics (demo)",
        "Calming disputes and referring to community mediation.",
        "One day",
    ),
}

# council organisation: (council code, places)
COUNCILS = {
    "Derby City Council": (DERBY, ["Council House, Derby (demo)", "Riverside Library (demo)"]),
    "Sheffield City Council": (SHEFFIELD, ["Town Hall, Sheffield (demo)", "Moor Library (demo)"]),
}
# The share of a department's front-line staff who attend, by topic (synthetic).
UPTAKE: dict[str, float] = {
    Topic.PREVENT_AWARENESS: 0.75,
    Topic.HATE_INCIDENT_REPORTING: 0.55,
    Topic.COMMUNITY_COHESION: 0.45,
    Topic.MIGRATION_TRENDS: 0.3,
    Topic.MEDIATION: 0.15,
}


@demo_loader(order=70, name="Training register (synthetic)")
def load_training(context: DemoContext) -> list[str]:
    if Course.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    today = timezone.localdate()
    orgs = {o.name: o for o in Organisation.objects.filter(name__in={d[0] for d in DEPARTMENTS})}
    departments: list[Department] = []
    for org_name, name, staff in DEPARTMENTS:
        if org_name in orgs:
            departments.append(
                actions.save_department(
                    by=None,
                    organisation=orgs[org_name],
                    name=name,
                    front_line_staff=staff,
                    is_synthetic=True,
                )
            )
    councils = {
        a.code: a for a in Area.objects.filter(level=AreaLevel.LAD, code__in=[DERBY, SHEFFIELD])
    }
    sessions = attendances = 0
    for council_name, (code, places) in COUNCILS.items():
        council_org = orgs.get(council_name)
        council = councils.get(code)
        if council_org is None or council is None:
            continue
        local = [d for d in departments if council in _councils(d.organisation)]
        for topic, (title, description, duration) in COURSES.items():
            course = actions.save_course(
                by=None,
                organisation=council_org,
                title=title,
                topic=topic,
                description=description + " Synthetic demo course.",
                duration=duration,
                provider=f"{council_name} cohesion team (demo)",
                is_synthetic=True,
            )
            runs = [
                actions.save_session(
                    by=None,
                    course=course,
                    date=today - dt.timedelta(days=30 * month + rng.randint(0, 20)),
                    place=places[month % len(places)],
                    trainer="Demo trainer",
                    capacity=25,
                )
                for month in range(0, 12, 2)
            ]
            sessions += len(runs)
            for department in local:
                trained = round(
                    department.front_line_staff * UPTAKE[topic] * rng.uniform(0.7, 1.15)
                )
                trained = min(trained, department.front_line_staff)
                for n in range(trained):
                    actions.add_attendance(
                        by=None,
                        session=rng.choice(runs),
                        department=department,
                        staff_reference=f"DEMO-{department.pk:03d}-{n + 1:03d}",
                        audit=False,
                    )
                    attendances += 1
        actions.save_target(
            by=None,
            council=council,
            topic=Topic.PREVENT_AWARENESS,
            share=Decimal("0.8"),
            by_date=dt.date(today.year + (today.month > 3), 3, 31),
        )
        actions.save_target(
            by=None,
            council=council,
            topic=Topic.HATE_INCIDENT_REPORTING,
            share=Decimal("0.6"),
            by_date=dt.date(today.year + 1, 3, 31),
        )
    record(
        action=AuditAction.TRAINING_ATTENDANCE_IMPORTED,
        by=None,
        detail={"source": "demo loader", "added": attendances},
    )
    summary = f"{len(departments)} departments, {sessions} sessions, {attendances} attendances"
    return [summary + " (synthetic, pseudonymous staff references)"]


def _councils(organisation: Organisation) -> set[Area]:
    return set(organisation.areas.filter(level=AreaLevel.LAD))
