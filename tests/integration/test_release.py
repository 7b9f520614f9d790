"""Four-eyes release through the pages: ask, approve, decline, narrow; errors shown and kept."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohesion.accounts.models import Role, User
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.tensions.models import IntelligenceItem, TensionAssessment
from tests.conftest import make_user
from tests.integration.test_tension_dashboard import approved, assess
from tests.integration.test_tensions import NORMANTON, _scale, make_item, ward  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(derby_council) -> User:
    return make_user("tess", derby_council, Role.COHESION_OFFICER)


def url(step: str, kind: str, obj) -> str:
    return reverse(f"release-{step}", kwargs={"kind": kind, "obj_uuid": obj.uuid})


def test_request_then_second_officer_approves_and_partner_sees_it(client, olu, tess, pat, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(olu)
    detail = reverse("intelligence-detail", args=[item.uuid])
    assert "Internal to the organisation" in client.get(detail).text
    response = client.post(
        url("request", "intelligence", item),
        {"audience": "partnership", "reason": "For the tension monitoring group"},
    )
    assert response["Location"] == detail + "#release"
    item.refresh_from_db()
    assert (item.audience, item.requested_audience, item.release_requested_by) == (
        "organisation",
        "partnership",
        olu,
    )
    page = client.get(detail).text
    assert "Awaiting approval" in page and "For the tension monitoring group" in page
    assert "Approve sharing" not in page  # the requester is not offered approval
    # Approving one's own request is refused, shown as an error on the page.
    client.post(url("approve", "intelligence", item))
    item.refresh_from_db()
    assert item.audience == "organisation"
    page = client.get(detail).text
    assert "There is a problem" in page
    assert "Someone other than the person who asked must approve it." in page
    client.force_login(pat)
    assert client.get(detail).status_code == 404
    client.force_login(tess)
    assert "Approve sharing" in client.get(detail).text
    client.post(url("approve", "intelligence", item))
    item.refresh_from_db()
    assert (item.audience, item.released_by) == ("partnership", tess)
    client.force_login(pat)
    assert client.get(detail).status_code == 200
    actions = list(
        AuditEvent.objects.filter(target_id=str(item.uuid))
        .order_by("id")
        .values_list("action", "actor_username")
    )
    assert (AuditAction.RELEASE_REQUESTED, "olu") in actions
    assert (AuditAction.RELEASE_APPROVED, "tess") in actions


def test_request_without_a_reason_shows_an_error_and_keeps_the_choice(client, olu, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(olu)
    client.post(
        url("request", "intelligence", item),
        {"audience": "partnership", "reason": "  ", "_step": "request"},
    )
    item.refresh_from_db()
    assert item.requested_audience == ""
    page = client.get(reverse("intelligence-detail", args=[item.uuid])).text
    assert "Say why it should be shared." in page
    assert 'value="partnership" checked' in page
    # Shown once: the next view is clean.
    assert (
        "Say why it should be shared."
        not in client.get(reverse("intelligence-detail", args=[item.uuid])).text
    )


def test_decline_and_narrow(client, olu, tess, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(olu)
    client.post(
        url("request", "intelligence", item), {"audience": "public", "reason": "Newsletter"}
    )
    client.force_login(tess)
    client.post(url("decline", "intelligence", item), {"reason": "Too early"})
    item.refresh_from_db()
    assert (item.audience, item.requested_audience) == ("organisation", "")
    assert (
        AuditEvent.objects.get(action=AuditAction.RELEASE_DECLINED).detail["reason"] == "Too early"
    )
    client.force_login(olu)
    client.post(
        url("request", "intelligence", item), {"audience": "partnership", "reason": "Group"}
    )
    client.force_login(tess)
    client.post(url("approve", "intelligence", item))
    client.post(url("narrow", "intelligence", item), {"audience": "organisation"})
    item.refresh_from_db()
    assert item.audience == "organisation"
    assert AuditEvent.objects.filter(action=AuditAction.RELEASE_NARROWED).count() == 1


def test_partner_without_release_right_cannot_approve(client, pat, derby):
    colleague = make_user(
        "paula", pat.organisation, Role.PARTNER_OFFICER, areas=list(pat.areas.all())
    )
    item = make_item(pat, derby, NORMANTON)
    client.force_login(pat)
    client.post(
        url("request", "intelligence", item), {"audience": "partnership", "reason": "Share"}
    )
    client.force_login(colleague)
    page = client.get(reverse("intelligence-detail", args=[item.uuid])).text
    assert "Approve sharing" not in page
    client.post(url("approve", "intelligence", item))
    item.refresh_from_db()
    assert item.audience == "organisation"


def test_viewer_cannot_ask_to_share_an_assessment(client, olu, tess, vic):
    assessment = approved(olu, tess, ward(NORMANTON), 2, -6, 0)
    client.force_login(vic)
    page = client.get(reverse("assessment-detail", args=[assessment.uuid])).text
    assert "Ask to share it more widely" not in page
    client.post(url("request", "assessment", assessment), {"audience": "public", "reason": "x"})
    assessment.refresh_from_db()
    assert assessment.requested_audience == ""


def test_unapproved_assessment_cannot_be_offered_for_sharing(client, olu):
    assessment = assess(olu, ward(NORMANTON), 2, -6, 0)
    client.force_login(olu)
    client.post(
        url("request", "assessment", assessment),
        {"audience": "partnership", "reason": "CSP", "_step": "request"},
    )
    assessment.refresh_from_db()
    assert assessment.requested_audience == ""
    page = client.get(reverse("assessment-detail", args=[assessment.uuid])).text
    assert "A second person must approve the assessment before it is shared." in page


def test_assessment_release_round_trip(client, olu, tess):
    assessment = approved(olu, tess, ward(NORMANTON), 2, -6, 0)
    client.force_login(tess)
    client.post(
        url("request", "assessment", assessment), {"audience": "partnership", "reason": "CSP"}
    )
    client.force_login(olu)
    client.post(url("approve", "assessment", assessment))
    assessment.refresh_from_db()
    assert (assessment.audience, assessment.released_by) == ("partnership", olu)


def test_stranger_gets_404_and_unknown_kind_is_404(client, olu, sam, derby):
    item = make_item(olu, derby, NORMANTON)
    assessment = assess(olu, ward(NORMANTON), 2, -6, 0)
    client.force_login(sam)
    for step in ("request", "approve", "decline", "narrow"):
        assert (
            client.post(url(step, "intelligence", item), {"audience": "public"}).status_code == 404
        )
        assert client.post(url(step, "assessment", assessment)).status_code == 404
    bogus = reverse("release-approve", kwargs={"kind": "report", "obj_uuid": uuid.uuid4()})
    assert client.post(bogus).status_code == 404
    assert client.get(url("approve", "intelligence", item)).status_code == 405
    assert not AuditEvent.objects.filter(
        actor_username="sam", action__startswith="release"
    ).exists()


def test_database_refuses_requester_approving_even_bypassing_the_action(olu, derby):
    item = make_item(olu, derby, NORMANTON)
    assessment = assess(olu, ward(NORMANTON), 2, -6, 0)
    for model, obj in ((IntelligenceItem, item), (TensionAssessment, assessment)):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=obj.pk).update(
                release_requested_by=olu, released_by=olu, audience="partnership"
            )
