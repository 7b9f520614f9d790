"""/api/v1/grants/: funds with their live remaining budget, the applications the caller
may see, and status changes through the same actions (and checks) as the pages.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.grants import access, actions
from cohesion.grants.models import Application, Fund
from cohesion.grants.workflow import WorkflowError

router = Router(tags=["grants"], auth=django_auth)


class FundOut(Schema):
    uuid: str
    name: str
    council_code: str
    council_name: str
    budget: Decimal
    committed: Decimal
    remaining: Decimal
    minimum_award: Decimal
    maximum_award: Decimal
    eligibility_rules: list[str]
    programme_code: str
    is_published: bool


class ApplicationOut(Schema):
    uuid: str
    reference: str
    fund: str
    call: str
    organisation: str
    title: str
    status: str
    amount_requested: Decimal | None
    amount_awarded: Decimal | None
    award_date: dt.date | None
    submitted_at: dt.datetime | None
    decision_reason: str
    conditions: str
    more_info_request: str


class TransitionIn(Schema):
    action: str = Field(
        ...,
        description=(
            "submit, withdraw, begin_screening, screen, move_to_decision, "
            "return_to_assessment, decide or close"
        ),
    )
    outcome: str = Field(
        "", description="screen: eligible/more_info/ineligible; decide: approve/..."
    )
    reason: str = ""
    conditions: str = ""
    amount: Decimal | None = None


class Problem(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _fund(f: Fund) -> dict[str, object]:
    return {
        "uuid": str(f.uuid),
        "name": f.name,
        "council_code": f.council.code,
        "council_name": f.council.name,
        "budget": f.budget,
        "committed": f.committed,
        "remaining": f.remaining,
        "minimum_award": f.minimum_award,
        "maximum_award": f.maximum_award,
        "eligibility_rules": list(f.eligibility_rules),
        "programme_code": f.programme_code,
        "is_published": f.is_published,
    }


def _application(a: Application) -> dict[str, object]:
    return {
        "uuid": str(a.uuid),
        "reference": a.reference,
        "fund": a.call.fund.name,
        "call": a.call.title,
        "organisation": a.organisation.name,
        "title": a.title,
        "status": a.status,
        "amount_requested": a.amount_requested,
        "amount_awarded": a.amount_awarded,
        "award_date": a.award_date,
        "submitted_at": a.submitted_at,
        "decision_reason": a.decision_reason,
        "conditions": a.conditions,
        "more_info_request": a.more_info_request,
    }


@router.get("/funds", response=list[FundOut])
def list_funds(request: HttpRequest) -> list[dict[str, object]]:
    funds = access.funds_visible_to(_user(request)).select_related("council")
    return [_fund(f) for f in funds]


@router.get("/applications", response=list[ApplicationOut])
def list_applications(request: HttpRequest) -> list[dict[str, object]]:
    qs = (
        access.applications_visible_to(_user(request))
        .select_related("call__fund", "organisation")
        .order_by("reference")
    )
    return [_application(a) for a in qs]


@router.get("/applications/{key}", response=ApplicationOut)
def get_application(request: HttpRequest, key: str) -> dict[str, object]:
    return _application(access.get_application_for_user(_user(request), key))


@router.post("/applications/{key}/transition", response={200: ApplicationOut, 400: Problem})
def transition(request: HttpRequest, key: str, body: TransitionIn) -> Any:
    user = _user(request)
    application = access.get_application_for_user(user, key)
    a = body.action
    try:
        if a == "submit":
            result = actions.submit(by=user, application=application)
        elif a == "withdraw":
            result = actions.withdraw(by=user, application=application, reason=body.reason)
        elif a == "begin_screening":
            result = actions.begin_screening(by=user, application=application)
        elif a == "screen":
            result = actions.screen(
                by=user, application=application, outcome=body.outcome, reason=body.reason
            )
        elif a == "move_to_decision":
            result = actions.move_to_decision(by=user, application=application, note=body.reason)
        elif a == "return_to_assessment":
            result = actions.return_to_assessment(
                by=user, application=application, note=body.reason
            )
        elif a == "decide":
            result = actions.decide(
                by=user,
                application=application,
                outcome=body.outcome,
                reason=body.reason,
                conditions=body.conditions,
                amount=body.amount,
            )
        elif a == "close":
            result = actions.close(by=user, application=application, note=body.reason)
        else:
            raise HttpError(400, f"Unknown action {a!r}")
    except WorkflowError as error:
        return Status(400, Problem(detail=str(error)))
    except Http404:
        raise
    return _application(
        Application.objects.select_related("call__fund", "organisation").get(pk=result.pk)
    )
