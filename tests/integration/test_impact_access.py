"""Who sees which impact assessment: departments, sharing, the organisation, the public, the API."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.impact import actions
from cohesion.impact.models import Department
from tests.conftest import make_user
from tests.integration.impact_records import (
    make_department,
    second_officer,
    signed_off,
    start,
)
from tests.integration.test_permissions import _without_csrf

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(derby_council):
    return second_officer(derby_council)


@pytest.fixture
def libraries(derby_council, olu, tess):
    return make_department(derby_council, "Libraries", olu, tess)


@pytest.fixture
def ann(derby_council):
    """Analyst in Derby's Housing department: may draft, may not sign off."""
    return make_user("ann", derby_council, Role.ANALYST)


@pytest.fixture
def housing(derby_council, ann):
    return make_department(derby_council, "Housing", ann)


@pytest.fixture
def draft(olu, libraries):
    return start(olu, libraries)


def _page(a) -> str:
    return reverse("impact-detail", args=[a.uuid])


def test_another_departments_draft_is_the_same_404_as_a_missing_one(client, ann, housing, draft):
    client.force_login(ann)
    forbidden = client.get(_page(draft))
    missing = client.get(reverse("impact-detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf(forbidden.content) == _without_csrf(missing.content)
    for name in ("impact-evidence", "impact-equality", "impact-check", "impact-actions"):
        assert client.get(reverse(name, args=[draft.uuid])).status_code == 404
    assert client.get(reverse("impact-report", args=[draft.uuid, "docx"])).status_code == 404
    assert draft.subject not in client.get(reverse("impact-list")).text


def test_sharing_lets_another_department_read_a_draft_but_not_change_it(
    client, olu, ann, housing, draft
):
    client.force_login(olu)
    response = client.post(
        reverse("impact-share", args=[draft.uuid]), {"departments": [str(housing.pk)]}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.IMPACT_SHARED)
    assert (event.detail["before"], event.detail["after"]) == ([], ["Housing"])
    client.force_login(ann)
    assert client.get(_page(draft)).status_code == 200
    assert draft.subject in client.get(reverse("impact-list")).text
    assert client.get(reverse("impact-screening", args=[draft.uuid])).status_code == 404
    refused = client.post(
        reverse("impact-screening", args=[draft.uuid]),
        {"full_assessment_needed": "no", "reason": "Not ours"},
    )
    assert refused.status_code == 404
    assert not hasattr(draft, "screening") or draft.screening is None
    # Unsharing takes it away again.
    client.force_login(olu)
    client.post(reverse("impact-share", args=[draft.uuid]), {})
    client.force_login(ann)
    assert client.get(_page(draft)).status_code == 404


def test_sharing_stays_inside_the_organisation(olu, draft, sheffield_council):
    elsewhere = Department.objects.create(organisation=sheffield_council, name="Communities")
    with pytest.raises(actions.ImpactError, match="only within its own organisation"):
        actions.share_assessment(by=olu, assessment=draft, departments=[elsewhere])


def test_a_signed_off_assessment_is_read_across_its_organisation_only(
    client, olu, tess, vic, pat, sam, libraries
):
    a = signed_off(olu, tess, start(olu, libraries))
    client.force_login(vic)  # scrutiny: in no department, may read what is signed off
    page = client.get(_page(a))
    assert page.status_code == 200
    assert "Start a revision" not in page.text and "Sign off" not in page.text
    assert a.subject in client.get(reverse("impact-list")).text
    for outsider in (pat, sam):
        client.force_login(outsider)
        assert client.get(_page(a)).status_code == 404
        assert client.get(reverse("impact-list")).status_code in (200, 404)
        assert a.subject not in client.get(reverse("impact-list")).text


def test_the_impact_section_does_not_exist_without_the_right(client, alice, derby_council):
    dpo = make_user("dana", derby_council, Role.DATA_PROTECTION_OFFICER)
    for person in (alice, dpo):
        client.force_login(person)
        assert client.get(reverse("impact-list")).status_code == 404


def test_a_viewer_cannot_start_an_assessment(client, vic):
    client.force_login(vic)
    page = client.get(reverse("impact-new"))
    assert page.status_code == 404
    assert "You are not in a department" in page.text


def test_signed_out_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(_page(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_public_sees_only_published_summaries(client, olu, tess, libraries, draft):
    a = signed_off(olu, tess, start(olu, libraries, subject="Parks events policy"))
    for unpublished in (draft, a):
        assert client.get(reverse("impact-public", args=[unpublished.uuid])).status_code == 404
    assert "Parks events policy" not in client.get(reverse("impact-public-list")).text
    actions.publish_assessment(by=olu, assessment=a, public_summary="Fees waived for volunteers.")
    listing = client.get(reverse("impact-public-list"))
    assert "Parks events policy" in listing.text and draft.subject not in listing.text
    page = client.get(reverse("impact-public", args=[a.uuid]))
    assert page.status_code == 200
    assert "Fees waived for volunteers." in page.text
    assert "Library manager" not in page.text  # action owners are not published
    assert "Olu" not in page.text
    api = client.get("/api/v1/impact/published")
    assert [row["subject"] for row in api.json()] == ["Parks events policy"]
    assert api.json()[0]["actions"][0]["owner"] == ""
    assert client.get(f"/api/v1/impact/published/{draft.uuid}").status_code == 404


def test_the_api_follows_the_same_rules(client, olu, ann, housing, draft):
    client.force_login(olu)
    rows = client.get("/api/v1/impact/assessments").json()
    assert [r["uuid"] for r in rows] == [str(draft.uuid)]
    detail = client.get(f"/api/v1/impact/assessments/{draft.uuid}").json()
    assert detail["status"] == "draft"
    assert {c["code"]: c["state"] for c in detail["checks"]}["screening"] == "failed"
    assert len(detail["answers"]) == 12
    client.force_login(ann)
    assert client.get("/api/v1/impact/assessments").json() == []
    missing = client.get(f"/api/v1/impact/assessments/{draft.uuid}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found"})
    client.logout()
    assert client.get("/api/v1/impact/assessments").status_code == 401


def test_department_membership_is_managed_by_administrators_and_audited(
    client, alice, vic, derby_council
):
    client.force_login(vic)
    assert client.get(reverse("impact-departments")).status_code == 404
    client.force_login(alice)
    taken = client.post(reverse("impact-departments"), {"name": ""})
    assert "Enter the name of the department" in taken.text
    response = client.post(reverse("impact-departments"), {"name": "Parks and Green Spaces"})
    department = Department.objects.get(name="Parks and Green Spaces")
    assert response["Location"] == reverse("impact-department", args=[department.uuid])
    duplicate = client.post(reverse("impact-departments"), {"name": "parks and green spaces"})
    assert "There is already a department with that name" in duplicate.text
    client.post(
        reverse("impact-department-add-member", args=[department.uuid]), {"member": str(vic.pk)}
    )
    assert list(department.members.all()) == [vic]
    client.post(reverse("impact-department-remove-member", args=[department.uuid, vic.uuid]))
    assert not department.members.exists()
    changes = AuditEvent.objects.filter(
        action=AuditAction.IMPACT_UPDATED, target_id=str(department.uuid)
    ).values_list("detail", flat=True)
    assert [
        {k: v for k, v in d.items() if k != "target_organisation"} for d in changes.order_by("id")
    ] == [
        {"department_created": "Parks and Green Spaces", "members": []},
        {"department_member_added": "vic"},
        {"department_member_removed": "vic"},
    ]


def test_another_organisations_department_is_404_to_a_manager(client, sam, libraries):
    client.force_login(sam)
    assert client.get(reverse("impact-department", args=[libraries.uuid])).status_code == 404
    people = client.post(
        reverse("impact-department-add-member", args=[libraries.uuid]), {"member": str(sam.pk)}
    )
    assert people.status_code == 404


def test_an_administrator_reaches_departments_from_the_menu(client, alice):
    client.force_login(alice)
    page = client.get(reverse("impact-departments"))
    assert page.status_code == 200
    assert f'href="{reverse("impact-departments")}"' in page.text
    assert reverse("impact-list") + '"' not in page.text  # no way into assessments themselves
