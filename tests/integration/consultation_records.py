"""Helpers shared by the consultation tests: a Derby consultation with every kind of question."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.consultations import actions
from cohesion.consultations.models import Consultation, QuestionKind

CHOICES = ["Very well", "Fairly well", "Not well"]
PRIORITIES = ["Youth", "Reporting", "Centres"]


def make_consultation(
    council: Area, organisation: Organisation, by: User | None = None, *, open_it: bool = True
) -> Consultation:
    today = timezone.localdate()
    consultation = actions.save_consultation(
        by=by,
        council=council,
        organisation=organisation,
        title="Community centres (test)",
        subject="How should community centres be used?",
        audience="Residents",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        accessible_formats=["easy_read", "bsl"],
        languages=["Polish", "Urdu"],
        channels=["online", "paper"],
        how_to_ask="Call 01332 000000",
    )
    for kind, text, choices, required in [
        (QuestionKind.SINGLE_CHOICE, "How well do people get on?", CHOICES, True),
        (QuestionKind.MULTIPLE_CHOICE, "Which priorities?", PRIORITIES, False),
        (QuestionKind.RATING, "Rate the centre", [], False),
        (QuestionKind.FREE_TEXT, "What should change?", [], False),
    ]:
        actions.save_question(
            by=by,
            consultation=consultation,
            kind=kind,
            text=text,
            choices=choices,
            required=required,
        )
    if open_it:
        consultation = actions.open_consultation(by=by, consultation=consultation)
    return consultation


def questions(consultation: Consultation) -> dict[str, Any]:
    return {q.kind: q for q in consultation.questions.all()}


def answer(consultation: Consultation, **kw: Any) -> dict[int, Any]:
    """Answers keyed by question id from keyword names single/multiple/rating/text."""
    q = questions(consultation)
    out: dict[int, Any] = {q[QuestionKind.SINGLE_CHOICE].pk: kw.get("single", CHOICES[0])}
    if "multiple" in kw:
        out[q[QuestionKind.MULTIPLE_CHOICE].pk] = kw["multiple"]
    if "rating" in kw:
        out[q[QuestionKind.RATING].pk] = kw["rating"]
    if "text" in kw:
        out[q[QuestionKind.FREE_TEXT].pk] = kw["text"]
    return out
