"""Demo directory: about 40 clearly synthetic services "(demo)" across Derby and Sheffield wards.

Built through the actions. A few carry a change waiting for review, and a few
were last checked 13 months ago so the "not checked" flag shows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.directory import actions
from cohesion.directory.models import Service, Taxonomy, TaxonomyTerm

TAXONOMY_NAME = "Cohesion community directory categories"
TERMS: list[tuple[str, str, str]] = [
    ("advice", "Advice", "Help with benefits, housing, debt, immigration and rights."),
    ("esol", "English language (ESOL)", "English for speakers of other languages."),
    ("youth", "Youth", "Clubs, activities and support for young people."),
    ("faith", "Faith and interfaith", "Places of worship and interfaith dialogue."),
    ("women", "Women's groups", "Groups and support run by and for women."),
    (
        "hate-crime-reporting",
        "Hate crime reporting centre",
        "Places where hate incidents can be reported in confidence, with support.",
    ),
    ("mediation", "Mediation", "Help to settle disputes between neighbours or groups."),
    ("mental-health", "Mental health", "Wellbeing and mental health support."),
    ("sport-leisure", "Sport and leisure", "Sport, games and leisure activities."),
    ("older-people", "Older people", "Activities and support for older people."),
]

# (directory organisation, partner organisation that keeps it)
ORGANIZATIONS: list[tuple[str, str, str]] = [
    ("Derby Community Advice (demo)", "Derby City Council", DERBY),
    ("Derbyshire Constabulary Community Team (demo)", "Derbyshire Constabulary", DERBY),
    ("St James's Centre Groups (demo)", "St James's Centre", DERBY),
    ("City Mission Drop-in (demo)", "City Mission", DERBY),
    ("Sheffield Neighbourhood Services (demo)", "Sheffield City Council", SHEFFIELD),
    ("South Yorkshire Police Safer Neighbourhoods (demo)", "South Yorkshire Police", SHEFFIELD),
    ("Sheffield Together Community Network (demo)", "", SHEFFIELD),
]

# (name, categories, languages, description)
SERVICES: list[tuple[str, list[str], list[str], str]] = [
    (
        "Drop-in advice session",
        ["advice"],
        ["en", "ur", "pa"],
        "Free advice on benefits, housing and debt.",
    ),
    (
        "ESOL conversation club",
        ["esol"],
        ["en", "ar", "ku"],
        "Practise spoken English in a friendly group.",
    ),
    (
        "Youth club",
        ["youth", "sport-leisure"],
        ["en"],
        "Games, sport and trips for 11 to 18 year olds.",
    ),
    (
        "Interfaith dialogue evening",
        ["faith"],
        ["en"],
        "Monthly conversation between people of different faiths.",
    ),
    (
        "Women's coffee morning",
        ["women"],
        ["en", "ur", "so"],
        "A relaxed morning for women to meet and share.",
    ),
    (
        "Hate crime reporting centre",
        ["hate-crime-reporting"],
        ["en", "pl", "sk"],
        "Report a hate incident in confidence and get support.",
    ),
    (
        "Neighbour mediation",
        ["mediation"],
        ["en"],
        "Trained mediators help neighbours settle disputes.",
    ),
    (
        "Wellbeing walk and talk",
        ["mental-health", "sport-leisure"],
        ["en"],
        "A gentle walk with time to talk.",
    ),
    (
        "Seniors' lunch club",
        ["older-people"],
        ["en", "pa", "gu"],
        "A hot lunch and company for older people.",
    ),
    (
        "Immigration advice clinic",
        ["advice"],
        ["en", "ar", "fa", "ti"],
        "Help with immigration forms and rights.",
    ),
    (
        "Family ESOL",
        ["esol", "women"],
        ["en", "bn", "ur"],
        "English classes for parents, with a creche.",
    ),
    (
        "Football for all",
        ["sport-leisure", "youth"],
        ["en"],
        "Mixed football sessions open to everyone.",
    ),
    (
        "Young carers' group",
        ["youth", "mental-health"],
        ["en"],
        "Support and breaks for young carers.",
    ),
    (
        "Community safety surgery",
        ["hate-crime-reporting", "advice"],
        ["en", "ro"],
        "Meet the neighbourhood team about local concerns.",
    ),
    (
        "Faith leaders' forum",
        ["faith", "mediation"],
        ["en"],
        "Faith leaders working together on local issues.",
    ),
    (
        "Dementia-friendly cafe",
        ["older-people", "mental-health"],
        ["en"],
        "A welcoming cafe for people living with dementia and carers.",
    ),
]

OPENING_TIMES = [
    [{"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "10:00", "closes_at": "13:00"}],
    [{"freq": "WEEKLY", "byday": "TU", "opens_at": "18:00", "closes_at": "20:00"}],
    [
        {"freq": "WEEKLY", "byday": "TH", "opens_at": "09:30", "closes_at": "12:00"},
        {"freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "12:00"},
    ],
    [
        {
            "freq": "",
            "byday": "",
            "opens_at": "",
            "closes_at": "",
            "description": "First Friday of the month, 2pm to 4pm.",
        }
    ],
]

STREETS = [
    "Community Centre, 1 High Street",
    "Library, 12 Park Road",
    "Church Hall, 5 Chapel Lane",
    "Youth Centre, 30 Green Lane",
]


def _wards(council_code: str) -> list[Area]:
    return list(
        Area.objects.filter(
            level=AreaLevel.WARD, council__code=council_code, point_lat__isnull=False
        )
        .defer("geometry")
        .order_by("name")
    )


@demo_loader(order=60, name="Community directory (synthetic)")
def load_directory(context: DemoContext) -> list[str]:
    if Service.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    rng = context.rng
    taxonomy = Taxonomy.objects.create(
        name=TAXONOMY_NAME,
        description="A small vocabulary for community cohesion services (Cohesion demo).",
        version="1",
    )
    terms = {
        code: TaxonomyTerm.objects.create(
            taxonomy=taxonomy,
            code=code,
            name=name,
            description=description,
            vocabulary=TAXONOMY_NAME,
            language="en",
        )
        for code, name, description in TERMS
    }
    wards = {DERBY: _wards(DERBY), SHEFFIELD: _wards(SHEFFIELD)}
    if not wards[DERBY] and not wards[SHEFFIELD]:
        return ["no wards loaded: skipped"]
    organizations = []
    for name, keeper, council in ORGANIZATIONS:
        maintainer = Organisation.objects.filter(name=keeper).first() if keeper else None
        org = actions.create_organization(
            by=None,
            data={
                "name": name,
                "description": f"{name}: a synthetic organisation for the demonstration.",
                "maintainer": maintainer,
            },
            is_synthetic=True,
        )
        organizations.append((org, council))
    created: list[Service] = []
    for i in range(40):
        org, council = organizations[i % len(organizations)]
        if not wards[council]:
            continue
        ward = rng.choice(wards[council])
        title, categories, languages, description = SERVICES[i % len(SERVICES)]
        lat = float(ward.point_lat or 0) + rng.uniform(-0.001, 0.001)
        lon = float(ward.point_lon or 0) + rng.uniform(-0.001, 0.001)
        data = {
            "service": {
                "name": f"{title} in {ward.name} (demo)",
                "description": f"{description} Synthetic demo record.",
                "status": "active",
                "email": "directory-demo@example.org",
                "eligibility_description": "Open to everyone living or working in the area.",
                "fees_description": "Free.",
                "minimum_age": 11 if "youth" in categories else None,
                "maximum_age": 18 if "youth" in categories else None,
            },
            "categories": [terms[c].id for c in categories],
            "languages": languages,
            "schedules": OPENING_TIMES[i % len(OPENING_TIMES)],
            "phone": f"01632 960{i:03d}",
            "locations": [
                {
                    "name": f"{ward.name} {STREETS[i % len(STREETS)].split(',')[0]} (demo)",
                    "location_type": "physical",
                    "latitude": round(lat, 6),
                    "longitude": round(lon, 6),
                    "address_1": STREETS[i % len(STREETS)],
                    "city": "Derby" if council == DERBY else "Sheffield",
                    "postal_code": "DE1 1AA" if council == DERBY else "S1 1AA",
                    "accessibility": "Step-free entrance and accessible toilet."
                    if i % 3
                    else "Hearing loop available.",
                }
            ],
        }
        service, _ = actions.create_service(by=None, organization=org, data=data, is_synthetic=True)
        created.append(service)
    # Last checked 13 months ago: flagged on staff lists and the public page.
    stale = timezone.localdate() - dt.timedelta(days=395)
    stale_ids = [s.id for s in created[3::8]]
    Service.objects.filter(id__in=stale_ids).update(assured_date=stale)
    # Community groups' changes waiting for an officer.
    community_groups = {ORGANIZATIONS[i][0] for i in (2, 3, 6)}
    pending = [s for s in created if s.organization.name in community_groups][:4]
    for service in pending:
        payload = actions.service_payload(service)
        payload["service"]["description"] += " New: now also open on Friday afternoons."
        actions.submit_for_review(by=None, service=service, payload=payload)
    return [
        f"{len(created)} services, {len(organizations)} organisations, {len(terms)} categories",
        f"{len(stale_ids)} not checked for 13 months, {len(pending)} changes waiting for review",
    ]
