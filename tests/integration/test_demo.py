"""`cohesion demo load` is deterministic, idempotent and labels everything synthetic."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cohesion.accounts.demo import ACCOUNTS, DEMO_PASSWORD
from cohesion.accounts.models import Organisation, Role, User
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.demo.registry import loaders

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("demo", "load", stdout=out)
    return out.getvalue()


# Loading the whole demo takes tens of seconds, so each test below loads it once
# (twice for idempotence) and checks everything that load should have made.


def test_demo_load_makes_synthetic_accounts_organisations_and_sign_ins(client, geography):
    output = _load()
    users = User.objects.filter(username__startswith="demo-")
    assert {u.role for u in users} == {r.value for r in Role}
    assert all(u.is_synthetic for u in users)
    assert all(o.is_synthetic for o in Organisation.objects.all())
    assert "(demo)" in users.get(username="demo-officer").last_name
    assert f"password for every demo account: {DEMO_PASSWORD}" in output
    assert "Demo data loaded. All people and records are synthetic." in output
    assert AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).count() == 1
    # The Derby leadership group's members, and every partner type.
    names = set(Organisation.objects.values_list("name", flat=True))
    for member in (
        "Derby City Council",
        "Derbyshire Constabulary",
        "Derbyshire Probation Trust",
        "Derby Homes",
        "Diocese of Derby",
        "St James's Centre",
        "Enthusiasm Trust",
    ):
        assert member in names
    assert {o.type for o in Organisation.objects.all()} >= {
        "council",
        "police",
        "probation",
        "housing",
        "school",
        "college_university",
        "health",
        "voluntary_community",
        "faith",
        "business",
    }
    # The partner covers two wards only.
    pat = User.objects.get(username="demo-partner")
    assert sorted(pat.areas.values_list("name", flat=True)) == ["Arboretum", "Normanton"]
    # The printed password works.
    response = client.post(
        reverse("login"), {"username": "demo-officer", "password": DEMO_PASSWORD}, follow=True
    )
    assert "Welcome, Olu Officer (demo)" in response.text
    assert "Derby" in response.text


def test_demo_load_twice_changes_nothing(geography):
    _load()
    before = (User.objects.count(), Organisation.objects.count())
    _load()
    assert (User.objects.count(), Organisation.objects.count()) == before
    # One account per role of the partnership, plus the grants demo's community group
    # applicant; the partnership's 18 organisations plus the 13 groups applying for grants.
    assert before == (len(ACCOUNTS) + 1, 18 + 13)
    assert Organisation.objects.filter(grant_applications__isnull=False).distinct().count() == 13


def test_loaders_run_geography_first_then_accounts():
    names = [loader.name for loader in loaders()]
    assert names.index("Geography (real ONS open data)") < names.index(
        "Organisations and demo accounts"
    )
