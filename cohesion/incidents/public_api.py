"""Public (no sign-in) report submission in the JSON API: POST /api/v1/reports/.

For reporting centres' own apps. The body carries the same answers as the web
journey and is checked by the same forms, so the rules and messages match. An
`Idempotency-Key` header (a UUID the client makes once per report) is required:
a retry with the same key returns the first report's reference with 200, never
a second record. No session, so no CSRF: ninja checks CSRF only in session auth.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Router, Schema
from ninja.responses import Status

from cohesion.incidents.public import forms as f
from cohesion.incidents.public.submission import (
    RateLimited,
    SubmissionRejected,
    submit,
)

router = Router(tags=["public reports"])


class ReportIn(Schema):
    narrative: str = Field(..., description="What happened, in the reporter's words")
    occurred_on: str = Field(
        ..., description="Date it happened, YYYY-MM-DD", examples=["2025-03-14"]
    )
    place: str = Field(
        "", description="GSS code of a ward, or of the council when the ward is not known"
    )
    place_description: str = Field("", description="No house numbers or postcodes")
    latitude: float | None = Field(None, description="WGS84; used instead of `place` if given")
    longitude: float | None = None
    strands: list[str] = Field(..., description='Hate strand codes as perceived, or ["not_sure"]')
    incident_types: list[str] = Field(..., description="Incident type codes")
    reporter_role: str = Field(..., description="victim, witness, third_party_agency or anonymous")
    victim_sex: str = ""
    victim_age_band: str = ""
    victim_ethnicity: str = ""
    consent_to_contact: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent_to_share: list[str] = Field(
        default_factory=list, description="police, council, named_partners; empty for none"
    )


class ReportOut(Schema):
    reference: str


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


# API field → the form field its message belongs to (where the names differ).
_FIELD_NAMES = {"day": "occurred_on", "month": "occurred_on", "year": "occurred_on"}


def _form_data(body: ReportIn) -> list[tuple[type[f.StepForm], dict[str, Any]]]:
    year, _dash, rest = body.occurred_on.partition("-")
    month, _dash, day = rest.partition("-")
    anonymous = body.reporter_role == "anonymous"
    steps: list[tuple[type[f.StepForm], dict[str, Any]]] = [
        (f.NarrativeForm, {"narrative": body.narrative}),
        (f.WhenForm, {"day": day, "month": month, "year": year}),
        (
            f.WhereForm,
            {
                "place": body.place,
                "place_description": body.place_description,
                "latitude": "" if body.latitude is None else str(body.latitude),
                "longitude": "" if body.longitude is None else str(body.longitude),
            },
        ),
        (f.TargetedForm, {"strands": body.strands}),
        (f.IncidentTypeForm, {"incident_types": body.incident_types}),
        (f.WhoForm, {"reporter_role": body.reporter_role}),
        (
            f.AboutForm,
            {
                "victim_sex": body.victim_sex,
                "victim_age_band": body.victim_age_band,
                "victim_ethnicity": body.victim_ethnicity,
            },
        ),
        (f.ShareForm, {"consent_to_share": body.consent_to_share or [f.SHARE_NONE]}),
    ]
    if not anonymous:
        steps.append(
            (
                f.ContactForm,
                {
                    "consent_to_contact": f.YES if body.consent_to_contact else f.NO,
                    "contact_name": body.contact_name,
                    "contact_phone": body.contact_phone,
                    "contact_email": body.contact_email,
                },
            )
        )
    return steps


def validate(body: ReportIn) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers as the journey stores them, and the errors by API field name."""
    answers: dict[str, Any] = {"consent_to_contact": f.NO}
    errors: dict[str, list[str]] = {}
    for form_class, data in _form_data(body):
        form = form_class(data)
        if form.is_valid():
            answers.update(form.to_answers())
            continue
        for name, messages in form.errors.items():
            key = _FIELD_NAMES.get(name, name)
            for message in messages:
                if message not in errors.get(key, []):
                    errors.setdefault(key, []).append(str(message))
    return answers, errors


@router.post(
    "/",
    auth=None,
    response={200: ReportOut, 201: ReportOut, 400: Problem, 422: Problem, 429: Problem},
    summary="Send a hate incident report (no sign-in)",
)
def create_report(
    request: HttpRequest,
    response: HttpResponse,
    body: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
) -> Status[Any]:
    try:
        key = uuid.UUID(idempotency_key.strip())
    except ValueError:
        return Status(
            400,
            Problem(detail="Send an Idempotency-Key header holding a UUID, made once per report."),
        )
    answers, errors = validate(body)
    if errors:
        return Status(422, Problem(detail="Some answers need correcting.", errors=errors))
    try:
        submitted = submit(
            answers,
            idempotency_key=key,
            client_address=request.META.get("REMOTE_ADDR", ""),
            language=getattr(request, "LANGUAGE_CODE", ""),
            via="api",
        )
    except RateLimited:
        minutes = settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES
        response["Retry-After"] = str(minutes * 60)
        return Status(
            429,
            Problem(
                detail=f"Too many reports from this address; try again within {minutes} minutes."
            ),
        )
    except SubmissionRejected as exc:
        return Status(422, Problem(detail=str(exc), errors={"place": [str(exc)]}))
    # A concurrent duplicate that lost the race gets the first record: 200, not 201.
    status = 201 if submitted.created else 200
    return Status(status, ReportOut(reference=submitted.incident.reference))
