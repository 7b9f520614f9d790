"""The mediation part of the JSON API at /api/v1/mediation/: read-only, same scope as the pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.mediation.access import cases_visible_to, get_case_for_user
from cohesion.mediation.models import MediationCase

router = Router(tags=["mediation"], auth=django_auth)


class PartyOut(Schema):
    kind: str
    name: str


class CaseOut(Schema):
    uuid: str
    reference: str
    title: str
    area_code: str
    area_name: str
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    outcome: str
    mediator: str
    parties: list[PartyOut]
    sessions: int


def _out(case: MediationCase) -> CaseOut:
    return CaseOut(
        uuid=str(case.uuid),
        reference=case.reference,
        title=case.title,
        area_code=case.area.code,
        area_name=case.area.name,
        status=case.status,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        outcome=case.outcome,
        mediator=case.mediator.display_name if case.mediator else "",
        parties=[PartyOut(kind=p.kind, name=str(p)) for p in case.parties.all()],
        sessions=len(case.sessions.all()),
    )


@router.get("/cases", response=list[CaseOut], summary="Mediation cases you may see")
def cases(request: HttpRequest) -> list[CaseOut]:
    user: User = request.user  # type: ignore[assignment]
    rows = (
        cases_visible_to(user)
        .select_related("area", "mediator")
        .prefetch_related("parties__organisation", "sessions")
    )
    return [_out(case) for case in rows[:500]]


@router.get("/cases/{case_uuid}", response=CaseOut, summary="One mediation case")
def case(request: HttpRequest, case_uuid: str) -> CaseOut:
    user: User = request.user  # type: ignore[assignment]
    return _out(get_case_for_user(user, case_uuid))
