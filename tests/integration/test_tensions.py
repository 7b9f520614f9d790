"""Tension intelligence and rumours: scoping, separate rights, counter-narratives, audit."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

import pytest
from django.urls import reverse

from cohesion.accounts.models import Role, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.tensions import actions
from cohesion.tensions import choices as c
from cohesion.tensions.models import CounterNarrative, IntelligenceItem, TensionLevel
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def ensure_scale() -> None:
    """Browser tests flush the database, seeded scale included; put the default back."""
    if not TensionLevel.objects.exists():
        migration = importlib.import_module("cohesion.tensions.migrations.0002_default_scale")
        for value, label, descriptor, rag in migration.DEFAULT_SCALE:
            TensionLevel.objects.create(value=value, label=label, descriptor=descriptor, rag=rag)


@pytest.fixture(autouse=True)
def _scale(db) -> None:
    ensure_scale()


NORMANTON = "E05015521"
ABBEY = "E05015507"


def ward(code: str) -> Area:
    area = Area.objects.filter(code=code, level=AreaLevel.WARD).order_by("-generation").first()
    assert area is not None
    return area


def make_item(by: User, council: Area, *ward_codes: str, **fields: object) -> IntelligenceItem:
    data: dict[str, object] = {
        "item_type": c.ItemType.COMMUNITY_INTELLIGENCE,
        "grading": c.Grading.EXPERIENCED,
        "title": "Leaflets left at the bus station",
        "summary": "Residents report leaflets blaming a community for local crime.",
        "occurred_on": dt.date(2026, 3, 2),
        "source_type": c.SourceType.COUNCIL_OFFICER,
        "source_reliability": c.SourceReliability.RELIABLE,
        "information_credibility": c.InformationCredibility.KNOWN_DIRECTLY,
        "handling": c.Handling.OFFICIAL_SENSITIVE,
        "council": council,
        "wards": [ward(code) for code in ward_codes],
    }
    data.update(fields)
    return actions.record_item(by=by, data=data)


def form_data(council: Area, *ward_codes: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "item_type": "rumour",
        "grading": "experienced",
        "title": "Rumour about a mosque extension",
        "summary": "A rumour says the extension is funded by council tax.",
        "occurred_on": "2026-03-04",
        "source_type": "faith_leader",
        "source_reliability": "untested",
        "information_credibility": "not_corroborated",
        "handling": "official_sensitive",
        "council": str(council.pk),
        "wards": [str(ward(code).pk) for code in ward_codes],
    }
    data.update(overrides)
    return data


# --- Recording ---------------------------------------------------------------------------


def test_officer_records_a_rumour_internal_to_their_organisation_and_audited(client, olu, derby):
    client.force_login(olu)
    page = client.get(reverse("intelligence-new"))
    assert "Do not enter personal data about individuals" in page.text
    response = client.post(reverse("intelligence-new"), form_data(derby, NORMANTON))
    item = IntelligenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intelligence-detail", args=[item.uuid])
    assert item.reference.startswith("INT-")
    assert item.organisation == olu.organisation
    assert item.audience == "organisation"
    assert item.verification_status == "unstarted"
    assert [w.code for w in item.wards.all()] == [NORMANTON]
    event = AuditEvent.objects.get(action=AuditAction.INTELLIGENCE_RECORDED)
    assert (event.actor_username, event.target_id) == ("olu", str(item.uuid))
    assert event.detail["wards"] == [NORMANTON]


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, olu, derby):
    client.force_login(olu)
    data = form_data(derby, NORMANTON, grading="", title="Graffiti on the underpass")
    data["occurred_on"] = "4 March"
    response = client.post(reverse("intelligence-new"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose a grading: evidenced, experienced or potential" in response.text
    assert "Enter the date as year-month-day" in response.text
    assert 'value="Graffiti on the underpass"' in response.text
    assert 'value="4 March"' in response.text
    assert "A rumour says the extension is funded by council tax." in response.text
    assert not IntelligenceItem.objects.exists()


def test_planned_event_needs_its_date_and_other_types_drop_event_fields(client, olu, derby):
    client.force_login(olu)
    missing = client.post(
        reverse("intelligence-new"), form_data(derby, ABBEY, item_type="planned_protest_event")
    )
    assert "Enter the date of the planned event" in missing.text
    client.post(
        reverse("intelligence-new"),
        form_data(derby, ABBEY, expected_attendance="300", counter_event_expected="on"),
    )
    item = IntelligenceItem.objects.get()
    assert item.expected_attendance is None and item.counter_event_expected is False


def test_wards_must_be_in_scope_and_in_the_council(client, pat, olu, derby, sheffield):
    client.force_login(pat)
    # Abbey is not one of Pat's wards: it is not even offered.
    response = client.post(reverse("intelligence-new"), form_data(derby, ABBEY))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    # Pat covers only some wards, so the whole council is not his to record against.
    response = client.post(reverse("intelligence-new"), form_data(derby))
    assert "Choose the wards affected: you cover only some wards" in response.text
    client.force_login(olu)
    sheffield_ward = Area.objects.filter(council=sheffield, level=AreaLevel.WARD).first()
    response = client.post(
        reverse("intelligence-new"), {**form_data(derby), "wards": [str(sheffield_ward.pk)]}
    )
    assert response.status_code == 200
    assert not IntelligenceItem.objects.exists()


# --- Scoping -----------------------------------------------------------------------------


def test_other_organisation_and_missing_items_are_the_same_404(client, olu, sam, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(sam)
    for name in ("intelligence-detail", "intelligence-edit"):
        assert client.get(reverse(name, args=[item.uuid])).status_code == 404
        assert client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("intelligence-detail", args=["nonsense"])).status_code == 404
    assert item.title not in client.get(reverse("intelligence-list")).text
    api = client.get(f"/api/v1/tensions/intelligence/{item.uuid}")
    assert api.status_code == 404
    assert client.get("/api/v1/tensions/intelligence").json() == []


def test_partner_sees_only_shared_items_about_his_wards(client, olu, pat, derby):
    from cohesion.core.release import approve_release, request_release

    second = make_user("tess", olu.organisation, Role.COHESION_OFFICER)
    normanton = make_item(olu, derby, NORMANTON, title="Normanton item")
    abbey = make_item(olu, derby, ABBEY, title="Abbey item")
    internal = make_item(olu, derby, NORMANTON, title="Internal Normanton item")
    for item in (normanton, abbey):
        request_release(item, audience="partnership", by=olu, reason="Tasking meeting")
        approve_release(item, by=second)
    own = make_item(pat, derby, NORMANTON, title="Police item")
    client.force_login(pat)
    listing = client.get(reverse("intelligence-list")).text
    assert "Normanton item" in listing and "Police item" in listing
    assert "Abbey item" not in listing and "Internal Normanton item" not in listing
    assert client.get(reverse("intelligence-detail", args=[normanton.uuid])).status_code == 200
    assert client.get(reverse("intelligence-detail", args=[abbey.uuid])).status_code == 404
    assert client.get(reverse("intelligence-detail", args=[internal.uuid])).status_code == 404
    api = client.get("/api/v1/tensions/intelligence").json()
    assert {row["reference"] for row in api} == {normanton.reference, own.reference}
    # A partner may not edit the council's item even though he can read it.
    assert client.get(reverse("intelligence-edit", args=[normanton.uuid])).status_code == 403


def test_viewer_sees_the_dashboard_but_not_intelligence(client, vic, olu, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(vic)
    assert client.get(reverse("tension-dashboard")).status_code == 200
    assert client.get(reverse("intelligence-list")).status_code == 404
    assert client.get(reverse("intelligence-detail", args=[item.uuid])).status_code == 404
    assert client.get("/api/v1/tensions/intelligence").json() == []


def test_list_filters_by_type_grading_ward_status_and_period(client, olu, derby):
    make_item(olu, derby, NORMANTON, title="Alpha", item_type=c.ItemType.RUMOUR)
    make_item(olu, derby, ABBEY, title="Bravo", grading=c.Grading.POTENTIAL)
    make_item(olu, derby, ABBEY, title="Charlie", occurred_on=dt.date(2025, 1, 5))
    client.force_login(olu)
    url = reverse("intelligence-list")

    def titles(**params: str) -> set[str]:
        text = client.get(url, params).text
        return {t for t in ("Alpha", "Bravo", "Charlie") if f">{t}<" in text}

    assert titles() == {"Alpha", "Bravo", "Charlie"}
    assert titles(item_type="rumour") == {"Alpha"}
    assert titles(grading="potential") == {"Bravo"}
    assert titles(ward=str(ward(ABBEY).pk)) == {"Bravo", "Charlie"}
    assert titles(verification_status="unstarted") == {"Alpha"}
    assert titles(date_from="2026-01-01") == {"Alpha", "Bravo"}
    assert titles(date_to="2025-12-31") == {"Charlie"}
    bad = client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "The end date must be the same as or after the start date" in bad.text


# --- Editing -----------------------------------------------------------------------------


def test_editing_records_before_and_after(client, olu, derby):
    item = make_item(olu, derby, NORMANTON)
    client.force_login(olu)
    data = form_data(derby, NORMANTON, ABBEY, item_type="community_intelligence")
    data["title"] = "Leaflets at the bus station and the park"
    response = client.post(reverse("intelligence-edit", args=[item.uuid]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Leaflets at the bus station and the park"
    assert sorted(w.code for w in item.wards.all()) == sorted([NORMANTON, ABBEY])
    event = AuditEvent.objects.get(action=AuditAction.INTELLIGENCE_UPDATED)
    assert event.detail["before"]["title"] == "Leaflets left at the bus station"
    assert event.detail["after"]["title"] == "Leaflets at the bus station and the park"
    assert sorted(event.detail["after"]["wards"]) == sorted([NORMANTON, ABBEY])


# --- Rumour verification and counter-narratives ---------------------------------------------


def test_verification_is_a_separate_right_from_editing(client, pat, derby):
    rumour = make_item(pat, derby, NORMANTON, item_type=c.ItemType.RUMOUR)
    client.force_login(pat)
    page = client.get(reverse("intelligence-detail", args=[rumour.uuid]))
    assert "Change verification" not in page.text
    assert client.get(reverse("intelligence-edit", args=[rumour.uuid])).status_code == 200
    response = client.post(
        reverse("intelligence-verify", args=[rumour.uuid]),
        {"verification_status": "false", "verification_note": "Planning file checked"},
    )
    assert response.status_code == 403
    rumour.refresh_from_db()
    assert rumour.verification_status == "unstarted"
    assert not AuditEvent.objects.filter(action=AuditAction.RUMOUR_VERIFICATION_CHANGED).exists()


def test_officer_verifies_a_rumour_with_who_when_and_note(client, olu, derby):
    rumour = make_item(olu, derby, NORMANTON, item_type=c.ItemType.RUMOUR)
    client.force_login(olu)
    url = reverse("intelligence-verify", args=[rumour.uuid])
    missing_note = client.post(url, {"verification_status": "false", "verification_note": ""})
    assert missing_note.status_code == 400
    assert "Say how the rumour was shown to be true or false" in missing_note.text
    response = client.post(
        url, {"verification_status": "false", "verification_note": "Planning file checked"}
    )
    assert response.status_code == 302
    rumour.refresh_from_db()
    assert rumour.verification_status == "false"
    assert rumour.verification_changed_by == olu
    assert rumour.verification_changed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.RUMOUR_VERIFICATION_CHANGED)
    assert event.detail == {
        "from": "unstarted",
        "to": "false",
        "note": "Planning file checked",
        "target_organisation": str(olu.organisation.uuid),
    }
    page = client.get(reverse("intelligence-detail", args=[rumour.uuid]))
    assert 'data-verification="false"' in page.text


def test_counter_narrative_log_is_kept_and_audited(client, olu, derby):
    rumour = make_item(olu, derby, NORMANTON, item_type=c.ItemType.RUMOUR)
    client.force_login(olu)
    url = reverse("counter-narrative-new", args=[rumour.uuid])
    bad = client.post(url, {"message": "The extension is privately funded.", "channel": ""})
    assert bad.status_code == 400
    assert "Enter the channel" in bad.text
    assert "The extension is privately funded." in bad.text
    assert not CounterNarrative.objects.exists()
    client.post(
        url,
        {
            "message": "The extension is privately funded.",
            "channel": "Community meeting",
            "where": "Normanton community centre",
            "issued_on": "2026-03-06",
        },
    )
    entry = CounterNarrative.objects.get()
    assert (entry.channel, entry.issued_by, entry.issued_on) == (
        "Community meeting",
        olu,
        dt.date(2026, 3, 6),
    )
    page = client.get(reverse("intelligence-detail", args=[rumour.uuid])).text
    assert "Normanton community centre" in page
    event = AuditEvent.objects.get(action=AuditAction.COUNTER_NARRATIVE_RECORDED)
    assert event.detail["channel"] == "Community meeting"


def test_stranger_cannot_verify_or_log_against_another_organisations_rumour(
    client, olu, sam, derby
):
    rumour = make_item(olu, derby, NORMANTON, item_type=c.ItemType.RUMOUR)
    client.force_login(sam)
    assert (
        client.post(
            reverse("intelligence-verify", args=[rumour.uuid]), {"verification_status": "false"}
        ).status_code
        == 404
    )
    assert client.post(reverse("counter-narrative-new", args=[rumour.uuid]), {}).status_code == 404


def test_api_item_detail_for_the_holder(client, olu, derby):
    item = make_item(olu, derby, NORMANTON, online=True, platform="Facebook")
    client.force_login(olu)
    body = client.get(f"/api/v1/tensions/intelligence/{item.uuid}").json()
    assert body["reference"] == item.reference
    assert body["ward_codes"] == [NORMANTON]
    assert body["platform"] == "Facebook"
    assert body["audience"] == "organisation"
