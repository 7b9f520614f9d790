"""Demo projects register (synthetic): 25 projects "(demo)" spread over the PVE
project-mapping categories in the proportions the East Midlands mapping reports
(seed 002: 10 debates and discussions, 2 non-accredited training, 1 accredited
training; 9 using web/electronic/printed material; 11 for Muslim communities and
8 not stating a beneficiary; 12 promoting shared values, 11 supporting civic and
theological leadership). Titles, budgets and dates are made up.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.projects import actions
from cohesion.projects.models import CategoryKind, Project, ProjectCategory

ACTIVITIES = (
    ["debates and discussions"] * 10
    + [
        "non-accredited training",
        "non-accredited training",
        "accredited training",
    ]
    + ["other"] * 12
)
DELIVERY = (
    ["web/electronic/printed material"] * 9
    + ["community-based"] * 6
    + ["outreach/peripatetic"] * 5
    + ["educational establishment"] * 5
)
BENEFICIARIES: list[str | None] = ["Muslim communities"] * 11 + [None] * 8 + ["other"] * 6
# Priorities per project: 12 shared values, 11 leadership, 6 resilience, 6 skills.
PRIORITIES = (
    [["promoting shared values", "supporting civic and theological leadership"]] * 6
    + [["promoting shared values"]] * 4
    + [["promoting shared values", "community resilience"]] * 2
    + [["supporting civic and theological leadership"]] * 3
    + [["supporting civic and theological leadership", "skills development"]] * 2
    + [["community resilience"]] * 4
    + [["skills development"]] * 4
)
SUBJECTS = [
    "Young people's debate series",
    "Faith leaders' forum",
    "Women's voices discussion group",
    "Mosque governance workshops",
    "Online counter-narratives",
    "Citizenship in schools",
    "Community radio phone-ins",
    "Imam training in English",
    "Youth leadership residential",
    "Parents' discussion circles",
    "Interfaith dialogue evenings",
    "Madrassah safeguarding",
    "Community newsletter",
    "Sports and mentoring",
    "Student union dialogue",
    "Local history and belonging",
    "Theatre in education",
    "Media literacy for young people",
    "Community resilience fund",
    "Volunteering passport",
    "Trusted adults network",
    "Neighbourhood listening events",
    "Website of local voices",
    "Accredited youth work course",
    "Leadership for mosque committees",
]
LEADS = [
    "Derby City Council",
    "Multi Faith Centre, University of Derby",
    "St James's Centre",
    "Jobs Education & Training",
    "Enthusiasm Trust",
    "Sheffield City Council",
]


@demo_loader(order=71, name="Projects register (synthetic)")
def load_projects(context: DemoContext) -> list[str]:
    if Project.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    today = timezone.localdate()
    if not ProjectCategory.objects.exists():
        # An emptied vocabulary (e.g. a flushed database): put the seed's defaults back.
        migration = importlib.import_module("cohesion.projects.migrations.0002_seed_categories")
        migration.seed(apps, None)
    categories = {(c.kind, c.name): c for c in ProjectCategory.objects.all()}
    leads = list(Organisation.objects.filter(name__in=LEADS))
    if not leads:
        return ["no organisations: load the accounts first"]
    wards = list(
        Area.objects.filter(
            level=AreaLevel.WARD, council__code__in=[DERBY, SHEFFIELD]
        ).select_related("council")
    )
    order = list(range(25))
    rng.shuffle(order)
    made = 0
    for i, subject in enumerate(SUBJECTS):
        j = order[i]
        lead = leads[i % len(leads)]
        lead_councils = set(lead.areas.values_list("code", flat=True))
        local = [w for w in wards if w.council and w.council.code in lead_councils] or wards
        starts = today - dt.timedelta(days=rng.randint(60, 700))

        def category(kind: CategoryKind, name: str | None) -> ProjectCategory | None:
            return None if name is None else categories.get((kind.value, name))

        actions.save_project(
            by=None,
            title=f"{subject} (demo)",
            description="A synthetic project for the demonstration. " + subject + ".",
            activity_type=category(CategoryKind.ACTIVITY_TYPE, ACTIVITIES[j]),
            delivery_method=category(CategoryKind.DELIVERY_METHOD, DELIVERY[(j * 7) % 25]),
            primary_beneficiaries=category(CategoryKind.BENEFICIARIES, BENEFICIARIES[(j * 3) % 25]),
            priorities=[
                c
                for name in PRIORITIES[(j * 11) % 25]
                if (c := categories.get((CategoryKind.PRIORITY.value, name)))
            ],
            area=rng.choice(local) if local else None,
            funder="Preventing Violent Extremism Pathfinder Fund (demo)",
            lead_organisation=lead,
            budget=Decimal(rng.randrange(2_000, 40_000, 500)),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=rng.choice([90, 180, 365])),
            outputs=f"{rng.randint(3, 20)} sessions; {rng.randint(20, 300)} participants (demo).",
            is_synthetic=True,
        )
        made += 1
    return [f"{made} projects (synthetic, '(demo)' in each title)"]
