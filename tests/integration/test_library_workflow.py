"""The library's publication workflow, who may make each move, and who sees drafts."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.library import actions
from cohesion.library.models import ItemStatus

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "kind": "story",
        "title": "Street meals in Normanton",
        "summary": "Neighbours met over food.",
        "body": "First paragraph.\n\n- one\n- two",
        "tags": ["Food", "Neighbours"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(pat):
    return actions.create_item(by=pat, data=_data())


def test_workflow_draft_submitted_published_withdrawn(draft, pat, olu):
    assert draft.status == ItemStatus.DRAFT
    assert draft.owner == pat.organisation
    actions.submit_item(by=pat, item=draft)
    assert draft.status == ItemStatus.SUBMITTED and draft.submitted_at
    actions.publish_item(by=olu, item=draft)
    assert draft.status == ItemStatus.PUBLISHED and draft.published_at
    actions.withdraw_item(by=olu, item=draft, note="Out of date")
    assert draft.status == ItemStatus.WITHDRAWN and draft.status_note == "Out of date"
    kinds = list(
        AuditEvent.objects.filter(target_id=str(draft.uuid)).values_list("action", flat=True)
    )
    assert kinds.count(AuditAction.LIBRARY_ITEM_PUBLISHED) == 2
    assert AuditAction.LIBRARY_ITEM_CHANGED in kinds


def test_partner_cannot_publish(draft, pat):
    actions.submit_item(by=pat, item=draft)
    with pytest.raises(PermissionDenied):
        actions.publish_item(by=pat, item=draft)


def test_publisher_cannot_publish_a_draft_not_submitted(draft, olu):
    with pytest.raises(actions.LibraryInvalid):
        actions.publish_item(by=olu, item=draft)


def test_publisher_of_another_council_cannot_publish(draft, pat, sam):
    actions.submit_item(by=pat, item=draft)
    with pytest.raises(PermissionDenied):
        actions.publish_item(by=sam, item=draft)


def test_publisher_cannot_edit_partners_draft(draft, olu):
    with pytest.raises(PermissionDenied):
        actions.update_item(by=olu, item=draft, data={"title": "Changed"})


def test_return_to_draft_needs_a_note(draft, pat, olu):
    actions.submit_item(by=pat, item=draft)
    with pytest.raises(actions.LibraryInvalid) as refused:
        actions.return_item_to_draft(by=olu, item=draft, note=" ")
    assert "note" in refused.value.problems
    actions.return_item_to_draft(by=olu, item=draft, note="Add the outcomes")
    assert draft.status == ItemStatus.DRAFT


def test_viewer_cannot_create(vic):
    with pytest.raises(PermissionDenied):
        actions.create_item(by=vic, data=_data())


def test_draft_is_404_to_public_and_other_organisations(client, draft, olu, sam):
    detail = reverse("library-detail", args=[draft.slug])
    manage = reverse("library-manage-detail", args=[draft.uuid])
    assert client.get(detail).status_code == 404
    client.force_login(olu)  # publisher in Derby: drafts are the partner's own business
    assert client.get(manage).status_code == 404
    client.force_login(sam)
    assert client.get(manage).status_code == 404
    assert client.get(reverse("library-manage-detail", args=["not-a-uuid"])).status_code == 404


def test_submitted_item_visible_to_publisher_not_other_council(client, draft, pat, olu, sam):
    actions.submit_item(by=pat, item=draft)
    manage = reverse("library-manage-detail", args=[draft.uuid])
    client.force_login(sam)
    assert client.get(manage).status_code == 404
    client.force_login(olu)
    page = client.get(manage)
    assert page.status_code == 200
    assert b"Publish" in page.content
    response = client.post(reverse("library-manage-publish", args=[draft.uuid]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED
    client.logout()
    assert client.get(reverse("library-detail", args=[draft.slug])).status_code == 200


def test_pages_flow_create_submit(client, pat):
    client.force_login(pat)
    response = client.post(
        reverse("library-manage-new"),
        {"kind": "news", "title": "New hub opens", "summary": "A hub.", "body": "Text."},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"New hub opens" in page.content
    item_uuid = response["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("library-manage-submit", args=[item_uuid]))
    assert client.get(reverse("library-manage")).status_code == 200


def test_bad_form_input_keeps_what_was_typed(client, pat):
    client.force_login(pat)
    response = client.post(
        reverse("library-manage-new"),
        {
            "kind": "story",
            "title": "",
            "summary": "Kept summary text",
            "body": "Kept body <b>text</b>",
            "source_url": "not a url",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the title" in html
    assert "Kept summary text" in html
    assert "Kept body &lt;b&gt;text&lt;/b&gt;" in html
    assert "There is a problem" in html
    from cohesion.library.models import LibraryItem

    assert not LibraryItem.objects.exists()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return out.getvalue()


def test_image_needs_alt_text(draft, pat):
    with pytest.raises(actions.LibraryInvalid) as refused:
        actions.add_image(by=pat, item=draft, raw=_png(), alt_text="  ")
    assert "alt_text" in refused.value.problems
    assert not draft.images.exists()
    image = actions.add_image(by=pat, item=draft, raw=_png(), alt_text="A teal square")
    assert (image.width, image.height, image.content_type) == (40, 30, "image/png")


def test_image_that_is_not_an_image_is_refused(draft, pat):
    with pytest.raises(actions.LibraryInvalid) as refused:
        actions.add_image(by=pat, item=draft, raw=b"<svg onload=alert(1)>", alt_text="x")
    assert "image" in refused.value.problems


def test_image_upload_page_without_alt_text_keeps_caption(client, draft, pat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(pat)
    response = client.post(
        reverse("library-manage-image-new", args=[draft.uuid]),
        {
            "image": SimpleUploadedFile("a.png", _png(), content_type="image/png"),
            "alt_text": "",
            "caption": "Kept caption",
        },
    )
    assert response.status_code == 400
    assert "Describe the image" in response.content.decode()
    assert "Kept caption" in response.content.decode()
    assert not draft.images.exists()


def test_body_markup_escapes_html():
    from cohesion.library.markup import render

    html = render("<script>x</script>\n\n- a\n- <b>b</b>\n\nSee <https://example.org/?a=1&b=2>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert (
        '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>&lt;b&gt;b&lt;/b&gt;</li></ul>'
        in html
    )
    assert 'href="https://example.org/?a=1&amp;b=2"' in html


def test_event_pages_create_publish_and_bad_input(client, pat, olu):
    from cohesion.library.models import Event

    client.force_login(pat)
    bad = client.post(
        reverse("library-manage-event-new"),
        {
            "title": "Iftar",
            "starts_at": "2026-12-05 18:30",
            "ends_at": "2026-12-05 17:00",
            "place": "Kept place text",
        },
    )
    assert bad.status_code == 400
    assert "The end must be after the start" in bad.content.decode()
    assert "Kept place text" in bad.content.decode()
    assert not Event.objects.exists()
    made = client.post(
        reverse("library-manage-event-new"),
        {"title": "Iftar", "starts_at": "2026-12-05 18:30", "place": "Centre"},
    )
    assert made.status_code == 302
    event = Event.objects.get()
    assert not event.is_published
    publish = reverse("library-manage-event-publish", args=[event.uuid])
    assert client.post(publish, {"published": "1"}).status_code == 404  # partner cannot
    client.logout()
    assert client.get(reverse("library-event-detail", args=[event.uuid])).status_code == 404
    client.force_login(olu)
    assert client.post(publish, {"published": "1"}).status_code == 302
    client.logout()
    assert client.get(reverse("library-event-detail", args=[event.uuid])).status_code == 200


def test_images_follow_their_items_visibility(client, draft, pat, olu):
    image = actions.add_image(by=pat, item=draft, raw=_png(), alt_text="A teal square")
    public = reverse("library-image", args=[image.uuid])
    preview = reverse("library-manage-image", args=[image.uuid])
    assert client.get(public).status_code == 404
    client.force_login(pat)
    page = client.get(reverse("library-manage-detail", args=[draft.uuid])).content.decode()
    assert 'alt="A teal square"' in page
    response = client.get(preview)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(olu)
    assert client.get(preview).status_code == 404
    actions.submit_item(by=pat, item=draft)
    actions.publish_item(by=olu, item=draft)
    client.logout()
    assert client.get(public).status_code == 200
    assert (
        'alt="A teal square"'
        in client.get(reverse("library-detail", args=[draft.slug])).content.decode()
    )


def test_edit_page_changes_a_draft_and_refuses_a_published_item(client, draft, pat, olu):
    client.force_login(pat)
    edit = reverse("library-manage-edit", args=[draft.uuid])
    form = client.get(edit).content.decode()
    assert "Street meals in Normanton" in form and "Food, Neighbours" in form
    response = client.post(
        edit, {"kind": "story", "title": "Renamed", "summary": "S.", "body": "B.", "tags": "Food"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    assert list(draft.tags.values_list("name", flat=True)) == ["Food"]
    actions.submit_item(by=pat, item=draft)
    actions.publish_item(by=olu, item=draft)
    assert client.get(edit).status_code == 404
    # The partner may take their own published item down, and then edit it again.
    response = client.post(reverse("library-manage-withdraw", args=[draft.uuid]), {"note": ""})
    assert response.status_code == 302
    assert client.get(edit).status_code == 200
