"""/api/v1/consultations/: public consultations, responses and results; staff endpoints.

Public endpoints (no sign-in) read consultations that are not drafts, accept
an online response to an open one (rate limited like the form) and give the
published results with the same disclosure control as the page. Staff
endpoints use the same access helpers and actions as the pages: a
consultation someone may not see or change is a 404, the same as a missing
one; a move the workflow refuses is a 409 and bad input a 422. Contact
details are never returned by the API.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.consultations import access, actions
from cohesion.consultations.models import Consultation, Response
from cohesion.consultations.models import Status as CStatus
from cohesion.consultations.results import results_for, results_json

router = Router(tags=["consultations"])


class QuestionOut(Schema):
    id: int
    order: int
    kind: str
    text: str
    hint: str
    choices: list[str]
    required: bool


class ConsultationOut(Schema):
    uuid: str
    title: str
    council_code: str
    council_name: str
    organisation: str
    subject: str
    audience: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    accessible_formats: list[str]
    languages: list[str]
    channels: list[str]
    how_to_ask: str
    answers_published_at: dt.datetime | None
    is_synthetic: bool
    questions: list[QuestionOut]


class ResponseIn(Schema):
    answers: dict[int, Any] = Field(
        ...,
        description="Question id -> answer: text, one choice, a list of choices, or a rating 1-5",
    )
    wants_feedback: bool = False
    name: str = ""
    email: str = ""


class ReceiptOut(Schema):
    reference: str


class StaffResponseIn(ResponseIn):
    channel: str = Field(..., description="paper or event")
    received_on: dt.date | None = None
    event_name: str = ""


class StaffResponseOut(Schema):
    uuid: str
    reference: str
    channel: str
    received_at: dt.datetime
    event_name: str
    wants_feedback: bool
    themes: list[str]
    answers: dict[str, Any]


class DetailOut(Schema):
    detail: str


class ProblemsOut(Schema):
    detail: str
    problems: dict[str, list[str]]


class PublicationOut(Schema):
    published_at: dt.datetime
    themes_answered: int


def _out(c: Consultation) -> dict[str, Any]:
    return {
        "uuid": str(c.uuid),
        "title": c.title,
        "council_code": c.council.code,
        "council_name": c.council.name,
        "organisation": c.organisation.name,
        "subject": c.subject,
        "audience": c.audience,
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "status": c.status,
        "accessible_formats": c.accessible_formats,
        "languages": c.languages,
        "channels": c.channels,
        "how_to_ask": c.how_to_ask,
        "answers_published_at": c.answers_published_at,
        "is_synthetic": c.is_synthetic,
        "questions": [
            {
                "id": q.pk,
                "order": q.order,
                "kind": q.kind,
                "text": q.text,
                "hint": q.hint,
                "choices": q.choices,
                "required": q.required,
            }
            for q in c.questions.all()
        ],
    }


def _problems(error: ValidationError) -> Status[ProblemsOut]:
    problems = (
        {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        if hasattr(error, "error_dict")
        else {"__all__": [str(m) for m in error.messages]}
    )
    return Status(422, ProblemsOut(detail="The request has problems", problems=problems))


def _staff(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not access.can_view_any(user):
        raise Http404
    return user


# --- Public ---------------------------------------------------------------------------------


@router.get("/", response=list[ConsultationOut], summary="Consultations that are not drafts")
def list_public(request: HttpRequest) -> list[dict[str, Any]]:
    qs = (
        access.public_consultations()
        .select_related("organisation")
        .prefetch_related("questions")
        .order_by("-closes_on", "title")
    )
    return [_out(c) for c in qs]


@router.get("/{key}", response=ConsultationOut, summary="One consultation and its questions")
def get_public(request: HttpRequest, key: str) -> dict[str, Any]:
    return _out(access.get_public_consultation(key))


@router.get(
    "/{key}/results",
    response={200: dict[str, Any], 404: DetailOut},
    summary="Published results, with disclosure control",
)
def get_results(request: HttpRequest, key: str) -> Any:
    consultation = access.get_public_consultation(key)
    if consultation.status != CStatus.ANSWERED:
        raise Http404
    return results_json(results_for(consultation))


@router.post(
    "/{key}/responses",
    response={201: ReceiptOut, 404: DetailOut, 409: DetailOut, 422: ProblemsOut, 429: DetailOut},
    summary="Respond to an open consultation (no account needed)",
)
def respond(request: HttpRequest, key: str, payload: ResponseIn) -> Any:
    consultation = access.get_public_consultation(key)
    try:
        response = actions.submit_online_response(
            consultation=consultation,
            answers=payload.answers,
            client_address=request.META.get("REMOTE_ADDR", ""),
            wants_feedback=payload.wants_feedback,
            contact_name=payload.name,
            contact_email=payload.email,
        )
    except actions.RateLimited:
        return Status(429, DetailOut(detail="Too many responses from this address; try later"))
    except actions.ConsultationError as refused:
        return Status(409, DetailOut(detail=str(refused)))
    except ValidationError as error:
        return _problems(error)
    return Status(201, ReceiptOut(reference=response.reference))


# --- Staff ----------------------------------------------------------------------------------


@router.get(
    "/manage/all",
    response=list[ConsultationOut],
    auth=django_auth,
    summary="Consultations in your councils, drafts included",
)
def list_staff(request: HttpRequest) -> list[dict[str, Any]]:
    user = _staff(request)
    qs = access.consultations_visible_to(user).prefetch_related("questions")
    return [_out(c) for c in qs]


@router.get(
    "/manage/{key}/responses",
    response=list[StaffResponseOut],
    auth=django_auth,
    summary="Responses (without contact details)",
)
def list_responses(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    user = _staff(request)
    consultation = access.get_consultation_for_user(user, key)
    responses = consultation.responses.prefetch_related("themes", "answers__question")
    return [_response_out(r) for r in responses]


def _response_out(r: Response) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for a in r.answers.all():
        value: Any = a.text or a.rating or a.choices
        answers[str(a.question_id)] = value
    return {
        "uuid": str(r.uuid),
        "reference": r.reference,
        "channel": r.channel,
        "received_at": r.received_at,
        "event_name": r.event_name,
        "wants_feedback": r.wants_feedback,
        "themes": [t.title for t in r.themes.all()],
        "answers": answers,
    }


@router.post(
    "/manage/{key}/responses",
    response={201: StaffResponseOut, 404: DetailOut, 409: DetailOut, 422: ProblemsOut},
    auth=django_auth,
    summary="Enter a paper or event response",
)
def enter_response(request: HttpRequest, key: str, payload: StaffResponseIn) -> Any:
    user = _staff(request)
    consultation = access.get_consultation_for_manager(user, key)
    if payload.channel not in ("paper", "event"):
        return _problems(ValidationError({"channel": "Use paper or event"}))
    received = None
    if payload.received_on is not None:
        received = dt.datetime.combine(payload.received_on, dt.time(12), tzinfo=dt.UTC)
    try:
        response = actions.record_response(
            by=user,
            consultation=consultation,
            channel=payload.channel,
            answers=payload.answers,
            wants_feedback=payload.wants_feedback,
            contact_name=payload.name,
            contact_email=payload.email,
            received_at=received,
            event_name=payload.event_name,
        )
    except actions.ConsultationError as refused:
        return Status(409, DetailOut(detail=str(refused)))
    except ValidationError as error:
        return _problems(error)
    return Status(201, _response_out(response))


@router.post(
    "/manage/{key}/status/{to}",
    response={200: ConsultationOut, 404: DetailOut, 409: DetailOut},
    auth=django_auth,
    summary="Open or close a consultation (to: open or close)",
)
def change_status(request: HttpRequest, key: str, to: str) -> Any:
    user = _staff(request)
    consultation = access.get_consultation_for_manager(user, key)
    try:
        if to == "open":
            consultation = actions.open_consultation(by=user, consultation=consultation)
        elif to == "close":
            consultation = actions.close_consultation(by=user, consultation=consultation)
        else:
            raise Http404
    except actions.ConsultationError as refused:
        return Status(409, DetailOut(detail=str(refused)))
    return _out(consultation)


@router.post(
    "/manage/{key}/publish",
    response={201: PublicationOut, 404: DetailOut, 409: DetailOut},
    auth=django_auth,
    summary="Publish the written answers and tell contributors who asked",
)
def publish(request: HttpRequest, key: str) -> Any:
    user = _staff(request)
    consultation = access.get_consultation_for_manager(user, key)
    try:
        publication = actions.publish_answers(by=user, consultation=consultation)
    except actions.ConsultationError as refused:
        return Status(409, DetailOut(detail=str(refused)))
    return Status(
        201,
        PublicationOut(
            published_at=publication.published_at, themes_answered=publication.themes_answered
        ),
    )
