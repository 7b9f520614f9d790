"""The audit trail: written by actions and views, append-only, searchable by administrators."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_creating_an_account_is_audited_with_organisation_and_role(olu):
    event = AuditEvent.objects.filter(
        action=AuditAction.USER_CREATED, target_id=str(olu.uuid)
    ).get()
    assert event.detail["role"] == "cohesion_officer"
    assert event.detail["organisation"] == "Derby City Council"
    assert event.actor_username == "system"


def test_sign_in_and_sign_out_are_audited_with_address(client, olu):
    assert _login(client, "olu").status_code == 302
    client.post(reverse("logout"))
    actions = list(
        AuditEvent.objects.filter(actor_username="olu")
        .order_by("id")
        .values_list("action", "ip_address")
    )
    assert (AuditAction.LOGIN, "127.0.0.1") in actions
    assert (AuditAction.LOGOUT, "127.0.0.1") in actions


def test_failed_sign_in_is_audited_without_the_password(client, olu):
    response = _login(client, "olu", "wrong-password-123")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text
    # What was typed in the username box is kept.
    assert 'value="olu"' in response.text
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_username == "olu"
    assert event.detail == {
        "known_username": True,
        "target_organisation": str(olu.organisation.uuid),
    }
    assert event.target_id == str(olu.uuid)
    assert "wrong-password" not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, olu):
    for _ in range(5):
        _login(client, "olu", "wrong-password-123")
    locked = _login(client, "olu", PASSWORD)
    assert locked.status_code == 429
    assert "You cannot sign in for 15 minutes" in locked.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, actor_username="olu").exists()


def test_a_successful_sign_in_resets_the_failure_count(client, olu):
    for _ in range(4):
        _login(client, "olu", "wrong-password-123")
    assert _login(client, "olu").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        _login(client, "olu", "wrong-password-123")
    assert _login(client, "olu").status_code == 302


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(olu):
    event = record(action=AuditAction.LOGIN, by=olu)
    event.detail = {"tampered": True}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGOUT)
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_to_audit_rows(olu):
    event = record(action=AuditAction.LOGIN, by=olu)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["mallory", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "olu"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL-only")
def test_postgresql_refuses_deleting_audit_rows(olu):
    event = record(action=AuditAction.LOGIN, by=olu)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_audit_keeps_history_of_deleted_people(olu):
    uuid = str(olu.uuid)
    olu.delete()
    assert AuditEvent.objects.filter(target_id=uuid, action=AuditAction.USER_CREATED).exists()


def test_administrator_sees_own_organisation_events_only(client, alice, olu, sam):
    _login(client, "sam")
    client.post(reverse("logout"))
    client.force_login(alice)
    response = client.get(reverse("audit-search"))
    assert response.status_code == 200
    page_usernames = {e.actor_username for e in response.context["page"]}
    assert "sam" not in page_usernames
    assert "Sheffield City Council" not in response.text
    searched = client.get(reverse("audit-search"), {"q": "olu", "action": "user_created"})
    events = list(searched.context["page"])
    assert [e.target_label for e in events] == ["Olu Tester"]


def test_administrator_sees_who_viewed_their_organisations_people(client, alice, olu, vic):
    client.force_login(olu)
    client.get(reverse("person-detail", args=[vic.uuid]))
    client.force_login(alice)
    response = client.get(reverse("audit-search"), {"action": "personal_data_viewed"})
    assert [(e.actor_username, e.target_label) for e in response.context["page"]] == [
        ("olu", "Vic Tester")
    ]


def test_searching_the_audit_trail_is_itself_audited(client, alice):
    client.force_login(alice)
    client.get(reverse("audit-search"), {"q": "olu"})
    event = AuditEvent.objects.filter(action=AuditAction.AUDIT_SEARCHED).latest("id")
    assert event.actor_username == "alice"
    assert event.detail == {"q": "olu"}


def test_audit_search_with_bad_dates_explains_and_keeps_input(client, alice):
    client.force_login(alice)
    response = client.get(
        reverse("audit-search"), {"q": "olu", "date_from": "31/11/2026", "date_to": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the start date as year-month-day" in response.text
    assert 'value="31/11/2026"' in response.text
    assert 'value="olu"' in response.text


def test_audit_search_end_before_start_is_an_error(client, alice):
    client.force_login(alice)
    response = client.get(
        reverse("audit-search"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    )
    assert "The end date must be the same as or after the start date" in response.text


def test_administrator_sees_failed_sign_ins_against_their_people(client, alice, olu, sam):
    _login(client, "olu", "wrong-password-123")
    _login(client, "sam", "wrong-password-123")
    _login(client, "nobody-at-all", "wrong-password-123")
    client.force_login(alice)
    response = client.get(reverse("audit-search"), {"action": "login_failed"})
    assert [e.actor_username for e in response.context["page"]] == ["olu"]


def test_housekeeping_deletions_are_audited():
    from cohesion.core.tasks import housekeeping

    housekeeping.call()
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_DELETED)
    assert event.detail == {"expired_sessions": 0, "stale_sign_in_failures": 0}
