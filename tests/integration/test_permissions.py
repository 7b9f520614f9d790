"""Who can see what: organisation and role scope, and the same 404 for missing and forbidden."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from cohesion.accounts.permissions import Permission, areas_in_scope, covers_area, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _without_csrf(html: bytes) -> bytes:
    """Pages differ only by their per-request CSRF token and the language switcher's
    return address (the page's own URL, which the requester already knows)."""
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'name="next" value="[^"]+"', b"", html)


def _missing_org_url() -> str:
    return reverse("organisation-detail", args=[uuid.uuid4()])


def test_organisation_page_from_another_organisation_is_the_same_404_as_a_missing_one(
    client, sam, derby_council
):
    client.force_login(sam)
    forbidden = client.get(reverse("organisation-detail", args=[derby_council.uuid]))
    missing = client.get(_missing_org_url())
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf(forbidden.content) == _without_csrf(missing.content)


def test_organisation_page_lists_own_members_and_is_audited(client, olu, alice, derby_council):
    client.force_login(olu)
    response = client.get(reverse("organisation-detail", args=[derby_council.uuid]))
    assert response.status_code == 200
    assert "Alice Tester" in response.text
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert event.actor_username == "olu"
    assert event.target_id == str(derby_council.uuid)
    assert event.detail["viewed"].startswith("member list")


def test_person_page_in_another_organisation_is_404(client, sam, olu):
    client.force_login(sam)
    assert client.get(reverse("person-detail", args=[olu.uuid])).status_code == 404
    assert client.get(reverse("person-detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("person-detail", args=["not-a-uuid"])).status_code == 404


def test_viewer_cannot_open_a_colleagues_details_but_can_see_their_own(client, vic, olu):
    client.force_login(vic)
    assert client.get(reverse("person-detail", args=[olu.uuid])).status_code == 404
    own = client.get(reverse("person-detail", args=[vic.uuid]))
    assert own.status_code == 200
    assert "vic@example.org" in own.text


def test_officer_viewing_a_colleague_is_audited_with_what_was_seen(client, olu, vic):
    client.force_login(olu)
    response = client.get(reverse("person-detail", args=[vic.uuid]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert (event.actor_username, event.target_id) == ("olu", str(vic.uuid))
    assert event.ip_address == "127.0.0.1"
    assert event.request_path == reverse("person-detail", args=[vic.uuid])


@pytest.mark.parametrize("url_name", ["dashboard", "organisation-list", "audit-search"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_audit_page_is_404_for_roles_without_audit_permission(client, olu):
    client.force_login(olu)
    assert client.get(reverse("audit-search")).status_code == 404


def test_role_permissions():
    from cohesion.accounts.models import Role
    from cohesion.accounts.permissions import ROLE_PERMISSIONS

    assert Permission.AUDIT_VIEW in ROLE_PERMISSIONS[Role.ADMINISTRATOR]
    assert Permission.AUDIT_VIEW not in ROLE_PERMISSIONS[Role.COHESION_OFFICER]
    # Viewers (councillors, scrutiny) see tension levels, signed-off impact
    # assessments and the risk index's ranks, never casework.
    assert ROLE_PERMISSIONS[Role.VIEWER] == frozenset(
        {
            Permission.TENSION_DASHBOARD,
            Permission.STRATEGY_VIEW,
            Permission.IMPACT_VIEW,
            Permission.RISK_INDEX_VIEW,
            Permission.TRAINING_VIEW,
            Permission.PROJECTS_VIEW,
        }
    )
    # Administrators run accounts; they do not read incidents.
    assert Permission.INCIDENT_VIEW not in ROLE_PERMISSIONS[Role.ADMINISTRATOR]
    # Release approval is separate from recording: partners record but cannot release.
    assert Permission.INCIDENT_RECORD in ROLE_PERMISSIONS[Role.PARTNER_OFFICER]
    assert Permission.RELEASE_APPROVE not in ROLE_PERMISSIONS[Role.PARTNER_OFFICER]
    assert Permission.DATA_PROTECTION in ROLE_PERMISSIONS[Role.DATA_PROTECTION_OFFICER]


def test_inactive_or_anonymous_users_have_no_permissions(olu):
    from django.contrib.auth.models import AnonymousUser

    assert not has_permission(AnonymousUser(), Permission.PERSON_VIEW)
    olu.is_active = False
    assert not has_permission(olu, Permission.PERSON_VIEW)


def test_area_scope_follows_organisation_unless_narrowed(olu, pat, sam, derby, sheffield):
    normanton = Area.objects.get(code="E05015521")
    sheffield_ward = Area.objects.filter(level=AreaLevel.WARD, council=sheffield).first()
    # Olu's council covers all of Derby: its wards and small areas come with it.
    assert covers_area(olu, derby) and covers_area(olu, normanton)
    assert not covers_area(olu, sheffield_ward)
    # Pat covers only Normanton and Arboretum.
    assert covers_area(pat, normanton)
    abbey = Area.objects.get(code="E05015507")
    assert not covers_area(pat, abbey)
    assert set(areas_in_scope(pat).filter(level=AreaLevel.WARD).values_list("name", flat=True)) == {
        "Normanton",
        "Arboretum",
    }
    assert areas_in_scope(sam).filter(level=AreaLevel.WARD).count() == 28


def test_a_form_sent_without_its_security_token_gets_a_plain_explanation(olu):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "olu", "password": "x"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.text


def test_permission_in_an_area_needs_the_area_covered(olu, pat, sam):
    from cohesion.accounts.permissions import Permission, has_permission

    normanton = Area.objects.get(code="E05015521")
    normanton_lsoa = Area.objects.get(code="E01013566", generation=2021)
    abbey = Area.objects.get(code="E05015507")
    view = Permission.ORGANISATION_VIEW_MEMBERS
    assert has_permission(pat, view, area=normanton)
    # A ward brings the LSOAs that fit best in it.
    assert has_permission(pat, view, area=normanton_lsoa)
    assert not has_permission(pat, view, area=abbey)
    assert has_permission(olu, view, area=abbey)
    assert not has_permission(sam, view, area=normanton)
