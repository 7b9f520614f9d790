"""Builders shared by the grants tests: a Sheffield fund with an open call, groups and staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cohesion.accounts.models import OrganisationType, Role
from cohesion.areas.models import Area
from cohesion.grants import actions
from cohesion.grants.models import Application, AssessmentCriterion, Call, CallQuestion, Fund
from tests.conftest import make_organisation, make_user


def make_fund(council, owner, budget=Decimal(30000), maximum=Decimal(5000)) -> Fund:
    fund = actions.save_fund(
        by=None,
        fund=Fund(owner=owner),
        council=council,
        name="Prevention fund",
        budget=budget,
        minimum_award=Decimal(100),
        maximum_award=maximum,
        eligibility_rules=["Based in the city"],
        programme_code="PCF",
        reference_prefix="SHF",
    )
    call = actions.save_call(
        by=None,
        call=Call(fund=fund),
        title="Round 1",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    actions.save_question(
        by=None,
        question=CallQuestion(call=call),
        label="Why does it matter?",
        kind="long_text",
        max_words=50,
        order=1,
    )
    actions.save_question(
        by=None, question=CallQuestion(call=call), label="Anything else?", required=False, order=2
    )
    for name in ("Mixing", "Deliverability"):
        actions.save_criterion(
            by=None, criterion=AssessmentCriterion(call=call), name=name, max_score=5
        )
    return fund


def complete(application: Application, by, amount=Decimal(1000)) -> Application:
    q = application.call.questions.get(order=1)
    return actions.save_draft(
        by=by,
        application=application,
        title="Football for all",
        summary="Weekly football",
        legal_name=application.organisation.name,
        contact_name="Ann Example",
        contact_email="ann@example.org",
        postcode="S1 2HH",
        planned_start=dt.date(2027, 1, 1),
        planned_end=dt.date(2027, 6, 30),
        amount_requested=amount,
        answers={q.key: "Because neighbours should meet."},
    )


@pytest.fixture
def fund(sheffield, sheffield_council) -> Fund:
    return make_fund(sheffield, sheffield_council)


@pytest.fixture
def call(fund) -> Call:
    return fund.calls.get()


@pytest.fixture
def group(sheffield):
    return make_organisation(
        "Heeley Football (test)", OrganisationType.VOLUNTARY_COMMUNITY, sheffield
    )


@pytest.fixture
def other_group(sheffield):
    return make_organisation("Other Group (test)", OrganisationType.FAITH, sheffield)


@pytest.fixture
def gabi(group):
    """Grant applicant for the Heeley group."""
    return make_user("gabi", group, Role.APPLICANT)


@pytest.fixture
def otto(other_group):
    """Grant applicant for another group."""
    return make_user("otto", other_group, Role.APPLICANT)


@pytest.fixture
def shona(sheffield_council):
    """Second Sheffield officer."""
    return make_user("shona", sheffield_council, Role.COHESION_OFFICER)


@pytest.fixture
def ana(sheffield_council):
    """Sheffield analyst: may assess, may not manage."""
    return make_user("ana", sheffield_council, Role.ANALYST)


def sheffield_area() -> Area:
    return Area.objects.get(level="lad", name="Sheffield")
