"""Demo strategies: the real Derby Charter 2014 and Sheffield Together, synthetic progress.

The strategies themselves are loaded from the templates (the seeds' real
wording). Everything the demo adds is synthetic and says so: the actions
("(demo)" in each title, the label in each description and commentary), a
year of updates by the demo accounts, the leadership group's fictional members,
meetings and decisions, the partners' signatures, and the Sheffield partners'
plans. Dates are relative to the day the demo is loaded. Derby's last two
review points are taken, so reports show direction of travel, and the next is
ten days away, so `cohesion housekeeping` sends reminders (to the console)
about the demo officer's actions with no update since the last review.

Writes go through `cohesion.strategies.actions` (checked and audited like the
pages), with `made_at` set to when each update would have been made.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from cohesion.accounts import actions as accounts
from cohesion.accounts.models import Organisation, OrganisationType, User
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area, AreaLevel
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.strategies import actions
from cohesion.strategies.choices import MemberRole, Rag, Status, UpdateChannel
from cohesion.strategies.loader import load_template
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    Decision,
    LeadershipGroup,
    Milestone,
    Objective,
    Strategy,
)
from cohesion.strategies.reviews import add_months

LABEL = "[Synthetic demo record]"
DERBY_SLUG = "derby-charter-2014"
SHEFFIELD_SLUG = "sheffield-together-2016"
# Sheffield partners the seed names (co-producer; supporter of the framework), made here.
SHEFFIELD_PARTNERS = [
    ("Sheffield Cohesion Advisory Group", OrganisationType.VOLUNTARY_COMMUNITY),
    ("University of Sheffield", OrganisationType.COLLEGE_UNIVERSITY),
]

# How an action's year went: (fraction of the way from its start to today, status, RAG,
# progress). Commentary comes from the action's own notes, risk and corrective action.
STORIES: dict[str, list[tuple[float, str, str, int]]] = {
    "done": [
        (0.15, Status.IN_PROGRESS, Rag.GREEN, 20),
        (0.35, Status.IN_PROGRESS, Rag.GREEN, 45),
        (0.55, Status.IN_PROGRESS, Rag.GREEN, 80),
        (0.7, Status.COMPLETE, "", 100),
    ],
    "green": [
        (0.12, Status.IN_PROGRESS, Rag.GREEN, 10),
        (0.3, Status.IN_PROGRESS, Rag.GREEN, 25),
        (0.5, Status.IN_PROGRESS, Rag.GREEN, 40),
        (0.7, Status.IN_PROGRESS, Rag.GREEN, 55),
        (0.9, Status.IN_PROGRESS, Rag.GREEN, 70),
    ],
    "slipping": [
        (0.12, Status.IN_PROGRESS, Rag.GREEN, 10),
        (0.3, Status.IN_PROGRESS, Rag.GREEN, 20),
        (0.52, Status.IN_PROGRESS, Rag.AMBER, 25),
        (0.72, Status.IN_PROGRESS, Rag.AMBER, 30),
        (0.92, Status.IN_PROGRESS, Rag.RED, 30),
    ],
    "wobble": [
        (0.15, Status.IN_PROGRESS, Rag.GREEN, 15),
        (0.4, Status.IN_PROGRESS, Rag.GREEN, 35),
        (0.65, Status.IN_PROGRESS, Rag.GREEN, 50),
        (0.9, Status.IN_PROGRESS, Rag.AMBER, 55),
    ],
    "recovering": [
        (0.12, Status.IN_PROGRESS, Rag.AMBER, 10),
        (0.3, Status.IN_PROGRESS, Rag.AMBER, 15),
        (0.52, Status.IN_PROGRESS, Rag.RED, 20),
        (0.72, Status.IN_PROGRESS, Rag.AMBER, 40),
        (0.92, Status.IN_PROGRESS, Rag.GREEN, 60),
    ],
    # Updated in the first half of the year only: what the reminders are for.
    "stale": [
        (0.1, Status.IN_PROGRESS, Rag.GREEN, 15),
        (0.28, Status.IN_PROGRESS, Rag.GREEN, 30),
        (0.45, Status.IN_PROGRESS, Rag.AMBER, 35),
    ],
    "deferred": [
        (0.15, Status.IN_PROGRESS, Rag.GREEN, 10),
        (0.35, Status.IN_PROGRESS, Rag.AMBER, 15),
        (0.6, Status.DEFERRED, "", 15),
    ],
    # Starts after the last review: new since it, now under way.
    "late": [
        (0.62, Status.IN_PROGRESS, Rag.GREEN, 10),
        (0.9, Status.IN_PROGRESS, Rag.GREEN, 25),
    ],
    "future": [],
}


@dataclass(frozen=True)
class DemoAction:
    reference: str
    title: str
    organisation: str
    objectives: tuple[str, ...]
    story: str
    notes: tuple[str, str, str]
    risk: str = ""
    corrective: str = ""


DERBY_ACTIONS = [
    DemoAction(
        "1.1",
        "Refresh the leadership group's membership and terms of reference",
        "Derby City Council",
        ("1",),
        "done",
        (
            "Terms of reference drafted and sent to members for comment.",
            "Two members from the voluntary sector have joined; the terms of reference are agreed.",
            "Membership and terms of reference published on the partnership's web pages.",
        ),
    ),
    DemoAction(
        "1.2",
        "Briefing on the Charter for newly elected councillors",
        "Derby City Council",
        ("1", "2"),
        "done",
        (
            "Briefing pack written with Democratic Services.",
            "Two briefing sessions held; 31 councillors attended.",
            "Recording and slides shared with councillors who could not attend.",
        ),
    ),
    DemoAction(
        "2.1",
        "Street-level community conversations in Normanton and Arboretum",
        "St James's Centre",
        ("2",),
        "green",
        (
            "Volunteers recruited and trained to host conversations.",
            "Six conversations held on four streets; parking and litter raised most often.",
            "Issues raised are passed to the neighbourhood board each month.",
        ),
    ),
    DemoAction(
        "2.2",
        "Small grants for neighbourhood events that bring communities together",
        "Derby City Council",
        ("2", "6"),
        "recovering",
        (
            "Grant criteria agreed; the first round opened.",
            "Second round advertised through the neighbourhood boards.",
            "Fourteen events funded so far, most in the summer.",
        ),
        risk="Few applications from the outer estates; the first round was under-spent.",
        corrective="Drop-in help with applications at three libraries; simpler one-page form.",
    ),
    DemoAction(
        "2.3",
        "Welcome information for new tenants in community languages",
        "Derby Homes",
        ("2", "7"),
        "green",
        (
            "Content agreed with the tenants' panel.",
            "Translations into Polish, Slovak and Romanian checked by community readers.",
            "Packs given out at sign-up in all housing offices.",
        ),
    ),
    DemoAction(
        "3.1",
        "Youth cohesion ambassadors in secondary schools",
        "Enthusiasm Trust",
        ("3",),
        "slipping",
        (
            "Four schools signed up; ambassador role description agreed.",
            "Training for the first 20 ambassadors held in half term.",
            "Ambassadors ran assemblies in two schools.",
        ),
        risk="Two schools withdrew after staff changes; the project worker post is vacant.",
        corrective="Recruiting to the post through the partnership; the trust's manager covers "
        "the two remaining schools until then.",
    ),
    DemoAction(
        "3.2",
        "Linking project between inner-city and outer-city primary schools",
        "Normanton Junior School (demo)",
        ("2", "3"),
        "done",
        (
            "Three pairs of schools matched; teachers met to plan.",
            "Pupils exchanged letters and visited each other's schools.",
            "Shared celebration day held at the Multi Faith Centre.",
        ),
    ),
    DemoAction(
        "3.3",
        "Mentoring and work placements for young people at risk of exclusion",
        "Jobs Education & Training",
        ("3", "6"),
        "green",
        (
            "Twelve mentors vetted and trained.",
            "Eighteen young people matched with a mentor.",
            "Nine work placements arranged with local employers.",
        ),
    ),
    DemoAction(
        "4.1",
        "Fortnightly community tension assessment shared with partners",
        "Derbyshire Constabulary",
        ("4",),
        "green",
        (
            "Assessment format agreed with the council's analysts.",
            "Assessments circulated every fortnight; partners add their own intelligence.",
            "Assessment now includes online tension and rumours.",
        ),
    ),
    DemoAction(
        "4.2",
        "More third-party hate crime reporting centres",
        "Derby City Council",
        ("4",),
        "slipping",
        (
            "Existing centres contacted; six confirmed they are still active.",
            "Training dates set for new centres.",
            "Two new centres trained, at a library and a community centre.",
        ),
        risk="Only two of the eight new centres planned have been trained; volunteers have "
        "left two existing centres.",
        corrective="Pharmacies and GP surgeries approached as centres; training moved online "
        "so volunteers can take it at any time.",
    ),
    DemoAction(
        "4.3",
        "Hate crime awareness training for housing officers",
        "Derby Homes",
        ("4",),
        "done",
        (
            "Training designed with the police hate crime officer.",
            "Four sessions held; 64 officers trained.",
            "Training added to the induction for new housing staff.",
        ),
    ),
    DemoAction(
        "4.4",
        "A named contact for repeat victims of hate crime",
        "Derbyshire Constabulary",
        ("4", "6"),
        "stale",
        (
            "Repeat victims identified from the last twelve months' reports.",
            "Named contacts assigned in the two busiest neighbourhoods.",
            "Victims' feedback collected after three months.",
        ),
        risk="Officer moves between teams mean some victims have had their contact changed.",
    ),
    DemoAction(
        "5.1",
        "Prevent awareness training for front-line staff",
        "Derby City Council",
        ("5",),
        "stale",
        (
            "Training needs gathered from each directorate.",
            "Sessions booked for customer services and libraries.",
            "E-learning added for staff who cannot attend in person.",
        ),
        risk="Attendance from some directorates is low.",
    ),
    DemoAction(
        "5.2",
        "Faith leaders' forum on online extremism and misinformation",
        "Multi Faith Centre, University of Derby",
        ("5", "1"),
        "recovering",
        (
            "Forum's purpose agreed with the Faith Forum.",
            "First two sessions held with speakers from a digital safety charity.",
            "Faith leaders shared a common message after a false rumour spread online.",
        ),
        risk="Attendance fell after the first session; some faith groups are not represented.",
        corrective="Sessions moved to evenings and to different places of worship in turn; "
        "personal invitations from the Bishop's office and the Multi Faith Centre.",
    ),
    DemoAction(
        "5.3",
        "Restorative work in the supervision of people convicted of hate crime",
        "Derbyshire Probation Trust",
        ("5", "4"),
        "deferred",
        (
            "Approach agreed with the restorative justice service.",
            "Two practitioners trained.",
            "First cases referred.",
        ),
        risk="The restorative justice service's funding ends this year.",
    ),
    DemoAction(
        "6.1",
        "Befriending scheme for isolated older residents",
        "City Mission",
        ("6",),
        "green",
        (
            "Volunteers recruited from six congregations.",
            "Thirty residents visited weekly.",
            "Scheme extended to two sheltered housing schemes.",
        ),
    ),
    DemoAction(
        "6.2",
        "Advice drop-ins for people with no recourse to public funds",
        "Diocese of Derby",
        ("6", "7"),
        "late",
        (
            "Venue and advisers found; first drop-in held.",
            "Drop-ins now fortnightly with an immigration adviser.",
            "Referral route agreed with the council's housing options team.",
        ),
    ),
    DemoAction(
        "7.1",
        "Draft the New Communities Strategy with partners",
        "Derby City Council",
        ("7",),
        "wobble",
        (
            "Evidence review of migration into the city completed.",
            "Workshops held with new communities and settled residents.",
            "First draft circulated to the leadership group.",
        ),
        risk="Consultation responses from new communities are fewer than hoped; the draft may "
        "slip by a quarter.",
    ),
    DemoAction(
        "7.2",
        "ESOL conversation clubs in community venues",
        "Jobs Education & Training",
        ("7", "2"),
        "green",
        (
            "Three clubs started in community centres.",
            "Volunteer tutors trained; clubs meet weekly.",
            "A fourth club opened for parents at a primary school.",
        ),
    ),
    DemoAction(
        "7.3",
        "Migration data from school admissions and GP registrations, shared quarterly",
        "East Midlands Councils Strategic Migration Partnership",
        ("7", "4"),
        "late",
        (
            "Data sharing agreement signed by the partners.",
            "First quarterly summary shared with the leadership group.",
            "Summary now shows change by ward.",
        ),
    ),
    DemoAction(
        "7.4",
        "Employers' pledge on fair recruitment of new arrivals",
        "Derby Business Improvement District (demo)",
        ("7",),
        "future",
        ("", "", ""),
    ),
]

# Meetings of the leadership group: (days after the plan starts, title, decisions), and the
# decisions that created actions: (meeting index, decision number, action).
MEETINGS: list[tuple[int, str, list[str]]] = [
    (
        20,
        "Leadership group: action plan launch",
        [
            "Agree the Charter action plan and its leads.",
            "Partners report progress on their actions every six weeks.",
        ],
    ),
    (
        120,
        "Leadership group: after the rumours in Normanton",
        [
            "The police and faith leaders agree a joint way of answering rumours quickly.",
            "Note the tension assessment and thank partners for the quick response.",
        ],
    ),
    (
        215,
        "Leadership group: new arrivals and housing",
        [
            "Note progress: most actions on track, two at risk.",
            "Derby Homes to lead welcome visits for newly arrived families in its homes.",
        ],
    ),
    (
        330,
        "Leadership group: exceptions and the New Communities Strategy",
        [
            "Note the red rating of the third-party reporting centres and agree the recovery plan.",
            "Set up a task and finish group on waiting lists for English classes.",
        ],
    ),
]
DECISION_ACTIONS: list[tuple[int, int, DemoAction]] = [
    (
        1,
        1,
        DemoAction(
            "4.5",
            "Joint rumour-response protocol with faith leaders",
            "Derbyshire Constabulary",
            ("4", "5"),
            "green",
            (
                "Protocol drafted with the Faith Forum.",
                "Protocol tested in a table-top exercise.",
                "Protocol used twice; messages out within four hours both times.",
            ),
        ),
    ),
    (
        2,
        2,
        DemoAction(
            "7.5",
            "Welcome visits for newly arrived families in Derby Homes properties",
            "Derby Homes",
            ("7", "6"),
            "green",
            (
                "Visit checklist agreed with the New Communities Achievement Team.",
                "Forty families visited in the first three months.",
                "Families referred to ESOL clubs and school admissions help.",
            ),
        ),
    ),
    (
        3,
        2,
        DemoAction(
            "7.6",
            "Task and finish group on waiting lists for English classes",
            "Derby City Council",
            ("7",),
            "green",
            (
                "Group formed with the three main ESOL providers.",
                "Waiting list data gathered from each provider.",
                "Shared waiting list proposed.",
            ),
        ),
    ),
]

# Fictional members of the leadership group: name, organisation, role.
DERBY_MEMBERS: list[tuple[str, str, str]] = [
    ("Cllr Jordan Reeve (demo)", "Derby City Council", MemberRole.CHAIR),
    ("Amira Khan (demo)", "Derby City Council", MemberRole.VICE_CHAIR),
    ("Superintendent Chris Dale (demo)", "Derbyshire Constabulary", MemberRole.MEMBER),
    ("Helen Marsh (demo)", "Derby Homes", MemberRole.MEMBER),
    ("Revd Sam Okafor (demo)", "Diocese of Derby", MemberRole.MEMBER),
    ("Dr Priya Lal (demo)", "Multi Faith Centre, University of Derby", MemberRole.MEMBER),
    ("Tomasz Nowak (demo)", "Jobs Education & Training", MemberRole.MEMBER),
    ("Grace Adeyemi (demo)", "Enthusiasm Trust", MemberRole.MEMBER),
    ("Mark Ellis (demo)", "Derbyshire Probation Trust", MemberRole.ADVISER),
]
DERBY_SIGNATORIES = [
    "Derbyshire Constabulary",
    "Derbyshire Probation Trust",
    "Derby Homes",
    "Multi Faith Centre, University of Derby",
    "Diocese of Derby",
    "City Mission",
    "St James's Centre",
    "Enthusiasm Trust",
    "Jobs Education & Training",
]

# Sheffield partners' plans: organisation, plan actions (title, commitments, story, notes).
SHEFFIELD_PLANS: list[tuple[str, list[DemoAction]]] = [
    (
        "South Yorkshire Police",
        [
            DemoAction(
                "SYP.1",
                "Neighbourhood officers briefed on the Sheffield Commitment",
                "South Yorkshire Police",
                ("2", "5"),
                "green",
                (
                    "Briefing written with the Cohesion Advisory Group.",
                    "All neighbourhood teams briefed.",
                    "Briefing added to training for new officers.",
                ),
            ),
            DemoAction(
                "SYP.2",
                "Hate crime surgeries in community venues with the Equality Hubs",
                "South Yorkshire Police",
                ("1", "4"),
                "wobble",
                (
                    "Venues agreed with three Equality Hubs.",
                    "Monthly surgeries running in two venues.",
                    "Surgeries promoted in community languages.",
                ),
                risk="Surgeries in the third venue were cancelled twice for lack of officers.",
            ),
            DemoAction(
                "SYP.3",
                "Independent advisory group reviews the community impact of major operations",
                "South Yorkshire Police",
                ("8",),
                "future",
                ("", "", ""),
            ),
        ],
    ),
    (
        "University of Sheffield",
        [
            DemoAction(
                "UOS.1",
                "Student volunteering with community organisations in Burngreave and Darnall",
                "University of Sheffield",
                ("2", "4"),
                "green",
                (
                    "Placements agreed with five community organisations.",
                    "Forty students volunteering weekly.",
                    "Volunteering counted towards the students' employability award.",
                ),
            ),
            DemoAction(
                "UOS.2",
                "Research partnership on cohesion indicators with the Cohesion Advisory Group",
                "University of Sheffield",
                ("8",),
                "green",
                (
                    "Research questions agreed with the advisory group.",
                    "Survey of community organisations in the field.",
                    "Interim findings presented to the strategic group.",
                ),
            ),
            DemoAction(
                "UOS.3",
                "Welcome programme for international students and their families",
                "University of Sheffield",
                ("5", "6"),
                "done",
                (
                    "Programme planned with the students' union.",
                    "Welcome events held in the first two weeks of term.",
                    "Families linked to local schools and faith groups.",
                ),
            ),
        ],
    ),
    (
        "Sheffield Cohesion Advisory Group",
        [
            DemoAction(
                "CAG.1",
                "Community dialogue and development forum meets every quarter",
                "Sheffield Cohesion Advisory Group",
                ("2", "8"),
                "green",
                (
                    "Terms of reference agreed; first forum held.",
                    "Second forum focused on new arrivals and housing.",
                    "Forum's notes shared with the strategic group.",
                ),
            ),
            DemoAction(
                "CAG.2",
                "Stories of cohesion collected and shared by voluntary and community groups",
                "Sheffield Cohesion Advisory Group",
                ("1", "7"),
                "wobble",
                (
                    "Story template agreed.",
                    "Twelve stories collected.",
                    "Stories shared through partners' newsletters.",
                ),
                risk="Few stories from faith groups so far.",
            ),
            DemoAction(
                "CAG.3",
                "Training for voluntary groups in challenging scapegoating",
                "Sheffield Cohesion Advisory Group",
                ("3",),
                "slipping",
                (
                    "Training designed with a local anti-racism charity.",
                    "Pilot session held with six groups.",
                    "Second session booked.",
                ),
                risk="The trainer is no longer available and funding for the sessions is not "
                "confirmed.",
                corrective="Two advisory group members are training as trainers; a small grant "
                "bid has gone to the council's cohesion fund.",
            ),
        ],
    ),
]
# References of the council's own portfolio actions the demo shows under way.
SHEFFIELD_COUNCIL_UNDER_WAY = ["1.01", "1.02", "2.01", "2.05", "2.06", "2.08", "3.02", "5.01"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _created_at(starts: dt.date, today: dt.date) -> dt.datetime:
    """When an action was added: the morning it starts, or now for one starting later."""
    return _at(starts, 8) if starts < today else timezone.now()


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _text(note: str) -> str:
    return f"{LABEL} {note}" if note else ""


def _commentary(spec: DemoAction, index: int, count: int, rag: str, status: str) -> str:
    """A note fit for the state: progress, or the risk behind an amber or red rating."""
    if status == Status.DEFERRED:
        return _text(f"Deferred to next year's plan. {spec.risk}".strip())
    if rag in (Rag.AMBER, Rag.RED):
        return _text(spec.risk or "Behind the planned timetable.")
    note = spec.notes[min(index * len(spec.notes) // max(count, 1), len(spec.notes) - 1)]
    return _text(note)


@dataclass
class _Timeline:
    """The demo's dates, relative to the day it is loaded."""

    today: dt.date
    plan_start: dt.date
    review_1: dt.date
    review_2: dt.date
    next_review: dt.date

    @classmethod
    def make(cls, today: dt.date) -> _Timeline:
        review_2 = add_months(today + dt.timedelta(days=10), -6)
        review_1 = add_months(review_2, -6)
        return cls(
            today=today,
            plan_start=(review_1 - dt.timedelta(days=60)).replace(day=1),
            review_1=review_1,
            review_2=review_2,
            next_review=add_months(review_2, 6),
        )


def _updates(
    spec: DemoAction, start: dt.date, today: dt.date, rng: random.Random
) -> list[tuple[dt.datetime, dict[str, object]]]:
    """The dated updates that tell this action's story between `start` and today."""
    story = STORIES[spec.story]
    span = (today - dt.timedelta(days=3) - start).days
    found: list[tuple[dt.datetime, dict[str, object]]] = []
    for index, (fraction, status, rag, progress) in enumerate(story):
        day = start + dt.timedelta(days=round(fraction * span) + rng.randint(-4, 4))
        day = min(max(day, start + dt.timedelta(days=1)), today - dt.timedelta(days=1))
        data: dict[str, object] = {
            "status": status,
            "rag": rag,
            "progress": progress,
            "commentary": _commentary(spec, index, len(story), rag, status),
            "corrective_action": _text(spec.corrective) if rag == Rag.RED else "",
        }
        if status == Status.COMPLETE:
            data["completed_on"] = day
            data["public_summary"] = _text(spec.notes[-1])
        elif rag == Rag.GREEN and index == len(story) - 1:
            data["public_summary"] = _text(spec.notes[1])
        found.append((_at(day, rng.choice([9, 11, 14, 16])), data))
    return found


def _create_action(
    *,
    by: User,
    plan: ActionPlan,
    spec: DemoAction,
    objectives: dict[str, Objective],
    organisations: dict[str, Organisation],
    leads: dict[str, User],
    starts_on: dt.date,
    due_on: dt.date,
    decision: Decision | None = None,
) -> Action:
    organisation = organisations[spec.organisation]
    lead = leads.get(spec.organisation)
    return actions.create_action(
        by=by,
        plan=plan,
        channel=UpdateChannel.DEMO,
        made_at=_created_at(starts_on, timezone.localdate()),
        data={
            "reference": spec.reference,
            "title": f"{spec.title} (demo)",
            "description": f"{LABEL} An action invented for the demonstration.",
            "owner": organisation,
            "lead": lead,
            "lead_name": "" if lead else f"Project lead, {organisation.name} (demo)",
            "starts_on": starts_on,
            "due_on": due_on,
            "objectives": [objectives[code] for code in spec.objectives],
            "from_decision": decision,
        },
    )


def _play(
    events: list[tuple[dt.datetime, int, object]],
) -> None:
    """Run the events (updates and reviews) in date order, as they would have happened."""
    for _, _, run in sorted(events, key=lambda event: (event[0], event[1])):
        run()  # type: ignore[operator]


def _load_derby(context: DemoContext, today: dt.date) -> list[str]:
    rng = context.rng
    council = Area.objects.filter(level=AreaLevel.LAD, code=DERBY).first()
    owner = Organisation.objects.get(name="Derby City Council")
    officer, police = _user("demo-officer"), _user("demo-partner")
    organisations = {o.name: o for o in Organisation.objects.all()}
    leads = {"Derby City Council": officer, "Derbyshire Constabulary": police}
    when = _Timeline.make(today)

    strategy = load_template(DERBY_SLUG, owner=owner, council=council, by=None, members=False)
    actions.update_strategy(
        by=None, strategy=strategy, data={"is_published": True, "is_synthetic": True}
    )
    objectives = {o.code: o for o in strategy.objectives.all()}
    group = LeadershipGroup.objects.get(strategy=strategy)
    members = [
        actions.add_group_member(
            by=officer,
            group=group,
            organisation=organisations[org],
            name=name,
            role=role,
            joined_on=when.plan_start,
        )
        for name, org, role in DERBY_MEMBERS
    ]
    for n, org in enumerate(DERBY_SIGNATORIES):
        actions.sign_commitment(
            by=officer,
            strategy=strategy,
            organisation=organisations[org],
            signed_by=f"Chief officer of {org} (demo)",
            signed_by_role="Chief executive or director",
            signed_on=when.plan_start + dt.timedelta(days=7 + 4 * n),
        )
    plan = actions.create_plan(
        by=officer,
        strategy=strategy,
        organisation=owner,
        title="Charter action plan, first two years (demo)",
        starts_on=when.plan_start,
        ends_on=add_months(when.plan_start, 24) - dt.timedelta(days=1),
    )
    events: list[tuple[dt.datetime, int, object]] = []
    made: list[Action] = []

    def schedule(
        spec: DemoAction, starts: dt.date, due: dt.date, decision: Decision | None = None
    ) -> None:
        """Create the action on its start date, then update it, in date order with the rest."""
        created: list[Action] = []

        def create() -> None:
            created.append(
                _create_action(
                    by=officer,
                    plan=plan,
                    spec=spec,
                    objectives=objectives,
                    organisations=organisations,
                    leads=leads,
                    starts_on=starts,
                    due_on=due,
                    decision=decision,
                )
            )
            made.append(created[0])

        events.append((_created_at(starts, today), 0, create))
        by = leads.get(spec.organisation, officer)
        for made_at, data in _updates(spec, starts, today, rng):

            def update(made_at: dt.datetime = made_at, data: dict[str, object] = data) -> None:
                actions.update_action(
                    by=by, action=created[0], data=data, channel=UpdateChannel.DEMO, made_at=made_at
                )

            events.append((made_at, 1, update))

    for n, spec in enumerate(DERBY_ACTIONS):
        if spec.story == "late":
            starts = when.review_2 + dt.timedelta(days=14)
        elif spec.story == "future":
            starts = today + dt.timedelta(days=30)
        else:
            starts = when.plan_start + dt.timedelta(days=7 * (n % 5))
        due_months = 10 if spec.story == "done" else 18 + n % 6
        schedule(spec, starts, add_months(when.plan_start, due_months))

    meetings = []
    for days, title, decisions in MEETINGS:
        held = when.plan_start + dt.timedelta(days=days)
        meetings.append(
            actions.record_meeting(
                by=officer,
                group=group,
                held_on=held,
                title=f"{title} (demo)",
                notes=f"{LABEL} Partners reported on their actions; the decisions are below.",
                decisions=decisions,
                attendees=[m for i, m in enumerate(members) if (i + days) % 4 != 0],
            )
        )
    for meeting_index, number, spec in DECISION_ACTIONS:
        meeting = meetings[meeting_index]
        starts = meeting.held_on + dt.timedelta(days=7)
        schedule(spec, starts, add_months(starts, 9), meeting.decisions.get(number=number))

    for review_on in (when.review_1, when.review_2):

        def take(review_on: dt.date = review_on) -> None:
            actions.take_review(
                by=officer,
                strategy=strategy,
                review_on=review_on,
                title=f"Six-monthly review, {review_on:%B %Y}",
                made_at=_at(review_on, 17),
            )

        events.append((_at(review_on, 17), 2, take))
    _play(events)
    # The next review, scheduled: reminders go out in the fortnight before it.
    strategy.reviews.create(
        review_on=when.next_review, title=f"Six-monthly review, {when.next_review:%B %Y}"
    )
    Milestone.objects.bulk_create(
        Milestone(
            action=action,
            title=f"{LABEL} Progress report to the leadership group",
            due_on=today + dt.timedelta(days=20 + 9 * n),
        )
        for n, action in enumerate(
            Action.objects.filter(pk__in=[a.pk for a in made], status=Status.IN_PROGRESS)[:8]
        )
    )
    updates = sum(len(STORIES[s.story]) for s in DERBY_ACTIONS) + sum(
        len(STORIES[s.story]) for _, _, s in DECISION_ACTIONS
    )
    summary = (
        f"{strategy.title}: {len(made)} actions across {len({a.owner_id for a in made})} "
        f"organisations, {updates} updates, 2 reviews taken, {len(meetings)} meetings, "
        f"{len(DERBY_SIGNATORIES)} signatories (published)"
    )
    return [summary]


def _load_sheffield(context: DemoContext, today: dt.date) -> list[str]:
    rng = context.rng
    council = Area.objects.filter(level=AreaLevel.LAD, code=SHEFFIELD).first()
    owner = Organisation.objects.get(name="Sheffield City Council")
    officer = _user("demo-sheffield")
    for name, org_type in SHEFFIELD_PARTNERS:
        if not Organisation.objects.filter(name=name).exists():
            accounts.create_organisation(
                by=None,
                name=name,
                type=org_type,
                areas=[council] if council else [],
                is_synthetic=True,
            )
    organisations = {o.name: o for o in Organisation.objects.all()}
    leads = {"Sheffield City Council": officer}

    plan_start = add_months(today, -9).replace(day=1)
    # Loaded when the partnership adopted it, so each action's history starts then.
    strategy = load_template(
        SHEFFIELD_SLUG,
        owner=owner,
        council=council,
        by=None,
        made_at=_at(plan_start - dt.timedelta(days=60)),
    )
    actions.update_strategy(by=None, strategy=strategy, data={"is_synthetic": True})
    objectives = {o.code: o for o in strategy.objectives.all()}
    events: list[tuple[dt.datetime, int, object]] = []
    partner_actions = 0
    for n, (org_name, specs) in enumerate(SHEFFIELD_PLANS):
        partner = organisations[org_name]
        actions.sign_commitment(
            by=officer,
            strategy=strategy,
            organisation=partner,
            signed_by=f"Chief officer of {org_name} (demo)",
            signed_by_role="Chief executive or equivalent",
            signed_on=plan_start - dt.timedelta(days=30 - 9 * n),
        )
        plan = actions.create_plan(
            by=officer,
            strategy=strategy,
            organisation=partner,
            title=f"{org_name}: Sheffield Together action plan (demo)",
            starts_on=plan_start,
            ends_on=add_months(plan_start, 18) - dt.timedelta(days=1),
        )
        for spec in specs:
            starts = (
                today + dt.timedelta(days=45) if spec.story == "future" else plan_start
            ) + dt.timedelta(days=10 * n)
            created: list[Action] = []

            def create(
                spec: DemoAction = spec,
                plan: ActionPlan = plan,
                starts: dt.date = starts,
                created: list[Action] = created,
            ) -> None:
                created.append(
                    _create_action(
                        by=officer,
                        plan=plan,
                        spec=spec,
                        objectives=objectives,
                        organisations=organisations,
                        leads=leads,
                        starts_on=starts,
                        due_on=add_months(plan_start, 18) - dt.timedelta(days=1),
                    )
                )

            events.append((_created_at(starts, today), 0, create))
            partner_actions += 1
            for made_at, data in _updates(spec, starts, today, rng):

                def update(
                    made_at: dt.datetime = made_at,
                    data: dict[str, object] = data,
                    created: list[Action] = created,
                ) -> None:
                    actions.update_action(
                        by=officer,
                        action=created[0],
                        data=data,
                        channel=UpdateChannel.DEMO,
                        made_at=made_at,
                    )

                events.append((made_at, 1, update))
    for reference in SHEFFIELD_COUNCIL_UNDER_WAY:
        council_action = strategy.actions.get(reference=reference)
        made_at = _at(plan_start + dt.timedelta(days=rng.randint(20, 200)))

        def start(action: Action = council_action, made_at: dt.datetime = made_at) -> None:
            actions.update_action(
                by=officer,
                action=action,
                data={
                    "status": Status.IN_PROGRESS,
                    "rag": Rag.GREEN,
                    "progress": 20,
                    "commentary": _text("Under way; progress reported to the strategic group."),
                },
                channel=UpdateChannel.DEMO,
                made_at=made_at,
            )

        events.append((made_at, 1, start))
    review_on = today - dt.timedelta(days=95)

    def take() -> None:
        actions.take_review(
            by=officer,
            strategy=strategy,
            review_on=review_on,
            title=f"Review, {review_on:%B %Y}",
            made_at=_at(review_on, 17),
        )

    events.append((_at(review_on, 17), 2, take))
    _play(events)
    summary = (
        f"{strategy.title}: {len(SHEFFIELD_PLANS)} partners signed the commitment, each with "
        f"a plan ({partner_actions} actions); {len(SHEFFIELD_COUNCIL_UNDER_WAY)} of the "
        "council's actions under way; 1 review taken"
    )
    return [summary]


@demo_loader(order=60, name="Strategies: Derby Charter 2014, Sheffield Together (synthetic)")
def load_strategies(context: DemoContext) -> list[str]:
    if Strategy.objects.filter(slug__in=[DERBY_SLUG, SHEFFIELD_SLUG]).exists():
        return ["already loaded"]
    today = timezone.localdate()
    return _load_derby(context, today) + _load_sheffield(context, today)
