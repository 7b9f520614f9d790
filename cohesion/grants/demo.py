"""Demo grants (synthetic): Sheffield's £30,000 prevention and cohesion fund, after the
seed's "new £30,000 fund for groups to apply for to undertake prevention work and
create new innovative projects that aid cohesion and integration", with a closed
first round and an open second round, and applications at every stage of the
workflow; and Derby's Together in Service small grants of up to £1,000, open.

The community groups, people and projects are made up and marked "(demo)";
`demo-applicant` signs in as one of the groups.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cohesion.accounts import actions as account_actions
from cohesion.accounts.demo import DEMO_PASSWORD
from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.grants import actions
from cohesion.grants.models import Application, Call, Fund, QuestionKind

FUND_NAME = "Prevention and cohesion fund (demo)"
APPLICANT_USERNAME = "demo-applicant"
ASSESSORS = ["demo-sheffield", "demo-sheffield-manager"]

# name, type, charity number, company number
GROUPS: list[tuple[str, OrganisationType, str, str]] = [
    ("Heeley Friday Football (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
    ("Burngreave Women's Kitchen (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "1190001", ""),
    ("Page Hall Neighbours Together (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
    ("Sharrow Interfaith Walkers (demo)", OrganisationType.FAITH, "1190002", ""),
    ("Darnall Youth Voices (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "1190003", "09876543"),
    ("Firth Park Allotment Friends (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
    ("Tinsley Parents' Circle (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
    ("Broomhall Arts Collective (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", "12345678"),
    ("Gleadless Valley Mosque Youth (demo)", OrganisationType.FAITH, "1190004", ""),
    ("Walkley Community Radio (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
    ("Manor Castle Digital Champions (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "1190005", ""),
    ("Crookes Refugee Welcome (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "1190006", ""),
    ("Arbourthorne Elders' Tea Club (demo)", OrganisationType.VOLUNTARY_COMMUNITY, "", ""),
]

QUESTIONS: list[dict[str, Any]] = [
    {
        "label": "How will your project bring people from different backgrounds together?",
        "kind": QuestionKind.LONG_TEXT,
        "max_words": 250,
        "order": 1,
    },
    {
        "label": "How will you know your project has made a difference?",
        "kind": QuestionKind.LONG_TEXT,
        "max_words": 200,
        "order": 2,
    },
    {
        "label": "Has your group delivered a project like this before?",
        "kind": QuestionKind.CHOICE,
        "choices": ["Yes", "No, this is our first"],
        "order": 3,
    },
]
CRITERIA = [
    ("Brings people together", "Mixing across backgrounds, not just within one group.", "2"),
    ("Prevention", "Reduces the risk of division, hate or exploitation locally.", "1.5"),
    ("Deliverability", "A realistic plan, budget and group able to run it.", "1"),
]

# (group index, round, target status, amount, title)
PLAN: list[tuple[int, str, str, int, str]] = [
    (1, "closed", "closed", 4000, "Cook and share: a kitchen for everyone"),
    (0, "closed", "monitoring", 5000, "Friday night football for all"),
    (3, "closed", "approved_with_conditions", 3500, "Walking the faiths of Sharrow"),
    (4, "closed", "approved", 2500, "Youth voices podcast"),
    (5, "closed", "declined", 4800, "Allotment shed rebuild"),
    (6, "closed", "ineligible", 4800, "Parents' circle trip"),
    (7, "closed", "withdrawn", 3000, "Street art for Broomhall"),
    (8, "open", "ready_for_decision", 4200, "Youth mentors across the valley"),
    (9, "open", "assessment", 2800, "On air together"),
    (10, "open", "more_info_required", 1500, "Digital skills for elders and young people"),
    (11, "open", "screening", 3900, "Welcome dinners"),
    (2, "open", "submitted", 2000, "Neighbours' summer fair"),
    (12, "open", "draft", 900, "Tea and talk"),
    (0, "open", "draft", 2000, "Girls' football taster days"),
]


def _group(
    name: str, kind: OrganisationType, council: Area, charity: str, company: str
) -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    return account_actions.create_organisation(
        by=None, name=name, type=kind, areas=[council], is_synthetic=True
    )


def _fill(
    application: Application, fund: Fund, group: tuple[str, OrganisationType, str, str], **kw: Any
) -> Application:
    name, _kind, charity, company = group
    call = application.call
    questions = list(call.questions.all())
    answers = {
        questions[0].key: "We meet in a hall used by several communities and invite everyone "
        "living nearby (synthetic answer for the demo).",
        questions[1].key: "We will count who comes back, and ask people what changed (demo).",
        questions[2].key: "Yes",
    }
    return actions.save_draft(
        by=None,
        application=application,
        answers=answers,
        legal_name=name,
        charity_number=charity,
        company_number=company,
        address_locality="Sheffield",
        postcode="S1 2HH",
        contact_name="Alex Example (demo)",
        contact_email="contact@example.org",
        planned_start=kw["start"],
        planned_end=kw["start"] + dt.timedelta(days=180),
        beneficiaries="Residents of all ages and backgrounds (demo).",
        beneficiary_count=kw["people"],
        amount_requested=Decimal(kw["amount"]),
        budget_breakdown="Hall hire, refreshments, equipment and volunteer expenses (demo).",
        title=f"{kw['title']} (demo)",
        summary=f"{kw['title']}: a synthetic project for the demonstration.",
        wards=kw["wards"],
    )


def _assess(application: Application, assessors: list[User], scores: list[int]) -> None:
    criteria = list(application.call.criteria.all())
    for person, base in zip(assessors, scores, strict=False):
        actions.record_assessment(
            by=person,
            application=application,
            conflict_of_interest=False,
            scores={str(c.pk): min(c.max_score, base) for c in criteria},
            comment="Clear plan and a good mix of people (demo).",
            recommendation="fund" if base >= 3 else "do_not_fund",
        )


def _advance(
    application: Application, target: str, assessors: list[User], amount: int, today: dt.date
) -> None:
    if target == "draft":
        return
    application = actions.submit(by=None, application=application)
    if target == "submitted":
        return
    application = actions.begin_screening(by=None, application=application)
    if target == "screening":
        return
    if target == "ineligible":
        actions.screen(
            by=None,
            application=application,
            outcome="ineligible",
            reason="The fund cannot pay for trips outside Sheffield, which is most of this budget.",
        )
        return
    if target == "more_info_required":
        actions.screen(
            by=None,
            application=application,
            outcome="more_info",
            reason="Please send your group's constitution and tell us who will run the sessions.",
        )
        return
    if target == "withdrawn":
        actions.withdraw(by=None, application=application, reason="We found another funder (demo).")
        return
    application = actions.screen(by=None, application=application, outcome="eligible")
    actions.assign_assessors(by=None, application=application, assessors=assessors)
    if target == "assessment":
        actions.record_assessment(
            by=assessors[1],
            application=application,
            conflict_of_interest=True,
            conflict_details="I volunteer with this group (demo).",
        )
        _assess(application, assessors[:1], [4])
        return
    _assess(application, assessors, [4, 3] if target != "declined" else [2, 1])
    application = actions.move_to_decision(by=None, application=application)
    if target == "ready_for_decision":
        return
    award_date = today - dt.timedelta(days=120)
    if target == "declined":
        actions.decide(
            by=None,
            application=application,
            outcome="decline",
            reason="The panel felt the project would mainly benefit existing members rather "
            "than bring new people together. We would welcome a new application.",
        )
        return
    outcome = "approve_with_conditions" if target != "approved" else "approve"
    application = actions.decide(
        by=None,
        application=application,
        outcome=outcome,
        reason="The panel liked how the project reaches people who do not usually mix.",
        conditions="Send us your safeguarding policy before the first session."
        if outcome == "approve_with_conditions"
        else "",
        amount=Decimal(amount),
        award_date=award_date,
    )
    if target in ("approved", "approved_with_conditions"):
        return
    actions.record_payment(
        by=None,
        application=application,
        paid_on=award_date + dt.timedelta(days=14),
        amount=Decimal(amount),
        reference="SCC-PAY-DEMO",
    )
    actions.record_monitoring_report(
        by=None,
        application=application,
        text="We ran 12 sessions; new people came each week (demo).",
        outcomes="Participants said they now know neighbours from other backgrounds (demo).",
        beneficiaries_reached=85,
        received_on=today - dt.timedelta(days=10),
        is_final=target == "closed",
    )
    if target == "closed":
        actions.close(by=None, application=application, note="Final report accepted.")


@demo_loader(order=75, name="Grants: Sheffield prevention and cohesion fund (synthetic)")
def load_grants(context: DemoContext) -> list[str]:
    if Fund.objects.filter(name=FUND_NAME).exists():
        return ["already loaded"]
    sheffield = Area.objects.filter(level=AreaLevel.LAD, code=SHEFFIELD).first()
    owner = Organisation.objects.filter(name="Sheffield City Council").first()
    assessors = list(User.objects.filter(username__in=ASSESSORS).order_by("username"))
    if sheffield is None or owner is None or len(assessors) < 2:
        return ["no Sheffield council or demo accounts: load geography and accounts first"]
    now = timezone.now()
    today = timezone.localdate()
    fund = actions.save_fund(
        by=None,
        fund=Fund(owner=owner),
        council=sheffield,
        name=FUND_NAME,
        description=(
            "A £30,000 fund for groups to apply for to undertake prevention work and create "
            "new innovative projects that aid cohesion and integration."
        ),
        budget=Decimal(30000),
        minimum_award=Decimal(250),
        maximum_award=Decimal(5000),
        eligibility_rules=[
            "The group is based in Sheffield or works with Sheffield residents",
            "The group is a voluntary, community or faith group with a bank account",
            "The project brings together people from different backgrounds",
            "The grant is between £250 and £5,000",
            "The money is not for religious worship or political campaigning",
        ],
        programme_code="SHF-PCF",
        reference_prefix="SHF",
        is_published=True,
        is_synthetic=True,
    )
    from cohesion.strategies.models import Objective

    objectives = list(Objective.objects.filter(strategy__council=sheffield)[:2])
    if objectives:
        fund.objectives.set(objectives)
    calls: dict[str, Call] = {}
    for key, title, opens, closes in (
        ("closed", "Round 1", now - dt.timedelta(days=300), now - dt.timedelta(days=220)),
        ("open", "Round 2", now - dt.timedelta(days=20), now + dt.timedelta(days=40)),
    ):
        call = actions.save_call(
            by=None,
            call=Call(fund=fund),
            title=title,
            opens_at=opens,
            closes_at=closes,
            guidance=(
                "Tell us what you will do, who will take part and how it brings people "
                "together. Small and new groups are welcome. We aim to decide within eight "
                "weeks of the closing date."
            ),
        )
        for q in QUESTIONS:
            actions.save_question(by=None, question=call.questions.model(call=call), **q)
        for i, (name, description, weight) in enumerate(CRITERIA):
            actions.save_criterion(
                by=None,
                criterion=call.criteria.model(call=call),
                name=name,
                description=description,
                weight=Decimal(weight),
                max_score=5,
                order=i,
            )
        calls[key] = call
    groups = [_group(n, k, sheffield, c, co) for n, k, c, co in GROUPS]
    if not User.objects.filter(username=APPLICANT_USERNAME).exists():
        account_actions.create_user(
            by=None,
            username=APPLICANT_USERNAME,
            password=DEMO_PASSWORD,
            organisation=groups[0],
            role=Role.APPLICANT,
            first_name="Gabi",
            last_name="Group (demo)",
            email=f"{APPLICANT_USERNAME}@example.org",
            job_title="Volunteer treasurer",
            is_synthetic=True,
        )
    wards = list(Area.objects.current_wards(sheffield).order_by("name"))
    rng = context.rng
    for index, round_key, target, amount, title in PLAN:
        application = actions.start_application(
            by=None, call=calls[round_key], organisation=groups[index], is_synthetic=True
        )
        application = _fill(
            application,
            fund,
            GROUPS[index],
            start=today + dt.timedelta(days=30)
            if round_key == "open"
            else today - dt.timedelta(days=100),
            people=rng.randint(20, 150),
            amount=amount,
            title=title,
            wards=rng.sample(wards, k=min(2, len(wards))) if wards else [],
        )
        _advance(application, target, assessors, amount, today)
    lines = [
        f"{FUND_NAME}: £30,000, 2 rounds, {len(PLAN)} applications at every stage",
        f"applicant account: {APPLICANT_USERNAME} ({GROUPS[0][0]})",
    ]
    derby = Area.objects.filter(level=AreaLevel.LAD, code=DERBY).first()
    derby_owner = Organisation.objects.filter(name="Derby City Council").first()
    if derby and derby_owner:
        tis = actions.save_fund(
            by=None,
            fund=Fund(owner=derby_owner),
            council=derby,
            name="Together in Service small grants (demo)",
            description="Up to £1,000 to help get local multi-faith projects off the ground.",
            budget=Decimal(10000),
            minimum_award=Decimal(100),
            maximum_award=Decimal(1000),
            eligibility_rules=["A multi-faith or faith-based social action project in Derby"],
            programme_code="DER-TIS",
            reference_prefix="DER",
            is_synthetic=True,
        )
        call = actions.save_call(
            by=None,
            call=Call(fund=tis),
            title="2026 to 2027",
            opens_at=now - dt.timedelta(days=10),
            closes_at=now + dt.timedelta(days=80),
            guidance="Tell us about your project and the faith groups taking part.",
        )
        actions.save_question(
            by=None,
            question=call.questions.model(call=call),
            label="Which faith groups will take part?",
            kind=QuestionKind.TEXT,
            order=1,
        )
        actions.save_criterion(
            by=None,
            criterion=call.criteria.model(call=call),
            name="Multi-faith social action",
            weight=Decimal(1),
            max_score=5,
        )
        lines.append("Together in Service small grants (demo): Derby, up to £1,000, open")
    return lines
