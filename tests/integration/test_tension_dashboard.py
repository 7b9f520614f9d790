"""Tension assessments, approval by a second person, the dashboard and ward history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohesion.accounts.models import Role, User
from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.tensions import actions
from cohesion.tensions import choices as c
from cohesion.tensions.models import AssessmentAction, TensionAssessment
from tests.conftest import make_user
from tests.integration.test_tensions import ABBEY, NORMANTON, _scale, make_item, ward  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def tess(derby_council) -> User:
    """A second cohesion officer at Derby City Council: the approver."""
    return make_user("tess", derby_council, Role.COHESION_OFFICER)


def assess(by: User, area: Area, level: int, start: int, end: int, **fields: object):
    data: dict[str, object] = {
        "area": area,
        "period_start": days(start),
        "period_end": days(end),
        "assessment_type": c.AssessmentType.ROUTINE_WEEKLY,
        "level": level,
        "trend": c.Trend.STABLE,
        "confidence": c.Confidence.MEDIUM,
        "next_review_on": days(end + 7),
    }
    data.update(fields)
    return actions.record_assessment(by=by, data=data)


def approved(by: User, approver: User, area: Area, level: int, start: int, end: int, **fields):
    assessment = assess(by, area, level, start, end, **fields)
    actions.approve_assessment(assessment=assessment, by=approver)
    return assessment


def form_data(area: Area, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "area": str(area.pk),
        "period_start": days(-6).isoformat(),
        "period_end": days(0).isoformat(),
        "assessment_type": "routine_weekly",
        "level": "2",
        "trend": "rising",
        "confidence": "high",
        "evidenced_summary": "Three reports of graffiti near the mosque.",
        "next_review_on": days(7).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def picture(olu, tess, derby):
    """Normanton: approved 2 then approved 4 (latest), an unapproved 5 and a future 0."""
    normanton = ward(NORMANTON)
    approved(olu, tess, normanton, 2, -20, -14)
    latest = approved(
        olu, tess, normanton, 4, -13, -7, trend=c.Trend.RISING, next_review_on=days(-1)
    )
    assess(olu, normanton, 5, -6, 0)
    approved(olu, tess, normanton, 0, 1, 7)
    council = approved(olu, tess, derby, 1, -13, -7)
    return {"latest": latest, "council": council}


def _row(html: str, code: str) -> str:
    match = re.search(
        rf'<tr class="govuk-table__row" data-ward="{code}">(.*?)</tr>', html, re.DOTALL
    )
    assert match, code
    return re.sub(r"\s+", " ", match.group(1))


# --- Recording and approving -----------------------------------------------------------------


def test_officer_records_an_assessment_with_the_scale_offered(client, olu):
    client.force_login(olu)
    page = client.get(reverse("assessment-new"))
    assert "3 Significant: Planned events or counter-events" in page.text
    item = make_item(olu, ward(NORMANTON).council, NORMANTON)
    response = client.post(
        reverse("assessment-new"), form_data(ward(NORMANTON), linked_items=[str(item.pk)])
    )
    assessment = TensionAssessment.objects.get()
    assert response["Location"] == reverse("assessment-detail", args=[assessment.uuid])
    assert assessment.reference.startswith("TA-")
    assert (assessment.level, assessment.assessor, assessment.approved_by) == (2, olu, None)
    assert list(assessment.linked_items.all()) == [item]
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_RECORDED)
    assert event.detail["level"] == 2 and event.detail["area"] == NORMANTON


def test_bad_assessment_keeps_what_was_typed(client, olu):
    client.force_login(olu)
    data = form_data(
        ward(NORMANTON), period_start=days(0).isoformat(), period_end=days(-3).isoformat()
    )
    data.pop("level")
    response = client.post(reverse("assessment-new"), data)
    assert response.status_code == 200
    assert "The period must end on or after the day it starts" in response.text
    assert "Choose a tension level" in response.text
    assert "Three reports of graffiti near the mosque." in response.text
    assert f'value="{days(-3).isoformat()}"' in response.text
    assert not TensionAssessment.objects.exists()


def test_partner_cannot_link_items_he_cannot_see(client, olu, pat, derby):
    hidden = make_item(olu, derby, ABBEY)
    client.force_login(pat)
    response = client.post(
        reverse("assessment-new"), form_data(ward(NORMANTON), linked_items=[str(hidden.pk)])
    )
    # Pat is a partner officer without the assessing right.
    assert response.status_code == 403
    analyst = make_user("ana", pat.organisation, Role.ANALYST, areas=list(pat.areas.all()))
    client.force_login(analyst)
    response = client.post(
        reverse("assessment-new"), form_data(ward(NORMANTON), linked_items=[str(hidden.pk)])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not TensionAssessment.objects.exists()


def test_assessor_cannot_approve_own_but_a_second_officer_can(client, olu, tess):
    assessment = assess(olu, ward(NORMANTON), 3, -6, 0)
    url = reverse("assessment-approve", args=[assessment.uuid])
    client.force_login(olu)
    assert (
        "Approve assessment"
        not in client.get(reverse("assessment-detail", args=[assessment.uuid])).text
    )
    assert client.post(url).status_code == 403
    assessment.refresh_from_db()
    assert assessment.approved_by is None
    client.force_login(tess)
    assert client.post(url).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.approved_by, assessment.is_approved) == (tess, True)
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_APPROVED)
    assert (event.actor_username, event.detail["assessor"]) == ("tess", "olu")


def test_database_refuses_an_assessor_approving_their_own(olu):
    assessment = assess(olu, ward(NORMANTON), 3, -6, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        TensionAssessment.objects.filter(pk=assessment.pk).update(approved_by=olu)


def test_approved_assessment_cannot_be_edited(client, olu, tess):
    assessment = approved(olu, tess, ward(NORMANTON), 3, -6, 0)
    client.force_login(olu)
    url = reverse("assessment-edit", args=[assessment.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(ward(NORMANTON), level="0")).status_code == 403
    assert (
        client.post(reverse("assessment-action-new", args=[assessment.uuid]), {}).status_code == 403
    )
    assessment.refresh_from_db()
    assert assessment.level == 3
    page = client.get(reverse("assessment-detail", args=[assessment.uuid])).text
    assert "Approved assessments cannot be changed" in page


def test_unapproved_assessment_edit_is_audited(client, olu):
    assessment = assess(olu, ward(NORMANTON), 3, -6, 0)
    client.force_login(olu)
    response = client.post(
        reverse("assessment-edit", args=[assessment.uuid]), form_data(ward(NORMANTON), level="4")
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.level == 4
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_UPDATED)
    assert event.detail["before"]["level"] == 3 and event.detail["after"]["level"] == 4


def test_actions_added_one_at_a_time(client, olu, derbyshire_police):
    assessment = assess(olu, ward(NORMANTON), 3, -6, 0)
    client.force_login(olu)
    url = reverse("assessment-action-new", args=[assessment.uuid])
    bad = client.post(url, {"description": "Extra patrols near the mosque", "due_on": "soon"})
    assert bad.status_code == 400
    assert "Extra patrols near the mosque" in bad.text
    assert "Choose the organisation that owns the action" in bad.text
    client.post(
        url,
        {
            "description": "Extra patrols near the mosque",
            "owner_organisation": str(derbyshire_police.pk),
            "owner_name": "Neighbourhood policing team",
            "due_on": days(3).isoformat(),
        },
    )
    action = AssessmentAction.objects.get()
    assert (action.owner_organisation, action.due_on) == (derbyshire_police, days(3))
    assert AuditEvent.objects.filter(
        action=AuditAction.ASSESSMENT_UPDATED, detail__action_added="Extra patrols near the mosque"
    ).exists()


def test_stranger_gets_404_on_assessments(client, olu, sam):
    assessment = assess(olu, ward(NORMANTON), 3, -6, 0)
    client.force_login(sam)
    for name in ("assessment-detail", "assessment-edit"):
        assert client.get(reverse(name, args=[assessment.uuid])).status_code == 404
    assert client.post(reverse("assessment-approve", args=[assessment.uuid])).status_code == 404
    assert client.get("/api/v1/tensions/assessments").json() == []


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_shows_latest_approved_level_per_ward(client, vic, picture):
    client.force_login(vic)
    html = client.get(reverse("tension-dashboard")).text
    normanton = _row(html, NORMANTON)
    assert "4 High · Red" in normanton
    assert "govuk-tag--red" in normanton
    assert "Rising" in normanton
    assert f"{days(-13):%-d %b %Y} to {days(-7):%-d %b %Y}" in normanton
    assert "Overdue" in normanton
    assert "No assessment" in _row(html, ABBEY)
    # The map colours Normanton by its level and leaves Abbey unassessed.
    assert re.search(rf'style="fill:#d4351c[^"]*" data-ward="{NORMANTON}" data-level="4"', html)
    assert re.search(rf'style="fill:#f3f2f1[^"]*" data-ward="{ABBEY}" data-level=""', html)
    assert "Whole council (Derby)" in html and "1 Low · Green" in html


def test_dashboard_is_a_fixed_number_of_queries(client, vic, picture, tess, olu):
    client.force_login(vic)
    client.get(reverse("tension-dashboard"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("tension-dashboard"))
    approved(olu, tess, ward(ABBEY), 3, -3, 0)
    with CaptureQueriesContext(connection) as after:
        html = client.get(reverse("tension-dashboard")).text
    assert "3 Significant · Amber" in _row(html, ABBEY)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_partner_dashboard_shows_only_his_wards_and_shared_assessments(
    client, olu, tess, pat, picture
):
    from cohesion.core.release import approve_release, request_release

    client.force_login(pat)
    html = client.get(reverse("tension-dashboard")).text
    assert f'data-ward="{NORMANTON}"' in html and f'data-ward="{ABBEY}"' not in html
    assert "No assessment" in _row(html, NORMANTON)  # not shared with the police yet
    request_release(picture["latest"], audience="partnership", by=olu, reason="CSP tasking")
    approve_release(picture["latest"], by=tess)
    html = client.get(reverse("tension-dashboard")).text
    assert "4 High · Red" in _row(html, NORMANTON)
    levels = {r["area_name"]: r["level"] for r in client.get("/api/v1/tensions/levels").json()}
    assert levels == {"Arboretum": None, "Normanton": 4}


def test_levels_api_matches_the_dashboard(client, vic, picture):
    client.force_login(vic)
    rows = {r["area_code"]: r for r in client.get("/api/v1/tensions/levels").json()}
    assert rows[NORMANTON]["level"] == 4
    assert rows[NORMANTON]["label"] == "High"
    assert rows[NORMANTON]["rag"] == "red"
    assert rows[NORMANTON]["review_overdue"] is True
    assert rows[NORMANTON]["assessment_reference"] == picture["latest"].reference
    assert rows[ABBEY]["level"] is None
    assert rows["E06000015"]["level"] == 1  # the whole council row
    assert len([r for r in rows.values() if r["area_level"] == "ward"]) == 18


def test_ward_history_lists_every_visible_assessment(client, olu, picture):
    client.force_login(olu)
    html = client.get(reverse("tension-ward-history", args=[NORMANTON])).text
    table = html[html.index("<table") :]
    levels = re.findall(r'<td class="govuk-table__cell">(\d) [A-Za-z]+</td>', table)
    # Newest first: the future 0, the unapproved 5 (own organisation), then 4 and 2.
    assert levels == ["0", "5", "4", "2"]
    assert table.count("Awaiting approval") == 1
    assert html.count("<rect ") == 3  # chart bars: approved only


def test_ward_history_outside_scope_is_404(client, pat, sam, picture):
    client.force_login(pat)
    assert client.get(reverse("tension-ward-history", args=[ABBEY])).status_code == 404
    client.force_login(sam)
    assert client.get(reverse("tension-ward-history", args=[NORMANTON])).status_code == 404
    assert client.get(reverse("tension-ward-history", args=["E99999999"])).status_code == 404


def test_signed_out_and_no_right_cannot_see_dashboard(client, alice):
    assert client.get(reverse("tension-dashboard")).status_code == 302
    client.force_login(alice)  # administrators do not read casework
    assert client.get(reverse("tension-dashboard")).status_code == 404
