"""The grants demo loader: Sheffield's £30,000 fund with applications at every stage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cohesion.accounts.demo import load_accounts
from cohesion.accounts.models import Role, User
from cohesion.demo.registry import DemoContext
from cohesion.grants.demo import load_grants
from cohesion.grants.models import Application, Fund, Status

pytestmark = pytest.mark.django_db


def test_demo_loads_every_stage_once(geography):
    context = DemoContext()
    load_accounts(context)
    lines = load_grants(context)
    assert "£30,000" in lines[0]
    fund = Fund.objects.get(name__startswith="Prevention and cohesion fund")
    assert fund.budget == Decimal(30000) and fund.is_synthetic
    statuses = set(Application.objects.filter(call__fund=fund).values_list("status", flat=True))
    assert statuses >= {s.value for s in Status}
    assert fund.committed == sum(
        a.amount_awarded for a in Application.objects.filter(call__fund=fund) if a.is_awarded
    )
    declined = Application.objects.filter(status=Status.DECLINED)
    assert all(a.decision_reason for a in declined)
    assert Application.objects.get(status=Status.APPROVED_WITH_CONDITIONS).conditions
    monitored = Application.objects.get(status=Status.MONITORING)
    assert monitored.payments.exists() and monitored.monitoring_reports.exists()
    applicant = User.objects.get(username="demo-applicant")
    assert applicant.role == Role.APPLICANT and applicant.is_synthetic
    assert all(a.is_synthetic for a in Application.objects.all())
    assert load_grants(context) == ["already loaded"]
