"""Awards on the library's staff pages: new, edit, publish and unpublish, and who may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.library import actions
from cohesion.library.models import Award

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(pat):
    return actions.create_award(
        by=pat,
        data={"title": "Bridge builder award", "year": 2025, "recipient_name": "Street Meals"},
    )


def test_update_award_changes_only_what_was_given_and_is_audited(award, pat):
    actions.update_award(by=pat, award=award, data={"year": 2026, "description": " Fed 400 "})
    award.refresh_from_db()
    assert (award.title, award.year, award.description) == ("Bridge builder award", 2026, "Fed 400")
    row = AuditEvent.objects.filter(
        action=AuditAction.LIBRARY_ITEM_CHANGED, target_id=str(award.uuid)
    ).latest("id")
    assert row.detail["change"] == "award edited"
    assert sorted(row.detail["fields"]) == ["description", "year"]


def test_update_award_refuses_bad_input_and_other_organisations(award, olu, sam, pat):
    with pytest.raises(actions.LibraryInvalid) as refused:
        actions.update_award(
            by=pat, award=award, data={"recipient_name": "", "recipient_organisation": None}
        )
    assert "recipient_name" in refused.value.problems
    award.refresh_from_db()
    assert award.recipient_name == "Street Meals"
    # A publisher covering the owner may publish it, but not rewrite it.
    with pytest.raises(PermissionDenied):
        actions.update_award(by=olu, award=award, data={"title": "Changed"})
    with pytest.raises(PermissionDenied):
        actions.update_award(by=sam, award=award, data={"title": "Changed"})


def test_new_award_keeps_what_was_typed_on_error(client, pat):
    client.force_login(pat)
    page = client.get(reverse("library-manage-award-new"))
    assert page.status_code == 200
    bad = client.post(
        reverse("library-manage-award-new"),
        {"title": "Kept title text", "year": "twenty", "recipient_name": ""},
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Error:" in html and "There is a problem" in html
    assert "Enter the year as four digits, like 2026" in html
    assert 'value="Kept title text"' in html
    assert 'value="twenty"' in html
    missing_recipient = client.post(
        reverse("library-manage-award-new"), {"title": "Kept title text", "year": "2026"}
    )
    assert missing_recipient.status_code == 400
    assert "Choose the organisation or enter who received the award" in (
        missing_recipient.content.decode()
    )
    assert not Award.objects.exists()


def test_award_journey_new_edit_publish_unpublish(client, pat, olu, derby_council):
    client.force_login(pat)
    made = client.post(
        reverse("library-manage-award-new"),
        {
            "title": "Bridge builder award",
            "year": "2026",
            "recipient_organisation": derby_council.pk,
        },
    )
    assert made.status_code == 302
    award = Award.objects.get()
    assert award.owner == pat.organisation and award.recipient == "Derby City Council"
    listing = client.get(reverse("library-manage")).content.decode()
    assert "Bridge builder award" in listing
    assert reverse("library-manage-award-edit", args=[award.uuid]) in listing
    edit = reverse("library-manage-award-edit", args=[award.uuid])
    form = client.get(edit).content.decode()
    assert 'value="Bridge builder award"' in form and 'value="2026"' in form
    bad = client.post(edit, {"title": "", "year": "2026", "recipient_name": "Kept name"})
    assert bad.status_code == 400 and 'value="Kept name"' in bad.content.decode()
    saved = client.post(
        edit, {"title": "Bridge builders", "year": "2026", "recipient_name": "Volunteers"}
    )
    assert saved.status_code == 302
    award.refresh_from_db()
    assert award.title == "Bridge builders" and award.recipient_organisation is None
    assert award.recipient == "Volunteers"

    publish = reverse("library-manage-award-publish", args=[award.uuid])
    assert client.post(publish, {"published": "1"}).status_code == 404  # a partner cannot
    assert "Bridge builders" not in client.get(reverse("library-award-list")).content.decode()

    client.force_login(olu)
    assert client.get(edit).status_code == 404  # a publisher does not rewrite it
    listing = client.get(reverse("library-manage")).content.decode()
    assert "Bridge builders" in listing and publish in listing
    assert client.post(publish, {"published": "1"}).status_code == 302
    client.logout()
    assert "Bridge builders" in client.get(reverse("library-award-list")).content.decode()

    client.force_login(olu)
    assert client.post(publish, {"published": "0"}).status_code == 302
    award.refresh_from_db()
    assert not award.is_published
    published_rows = AuditEvent.objects.filter(
        action=AuditAction.LIBRARY_ITEM_PUBLISHED, target_id=str(award.uuid)
    )
    assert [r.detail["published"] for r in published_rows.order_by("id")] == [True, False]


def test_other_organisations_staff_get_404(client, award, sam, vic):
    edit = reverse("library-manage-award-edit", args=[award.uuid])
    publish = reverse("library-manage-award-publish", args=[award.uuid])
    client.force_login(sam)
    assert client.get(edit).status_code == 404
    assert (
        client.post(edit, {"title": "X", "year": "2026", "recipient_name": "Y"}).status_code == 404
    )
    assert client.post(publish, {"published": "1"}).status_code == 404
    assert "Bridge builder award" not in client.get(reverse("library-manage")).content.decode()
    award.refresh_from_db()
    assert award.title == "Bridge builder award" and not award.is_published
    # A made-up id is the same 404.
    missing = reverse("library-manage-award-edit", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 404
    # Staff without library rights cannot add awards.
    client.force_login(vic)
    assert client.get(reverse("library-manage-award-new")).status_code == 404
