"""Demo organisations and one account per role.

The organisations are the real members of the Derby Cohesion & Integration
Leadership Group (Derby Cohesion & Integration Charter 2014) plus Sheffield's
lead partners, so the demo shows a realistic partnership. The *records* are
synthetic (marked so), and every demo person is fictional.
"""

from __future__ import annotations

from django.db.models import Q

from cohesion.accounts import actions
from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader

DEMO_PASSWORD = "cohesion-demo-2026"

ORGANISATIONS: list[tuple[str, OrganisationType, tuple[str, ...]]] = [
    ("Derby City Council", OrganisationType.COUNCIL, (DERBY,)),
    ("Derbyshire Constabulary", OrganisationType.POLICE, (DERBY,)),
    ("Derbyshire Probation Trust", OrganisationType.PROBATION, (DERBY,)),
    ("Derby Homes", OrganisationType.HOUSING, (DERBY,)),
    ("Multi Faith Centre, University of Derby", OrganisationType.COLLEGE_UNIVERSITY, (DERBY,)),
    ("Diocese of Derby", OrganisationType.FAITH, (DERBY,)),
    ("City Mission", OrganisationType.FAITH, (DERBY,)),
    ("St James's Centre", OrganisationType.VOLUNTARY_COMMUNITY, (DERBY,)),
    ("Enthusiasm Trust", OrganisationType.VOLUNTARY_COMMUNITY, (DERBY,)),
    ("Jobs Education & Training", OrganisationType.VOLUNTARY_COMMUNITY, (DERBY,)),
    ("East Midlands Councils Strategic Migration Partnership", OrganisationType.COUNCIL, (DERBY,)),
    ("Normanton Junior School (demo)", OrganisationType.SCHOOL, (DERBY,)),
    ("Derby and Derbyshire Integrated Care Board", OrganisationType.HEALTH, (DERBY,)),
    ("Derby Business Improvement District (demo)", OrganisationType.BUSINESS, (DERBY,)),
    ("Sheffield City Council", OrganisationType.COUNCIL, (SHEFFIELD,)),
    ("South Yorkshire Police", OrganisationType.POLICE, (SHEFFIELD,)),
]

# username, organisation, role, first name, last name, job title, ward names covered
ACCOUNTS: list[tuple[str, str, Role, str, str, str, tuple[str, ...]]] = [
    (
        "demo-admin",
        "Derby City Council",
        Role.ADMINISTRATOR,
        "Ada",
        "Admin (demo)",
        "Systems administrator",
        (),
    ),
    (
        "demo-officer",
        "Derby City Council",
        Role.COHESION_OFFICER,
        "Olu",
        "Officer (demo)",
        "Cohesion and integration officer",
        (),
    ),
    (
        "demo-analyst",
        "Derby City Council",
        Role.ANALYST,
        "Anika",
        "Analyst (demo)",
        "Community safety analyst",
        (),
    ),
    (
        "demo-partner",
        "Derbyshire Constabulary",
        Role.PARTNER_OFFICER,
        "Pat",
        "Partner (demo)",
        "Neighbourhood sergeant",
        ("Normanton", "Arboretum"),
    ),
    (
        "demo-viewer",
        "Derby City Council",
        Role.VIEWER,
        "Vic",
        "Viewer (demo)",
        "Scrutiny committee member",
        (),
    ),
    (
        # A second officer, so four-eyes sign-off can be tried in the demo.
        "demo-manager",
        "Derby City Council",
        Role.COHESION_OFFICER,
        "Bea",
        "Manager (demo)",
        "Community safety manager",
        (),
    ),
    (
        "demo-dpo",
        "Derby City Council",
        Role.DATA_PROTECTION_OFFICER,
        "Dana",
        "Protection (demo)",
        "Data protection officer",
        (),
    ),
    (
        "demo-sheffield",
        "Sheffield City Council",
        Role.COHESION_OFFICER,
        "Sam",
        "Sheffield (demo)",
        "Community cohesion lead",
        (),
    ),
    (
        # Sheffield's second pair of eyes for sign-off.
        "demo-sheffield-manager",
        "Sheffield City Council",
        Role.COHESION_OFFICER,
        "Shona",
        "Sheffield manager (demo)",
        "Community safety manager",
        (),
    ),
]


@demo_loader(order=10, name="Organisations and demo accounts")
def load_accounts(context: DemoContext) -> list[str]:
    councils = {
        a.code: a for a in Area.objects.filter(level=AreaLevel.LAD, code__in=[DERBY, SHEFFIELD])
    }
    made_orgs = 0
    for name, org_type, codes in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = actions.create_organisation(
                by=None,
                name=name,
                type=org_type,
                areas=[councils[c] for c in codes if c in councils],
                is_synthetic=True,
            )
            made_orgs += 1
        context.shared.setdefault("organisations", {})[name] = organisation  # type: ignore[index]
    made_users = 0
    for username, org_name, role, first, last, title, ward_names in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        organisation = Organisation.objects.get(name=org_name)
        wards = Area.objects.filter(
            Q(name__in=ward_names), level=AreaLevel.WARD, council__code=DERBY
        )
        actions.create_user(
            by=None,
            username=username,
            password=DEMO_PASSWORD,
            organisation=organisation,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            job_title=title,
            areas=list(wards),
            is_synthetic=True,
        )
        made_users += 1
    lines = [f"{made_orgs} organisations and {made_users} accounts created"]
    name_width = max(len(u) for u, *_ in ACCOUNTS)
    role_width = max(len(r.label) for _, _, r, *_ in ACCOUNTS)
    lines += [f"{u:{name_width}}  {r.label:{role_width}}  {o}" for u, o, r, *_ in ACCOUNTS]
    lines.append(f"password for every demo account: {DEMO_PASSWORD}")
    return lines
