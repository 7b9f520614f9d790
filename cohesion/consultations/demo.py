"""Demo consultations (synthetic): one closed Sheffield consultation on refreshing the
Sheffield Together framework, with 60 responses (online, at events and on paper),
themes and published "you said, we did" answers; and one open Derby consultation
on the future of community centres, so the response form can be tried.

Every response, name and address here is made up ("(demo)" in the titles,
`is_synthetic` on every record, contact addresses at example.org).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.bundled import DERBY, SHEFFIELD
from cohesion.areas.models import Area
from cohesion.consultations import actions
from cohesion.consultations.models import Channel, Consultation, Question, QuestionKind
from cohesion.demo.registry import DemoContext, demo_loader
from cohesion.strategies.models import Action

GET_ON = ["Very well", "Fairly well", "Not very well", "Not at all well", "Don't know"]
GET_ON_WEIGHTS = [14, 26, 12, 4, 4]
PRIORITIES = [
    "Activities that bring young people together",
    "Making it easier to report hate incidents",
    "Keeping community centres open",
    "Welcoming new arrivals, including English classes",
    "Mediation when neighbours fall out",
]
# What people wrote, and the theme it belongs to (index into THEMES).
COMMENTS = [
    ("There is nothing for teenagers round here that mixes schools.", 0),
    ("A youth club where kids from both estates go would help most.", 0),
    ("Football and music sessions for young people of all backgrounds.", 0),
    ("I did not know where to report abuse I got on the bus.", 1),
    ("Reporting online was confusing and nobody got back to me.", 1),
    ("Make the hate crime reporting centres better known.", 1),
    ("Our community centre is the only place different groups meet.", 2),
    ("Please do not close the centre on our road.", 2),
    ("Free English classes near where people live.", 3),
    ("A welcome pack for families who have just arrived.", 3),
    ("The draft is full of jargon; say it plainly.", 4),
    ("An easy read version would help my dad respond.", 4),
]
THEMES = [
    (
        "More for young people to do together",
        (
            "Young people from different schools and estates rarely meet; people asked for "
            "youth activities that mix them."
        ),
        "changed",
        (
            "We added an action to the framework: two mixed youth programmes a year in each "
            "locality, funded from the prevention fund, starting next spring."
        ),
    ),
    (
        "Reporting hate incidents is hard",
        "People did not know where to report, and some who did never heard back.",
        "partly",
        (
            "We will publish the list of reporting centres in six languages and reply to every "
            "report within ten working days. We could not fund a new helpline this year."
        ),
    ),
    (
        "Keep community centres open",
        "Community centres are where different groups meet; people asked us not to close them.",
        "not_changed",
        (
            "Decisions on buildings are made in the council's budget, not in this framework. We "
            "have passed every comment to the review of community buildings, which will consult "
            "separately."
        ),
    ),
    (
        "Welcome newcomers and offer English classes",
        "People asked for a welcome for new arrivals and English classes close to home.",
        "changed",
        (
            "The framework now includes a welcome pack for new arrivals and English conversation "
            "classes in four libraries."
        ),
    ),
    (
        "Say it in plain English",
        "The draft was hard to read, and there was no easy read version.",
        "changed",
        (
            "We rewrote the framework in plain English and published easy read and large print "
            "versions alongside it."
        ),
    ),
]
CHANNELS = [Channel.ONLINE] * 38 + [Channel.EVENT] * 14 + [Channel.PAPER] * 8
ALL_FORMATS = ["easy_read", "large_print", "audio", "bsl", "paper"]


def _questions(consultation: Consultation, kinds: list[tuple[str, str, list[str], bool]]) -> None:
    for kind, text, choices, required in kinds:
        actions.save_question(
            by=None,
            consultation=consultation,
            kind=kind,
            text=text,
            choices=choices,
            required=required,
        )


def _answers(
    questions: list[Question], rng: Any, comment: str, rating: int, get_on: str
) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in questions:
        if q.kind == QuestionKind.SINGLE_CHOICE:
            out[q.pk] = get_on
        elif q.kind == QuestionKind.MULTIPLE_CHOICE:
            out[q.pk] = rng.sample(q.choices, rng.randint(1, 3))
        elif q.kind == QuestionKind.RATING:
            out[q.pk] = rating
        elif q.required or comment:
            out[q.pk] = comment
    return out


def _sheffield(council: Area, owner: Organisation, rng: Any, today: dt.date) -> int:
    consultation = actions.save_consultation(
        by=None,
        council=council,
        organisation=owner,
        title="Refreshing Sheffield Together: have your say (demo)",
        subject=(
            "We are refreshing the Sheffield Together framework and its action plan. Tell us "
            "what would make the most difference to how people get on where you live. This is "
            "synthetic demonstration data."
        ),
        audience="Everyone who lives, works or studies in Sheffield, and community groups.",
        opens_on=today - dt.timedelta(days=150),
        closes_on=today + dt.timedelta(days=1),
        accessible_formats=ALL_FORMATS,
        languages=["Arabic", "Urdu", "Slovak", "Somali", "Chinese (Mandarin)"],
        channels=[Channel.ONLINE, Channel.EVENT, Channel.PAPER],
        how_to_ask=(
            "Email cohesion@example.org or call 0114 000 0000 (demo) and say which format or "
            "language you need. Paper forms can be posted free to Freepost COHESION DEMO."
        ),
        strategy_actions=Action.objects.filter(strategy__council=council).order_by("pk")[:2],
        is_synthetic=True,
    )
    _questions(
        consultation,
        [
            (
                QuestionKind.SINGLE_CHOICE,
                "How well do people from different backgrounds get on in your area?",
                GET_ON,
                True,
            ),
            (
                QuestionKind.MULTIPLE_CHOICE,
                "Which of these should be priorities? Choose up to three.",
                PRIORITIES,
                False,
            ),
            (QuestionKind.RATING, "How would you rate the draft framework overall?", [], False),
            (
                QuestionKind.FREE_TEXT,
                "What would make the biggest difference where you live?",
                [],
                False,
            ),
        ],
    )
    actions.open_consultation(by=None, consultation=consultation)
    questions = list(consultation.questions.all())
    tagged: list[tuple[Any, int]] = []
    for i, channel in enumerate(CHANNELS):
        text, theme = COMMENTS[i % len(COMMENTS)]
        get_on = rng.choices(GET_ON, weights=GET_ON_WEIGHTS)[0]
        asks = i % 6 == 0 and channel != Channel.EVENT
        response = actions.record_response(
            by=None,
            consultation=consultation,
            channel=channel,
            answers=_answers(questions, rng, text, rng.choice([2, 3, 3, 4, 4, 4, 5]), get_on),
            wants_feedback=asks,
            contact_name=f"Resident {i + 1} (demo)" if asks else "",
            contact_email=f"resident{i + 1}@example.org" if asks else "",
            received_at=timezone.now() - dt.timedelta(days=140 - 2 * i),
            event_name="Sheffield Together listening event, Firth Park (demo)"
            if channel == Channel.EVENT
            else "",
            is_synthetic=True,
        )
        tagged.append((response, theme))
    actions.close_consultation(by=None, consultation=consultation)
    # The real dates, now that the responses are in.
    actions.save_consultation(
        by=None,
        consultation=consultation,
        council=council,
        organisation=owner,
        title=consultation.title,
        subject=consultation.subject,
        audience=consultation.audience,
        opens_on=today - dt.timedelta(days=150),
        closes_on=today - dt.timedelta(days=20),
        accessible_formats=consultation.accessible_formats,
        languages=consultation.languages,
        channels=consultation.channels,
        how_to_ask=consultation.how_to_ask,
    )
    themes = [
        actions.save_theme(by=None, consultation=consultation, title=title, summary=summary)
        for title, summary, _, _ in THEMES
    ]
    for response, index in tagged:
        actions.tag_response(by=None, response=response, themes=[themes[index]])
    for made, (_, _, outcome, we_did) in zip(themes, THEMES, strict=True):
        actions.save_answer(by=None, theme=made, we_did=we_did, outcome=outcome)
    actions.publish_answers(by=None, consultation=consultation)
    return len(tagged)


def _derby(council: Area, owner: Organisation, rng: Any, today: dt.date) -> int:
    consultation = actions.save_consultation(
        by=None,
        council=council,
        organisation=owner,
        title="The future of Derby's community centres (demo)",
        subject=(
            "We want community centres to be places where people from different backgrounds "
            "meet. Tell us how you use them and what would bring more people in. This is "
            "synthetic demonstration data: try the form."
        ),
        audience="Residents of Derby, community groups and people who run activities in centres.",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=40),
        accessible_formats=["easy_read", "large_print", "bsl", "paper"],
        languages=["Polish", "Punjabi", "Urdu", "Slovak"],
        channels=[Channel.ONLINE, Channel.EVENT, Channel.PAPER],
        how_to_ask=(
            "Email communities@example.org or call 01332 000 000 (demo). We can post you a "
            "paper form with a freepost envelope."
        ),
        is_synthetic=True,
    )
    _questions(
        consultation,
        [
            (
                QuestionKind.SINGLE_CHOICE,
                "How often do you use a community centre?",
                ["Every week", "Every month", "A few times a year", "Never"],
                True,
            ),
            (
                QuestionKind.MULTIPLE_CHOICE,
                "What would bring you to a community centre?",
                ["Activities for children", "Classes", "Cultural and faith events", "Sport"],
                False,
            ),
            (QuestionKind.RATING, "How welcoming is your nearest community centre?", [], False),
            (
                QuestionKind.FREE_TEXT,
                "What one thing should change?",
                [],
                False,
            ),
        ],
    )
    actions.open_consultation(by=None, consultation=consultation)
    questions = list(consultation.questions.all())
    for i in range(7):
        actions.record_response(
            by=None,
            consultation=consultation,
            channel=Channel.ONLINE if i < 5 else Channel.PAPER,
            answers=_answers(
                questions,
                rng,
                "Longer opening hours at weekends." if i % 2 else "",
                rng.randint(2, 5),
                rng.choice(questions[0].choices),
            ),
            received_at=timezone.now() - dt.timedelta(days=9 - i),
            is_synthetic=True,
        )
    return 7


@demo_loader(order=76, name="Consultations (synthetic)")
def load_consultations(context: DemoContext) -> list[str]:
    if Consultation.objects.filter(is_synthetic=True).exists():
        return ["already loaded"]
    councils = {a.code: a for a in Area.objects.filter(code__in=[DERBY, SHEFFIELD])}
    owners = {
        o.name: o
        for o in Organisation.objects.filter(
            name__in=["Derby City Council", "Sheffield City Council"]
        )
    }
    if len(councils) < 2 or len(owners) < 2:
        return ["no councils or organisations: load the geography and accounts first"]
    today = timezone.localdate()
    sheffield = _sheffield(
        councils[SHEFFIELD], owners["Sheffield City Council"], context.rng, today
    )
    derby = _derby(councils[DERBY], owners["Derby City Council"], context.rng, today)
    return [
        (
            f"Sheffield consultation, closed and answered: {sheffield} responses, "
            f"{len(THEMES)} themes with published answers"
        ),
        f"Derby consultation, open: {derby} responses so far",
    ]
