"""Three synthetic impact assessments in Derby, at different stages, made through the actions.

- Library opening hours and self-service: version 1 signed off and published
  months ago, and version 2 now being drafted (so the page shows the
  difference between versions).
- Parks events policy: complete, sent for sign-off, waiting for the second person.
- Housing allocations, local connection rule: an early draft whose due-regard
  checks fail, shared with the Communities and Cohesion team.

Every record is marked synthetic; the departments, people and findings are
invented, the wards and the question bank (the seed toolkit) are real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.impact import actions
from cohesion.impact import choices as c
from cohesion.impact.models import Department, ImpactAssessment, Principle

DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    # organisation, department, members
    (
        "Derby City Council",
        "Libraries and Community Hubs",
        ["demo-officer", "demo-manager"],
    ),
    ("Derby City Council", "Parks and Green Spaces", ["demo-officer", "demo-manager"]),
    (
        "Derby City Council",
        "Housing Options and Allocations",
        ["demo-analyst", "demo-manager"],
    ),
    ("Derby City Council", "Communities and Cohesion", ["demo-officer"]),
    (
        "Sheffield City Council",
        "Communities",
        ["demo-sheffield", "demo-sheffield-manager"],
    ),
]

NEUTRAL = "Usage data and the consultation showed no different effect for this group."


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _principles(a: ImpactAssessment) -> dict[int, Principle]:
    return {p.number: p for p in a.bank.principles.prefetch_related("questions")}


def _answer_all(by: User, a: ImpactAssessment, answers: dict[tuple[int, str], str]) -> None:
    for number, principle in _principles(a).items():
        given = {
            q.pk: answers[(number, q.code)]
            for q in principle.questions.all()
            if (number, q.code) in answers
        }
        if given:
            actions.record_principle_answers(
                by=by, assessment=a, principle=principle, answers=given
            )


def _matrix(
    by: User,
    a: ImpactAssessment,
    overrides: dict[tuple[str, str], tuple[str, str, str]],
    default: tuple[str, str, str] | None = ("neutral", NEUTRAL, ""),
) -> None:
    """Fill the matrix: `overrides` by (characteristic, aim), the rest with `default`.

    With no default, cells already there are kept (a row is saved whole).
    """
    existing = {
        (e.characteristic, e.aim): (e.impact, e.evidence, e.mitigation)
        for e in a.equality_impacts.all()
    }
    for ch in c.Characteristic:
        cells: dict[str, dict[str, str]] = {}
        for aim in c.aims_for(ch):
            value = overrides.get(
                (ch.value, aim.value), default or existing.get((ch.value, aim.value))
            )
            if value is None:
                continue
            impact, evidence, mitigation = value
            cells[aim.value] = {"impact": impact, "evidence": evidence, "mitigation": mitigation}
        if cells:
            actions.record_equality(by=by, assessment=a, characteristic=ch, cells=cells)


def _wards(*names: str) -> list[Area]:
    return list(
        Area.objects.filter(
            level=AreaLevel.WARD, council__code="E06000015", name__in=names
        ).order_by("-generation")
    )


# --- Library ---------------------------------------------------------------------------

LIBRARY_ANSWERS = {
    (1, "i"): (
        "Seven of the fifteen libraries would move to four staffed days and three "
        "self-service days. Branch visit counts, borrower postcodes and the 2021 Census show "
        "the heaviest users of Normanton, Pear Tree and Sinfin libraries are older residents, "
        "families with young children and people learning English. The buildings stay where "
        "they are; opening times would be posted in branch, online and in six languages."
    ),
    (1, "ii"): (
        "Friends of Libraries groups, the Disability Forum, two ESOL providers, the Older "
        "People's Network and library staff were involved from the first options paper."
    ),
    (2, "i"): (
        "We used branch visits and loans 2019 to 2025, borrower ages, Census 2021 main "
        "language and age by ward, and the Index of Multiple Deprivation 2019. Normanton and "
        "Arboretum have grown fastest since 2011, with many newer arrivals."
    ),
    (2, "ii"): (
        "Yes: the same Census and deprivation figures as the council plan and the Joint "
        "Strategic Needs Assessment, through the ward profiles in Cohesion."
    ),
    (3, "i"): (
        "We looked beyond protected characteristics at people without internet at home, "
        "job seekers using public computers, and carers who can only visit in the evening."
    ),
    (3, "ii"): (
        "Yes. People who use the library for printing benefit and visa forms are a hidden "
        "group: they rarely answer surveys, so staff were asked what they see."
    ),
    (3, "iii"): (
        "Yes, for people who cannot use self-service kiosks unaided. Assisted hours on "
        "self-service days and a phone booking line reduce this."
    ),
    (4, "i"): (
        "Digital exclusion, low income and limited English often come together in the "
        "inner-city wards; the change could stack these barriers."
    ),
    (4, "ii"): (
        "Yes: job clubs, ESOL conversation groups and Citizens Advice sessions meet in "
        "libraries. Each partner was asked which days they need staff."
    ),
    (5, "i"): (
        "A twelve-week survey (1,214 responses), six drop-in sessions in branches and two "
        "focus groups with ESOL learners and with disabled residents."
    ),
    (5, "ii"): (
        "The survey was available in Polish, Punjabi, Urdu, Slovak and easy read; focus "
        "groups had interpreters; drop-ins were held on weekday evenings and Saturdays."
    ),
    (5, "iii"): (
        "A 'you said, we did' leaflet went to every branch and to everyone who left contact "
        "details; staffed days were moved at Normanton as a result."
    ),
}


def _library(
    officer: User, manager: User, department: Department, today: dt.date
) -> ImpactAssessment:
    submitted = today - dt.timedelta(days=120)
    a = actions.create_assessment(
        by=officer,
        department=department,
        is_synthetic=True,
        data={
            "subject": "Library opening hours and self-service days",
            "kind": c.Kind.SERVICE,
            "proposal": (
                "To keep all fifteen libraries open within a smaller budget, seven branches "
                "would have three self-service days a week, with staff on the other four."
            ),
            "decision_maker": "Cabinet Member for Communities",
            "decision_maker_role": "Cabinet member decision",
            "decision_date": today - dt.timedelta(days=100),
            "review_date": today + dt.timedelta(days=20),
            "outcome": c.Outcome.ADJUST,
            "outcome_reason": (
                "Staffed days at Normanton moved to match ESOL classes; assisted hours added "
                "on self-service days."
            ),
        },
    )
    actions.record_screening(
        by=officer,
        assessment=a,
        full_assessment_needed=True,
        reason="A change to a universal service used by about 60,000 residents.",
    )
    _answer_all(officer, a, LIBRARY_ANSWERS)
    principles = _principles(a)
    for kind, title, days, summary, number in [
        (
            c.EvidenceKind.DATA,
            "Library visits and loans by branch, 2019 to 2025",
            150,
            "Visits fell 18% since 2019 but rose at Normanton and Pear Tree.",
            2,
        ),
        (
            c.EvidenceKind.DATA,
            "Census 2021: age and main language by ward",
            400,
            (
                "Higher shares of residents over 75 and of people who do not speak English "
                "well in Normanton and Arboretum."
            ),
            2,
        ),
        (
            c.EvidenceKind.CONSULTATION,
            "Library futures consultation: survey, drop-ins and focus groups",
            135,
            (
                "1,214 responses. 61% opposed fewer staffed hours; older and disabled "
                "respondents worried most about kiosks; ESOL learners asked for staff on class "
                "days."
            ),
            5,
        ),
    ]:
        actions.add_evidence(
            by=officer,
            assessment=a,
            data={
                "kind": kind,
                "title": title,
                "dated": today - dt.timedelta(days=days),
                "summary": summary,
                "principle": principles[number],
                "link": "",
            },
        )
    _matrix(
        officer,
        a,
        {
            ("age", "b"): (
                "negative",
                "Over-75s make up 31% of weekday visitors and are least confident with kiosks.",
                "Assisted hours on every self-service day; home library service offered.",
            ),
            ("disability", "b"): (
                "negative",
                "Disabled respondents said kiosks and unstaffed entry could exclude them.",
                (
                    "Accessible kiosks, a phone booking line and staffed days kept at step-free "
                    "branches."
                ),
            ),
            ("race", "b"): (
                "not_known",
                "",
                "Monitor use by main language for six months; review with ESOL providers.",
            ),
            ("race", "c"): (
                "positive",
                "ESOL conversation groups mix new and settled residents in libraries.",
                "",
            ),
        },
    )
    actions.record_cohesion(
        by=officer,
        assessment=a,
        answers={
            "relations": {
                "impact": "neutral",
                "effect": "Libraries stay open as shared spaces on every day they open now.",
                "evidence": "Visit data; consultation.",
                "mitigation": "",
            },
            "new_settled": {
                "impact": "negative",
                "effect": "Newer arrivals rely most on staff help with forms.",
                "evidence": "Staff survey and ESOL focus group.",
                "mitigation": "Staffed days matched to ESOL classes at Normanton.",
            },
            "areas_at_risk": {
                "impact": "not_known",
                "effect": "Rumours that branches will close could spread in Normanton.",
                "evidence": "",
                "mitigation": "Myth-busting leaflet and posts in community languages.",
            },
        },
        wards=_wards("Normanton", "Arboretum"),
    )
    for text, owner, days in [
        ("Publish opening times in six languages and easy read", "Library communications", -90),
        ("Train staff to run assisted hours on self-service days", "Library service manager", -60),
        (
            "Report six months of use by age and main language to the Libraries board",
            "Library service manager",
            30,
        ),
        ("Feed back to consultees: 'you said, we did'", "Consultation team", -80),
    ]:
        actions.add_action_item(
            by=officer,
            assessment=a,
            description=text,
            owner_name=owner,
            due_on=today + dt.timedelta(days=days),
        )
    actions.submit_assessment(by=officer, assessment=a, at=_at(submitted))
    actions.sign_off_assessment(
        by=manager,
        assessment=a,
        note="Read in full. Mitigations for older and disabled users are proportionate.",
        at=_at(submitted + dt.timedelta(days=2)),
    )
    actions.publish_assessment(
        by=manager,
        assessment=a,
        public_summary=(
            "Seven libraries will have three self-service days a week. We asked people what "
            "they thought: 1,214 replied. Older and disabled people worried about using the "
            "machines, so staff will be there to help for set hours on self-service days, and "
            "you can book help by phone. People learning English asked for staff on class "
            "days, so we changed the staffed days at Normanton. We will check in six months "
            "who is still using the libraries."
        ),
        at=_at(submitted + dt.timedelta(days=21)),
    )
    for item in a.action_items.filter(due_on__lt=today):
        actions.complete_action_item(by=officer, assessment=a, item=item, completed_on=item.due_on)
    # Version 2: the six-month review is being drafted now.
    v2 = actions.revise_assessment(by=officer, assessment=a)
    actions.update_details(
        by=officer,
        assessment=v2,
        data={
            "decision_date": today + dt.timedelta(days=45),
            "review_date": today + dt.timedelta(days=45 + 365),
            "proposal": v2.proposal
            + " Six months on: extend self-service days to two more branches.",
        },
    )
    actions.add_evidence(
        by=officer,
        assessment=v2,
        data={
            "kind": c.EvidenceKind.DATA,
            "title": "Six months of self-service days: use by age and language",
            "dated": today - dt.timedelta(days=10),
            "summary": "Over-75 visits down 9%; use by people learning English steady.",
            "principle": _principles(v2)[2],
            "link": "",
        },
    )
    _matrix(
        officer,
        v2,
        {
            ("race", "b"): (
                "neutral",
                "Six months of data: use by main language held steady.",
                "",
            ),
            ("age", "b"): (
                "negative",
                "Over-75 visits fell 9% on self-service days.",
                "Double assisted hours at the two new branches; promote the home library service.",
            ),
        },
        default=None,
    )
    return a


# --- Parks -----------------------------------------------------------------------------

PARKS_ANSWERS = {
    (1, "i"): (
        "About 140 community events a year use the city's parks, from Diwali and Mela "
        "celebrations in Markeaton Park to small fun days. Charges and a new safety plan "
        "would fall on organisers, many of them volunteer groups."
    ),
    (1, "ii"): (
        "Event organisers, the Safety Advisory Group, police licensing, ward councillors "
        "and faith and community forums."
    ),
    (2, "i"): (
        "Event bookings 2022 to 2025 by organiser type and park; Census 2021 religion and "
        "ethnicity by ward; park user survey 2024."
    ),
    (2, "ii"): "Yes, the council's ward profiles and the Joint Strategic Needs Assessment.",
    (3, "i"): (
        "Yes. Small groups without reserves could be priced out, while commercial events "
        "are not affected."
    ),
    (3, "ii"): "A sliding scale means charities and unconstituted groups pay least.",
    (3, "iii"): (
        "Some: community groups from newer communities are less likely to know the "
        "booking process. A support officer will help first-time organisers."
    ),
    (4, "i"): (
        "Cost, paperwork in English and insurance requirements combine to block small organisers."
    ),
    (4, "ii"): "Yes: police licensing, highways for road closures, and waste collection.",
    (5, "i"): "An online survey of past organisers (212 responses) and two workshops.",
    (5, "ii"): "Workshops held in the evening at the Multi Faith Centre, with interpreters.",
    (5, "iii"): "A summary of changes will be sent to every organiser before bookings open.",
}


def _parks(officer: User, department: Department, today: dt.date) -> ImpactAssessment:
    a = actions.create_assessment(
        by=officer,
        department=department,
        is_synthetic=True,
        data={
            "subject": "Parks events policy: charges and conditions for community events",
            "kind": c.Kind.POLICY,
            "proposal": (
                "One policy for events in parks: a sliding scale of charges, a simple safety "
                "plan for events over 500 people, and a named support officer."
            ),
            "decision_maker": "Cabinet",
            "decision_maker_role": "Cabinet meeting",
            "decision_date": today + dt.timedelta(days=30),
            "review_date": today + dt.timedelta(days=30 + 365),
            "outcome": c.Outcome.ADJUST,
            "outcome_reason": "Fee waiver added for events led by volunteers.",
        },
    )
    actions.record_screening(
        by=officer,
        assessment=a,
        full_assessment_needed=True,
        reason="Events in parks bring communities together; charges could change who can hold them.",
    )
    _answer_all(officer, a, PARKS_ANSWERS)
    principles = _principles(a)
    actions.add_evidence(
        by=officer,
        assessment=a,
        data={
            "kind": c.EvidenceKind.DATA,
            "title": "Park event bookings by organiser type, 2022 to 2025",
            "dated": today - dt.timedelta(days=40),
            "summary": "58% of events are run by voluntary, faith or community groups.",
            "principle": principles[2],
            "link": "",
        },
    )
    actions.add_evidence(
        by=officer,
        assessment=a,
        data={
            "kind": c.EvidenceKind.CONSULTATION,
            "title": "Event organisers' survey and workshops",
            "dated": today - dt.timedelta(days=20),
            "summary": (
                "212 responses. Most supported one clear policy; faith and cultural groups "
                "feared the charges would end free festivals."
            ),
            "principle": principles[5],
            "link": "",
        },
    )
    _matrix(
        officer,
        a,
        {
            ("religion_belief", "b"): (
                "negative",
                "Most free festivals are run by faith groups on small budgets.",
                "Fee waiver for volunteer-led events; support officer for first bookings.",
            ),
            ("religion_belief", "c"): (
                "positive",
                "Festivals in parks are open to all and well attended by other communities.",
                "",
            ),
            ("race", "c"): (
                "positive",
                "Mela and Caribbean carnival draw mixed crowds.",
                "",
            ),
            ("disability", "b"): (
                "positive",
                "The safety plan requires accessible toilets and viewing areas.",
                "",
            ),
        },
    )
    actions.record_cohesion(
        by=officer,
        assessment=a,
        answers={
            "relations": {
                "impact": "positive",
                "effect": "Keeps festivals that bring communities together affordable.",
                "evidence": "Survey and bookings.",
                "mitigation": "",
            },
            "new_settled": {
                "impact": "neutral",
                "effect": "Support officer helps groups new to the booking process.",
                "evidence": "Workshops.",
                "mitigation": "",
            },
            "areas_at_risk": {
                "impact": "not_known",
                "effect": "Large events near Normanton have drawn counter-protests before.",
                "evidence": "Tension monitoring group notes.",
                "mitigation": "Safety Advisory Group reviews events over 2,000 people.",
            },
        },
        wards=_wards("Normanton", "Abbey", "Mackworth & New Zealand"),
    )
    actions.add_action_item(
        by=officer,
        assessment=a,
        description="Appoint and publicise the events support officer",
        owner_name="Parks development manager",
        due_on=today + dt.timedelta(days=60),
    )
    actions.add_action_item(
        by=officer,
        assessment=a,
        description="Translate the booking guide into the five most used community languages",
        owner_name="Parks development manager",
        due_on=today + dt.timedelta(days=75),
    )
    actions.submit_assessment(by=officer, assessment=a)
    return a


# --- Housing ---------------------------------------------------------------------------


def _housing(
    analyst: User, department: Department, shared_with: Department, today: dt.date
) -> ImpactAssessment:
    a = actions.create_assessment(
        by=analyst,
        department=department,
        is_synthetic=True,
        data={
            "subject": "Housing allocations: local connection rule",
            "kind": c.Kind.POLICY,
            "proposal": (
                "Raise the local connection needed to join the housing register from two to "
                "five years' residence, with exceptions for armed forces and care leavers."
            ),
            "decision_maker": "",
            "decision_date": today + dt.timedelta(days=60),
        },
    )
    actions.record_screening(
        by=analyst,
        assessment=a,
        full_assessment_needed=True,
        reason="Decides who can get social housing; likely to affect recent arrivals most.",
    )
    _answer_all(
        analyst,
        a,
        {
            (1, "i"): (
                "About 1,900 households on the register have lived in Derby for two to five "
                "years; they would lose their place."
            ),
            (2, "i"): "Register data by length of residence; Census 2021 country of birth.",
        },
    )
    _matrix(
        analyst,
        a,
        {
            ("race", "b"): ("not_known", "", ""),
            ("age", "b"): (
                "negative",
                "Younger households are more likely to have moved recently.",
                "",
            ),
        },
        default=None,
    )
    actions.record_cohesion(
        by=analyst,
        assessment=a,
        answers={
            "new_settled": {
                "impact": "negative",
                "effect": "Could be seen as favouring settled residents over newcomers.",
                "evidence": "",
                "mitigation": "",
            },
        },
        wards=_wards("Arboretum", "Normanton", "Sinfin & Osmaston"),
    )
    actions.share_assessment(by=analyst, assessment=a, departments=[shared_with])
    return a


@demo_loader(order=70, name="Impact assessments (synthetic)")
def load_impact(context: DemoContext) -> list[str]:
    if ImpactAssessment.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    departments: dict[str, Department] = {}
    for org_name, name, members in DEPARTMENTS:
        organisation = Organisation.objects.get(name=org_name)
        department = Department.objects.filter(organisation=organisation, name=name).first()
        if department is None:
            department = actions.create_department(
                by=None,
                organisation=organisation,
                name=name,
                members=[users[m] for m in members if m in users],
                is_synthetic=True,
            )
        departments[name] = department
    today = timezone.localdate()
    officer, manager, analyst = users["demo-officer"], users["demo-manager"], users["demo-analyst"]
    made: list[Any] = [
        _library(officer, manager, departments["Libraries and Community Hubs"], today),
        _parks(officer, departments["Parks and Green Spaces"], today),
        _housing(
            analyst,
            departments["Housing Options and Allocations"],
            departments["Communities and Cohesion"],
            today,
        ),
    ]
    made = [ImpactAssessment.objects.get(pk=a.pk) for a in made]
    return [
        f"{len(departments)} departments; 3 assessments: "
        + "; ".join(f"{a.subject} ({a.get_status_display().lower()})" for a in made),
        "library version 2 is a draft revision of the published version 1",
    ]
