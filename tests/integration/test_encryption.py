"""Contact details are encrypted at rest: the raw column holds a Fernet token, never clear text."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents.models import ContactDetails
from cohesion.lib import crypto
from cohesion.privacy.keys import rotate_encryption_keys
from tests.integration.test_retention import make_incident

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
CLEAR = {
    "name": "Amira Khan",
    "phone": "07700 900123",
    "email": "amira.khan@example.org",
    "contact_notes": "Text only, not after 6pm",
}


@pytest.fixture
def keys():
    """Use explicit keys, and forget them afterwards so other tests get their own."""

    def use(*key_list: str):
        crypto.reset_keys()
        return override_settings(FIELD_ENCRYPTION_KEYS=list(key_list))

    yield use
    crypto.reset_keys()


def _raw(contact: ContactDetails) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, email, contact_notes FROM incidents_contactdetails WHERE id = %s",
            [contact.pk],
        )
        row = cursor.fetchone()
    return dict(zip(CLEAR, row, strict=True))


def _save(olu) -> ContactDetails:
    return ContactDetails.objects.create(incident=make_incident(olu), **CLEAR)


def test_contact_details_read_back_in_clear_but_are_stored_as_fernet_tokens(olu, keys):
    with keys(KEY_A):
        contact = _save(olu)
        fetched = ContactDetails.objects.get(pk=contact.pk)
        assert {f: getattr(fetched, f) for f in CLEAR} == CLEAR
        raw = _raw(contact)
        for field, value in raw.items():
            assert value.startswith("gAAAAA"), field  # Fernet version byte, base64
            assert CLEAR[field] not in value
            assert "Amira" not in value and "07700" not in value and "example.org" not in value
            assert Fernet(KEY_A.encode()).decrypt(value.encode()).decode() == CLEAR[field]


def test_empty_values_stay_empty_and_are_not_encrypted(olu, keys):
    with keys(KEY_A):
        contact = ContactDetails.objects.create(incident=make_incident(olu), phone="07700 900123")
        raw = _raw(contact)
        assert raw["name"] == "" and raw["email"] == ""
        assert raw["phone"].startswith("gAAAAA")


def test_records_written_under_the_old_key_are_readable_after_a_new_key_is_added(olu, keys):
    with keys(KEY_A):
        contact = _save(olu)
    with keys(KEY_B, KEY_A):
        assert ContactDetails.objects.get(pk=contact.pk).email == CLEAR["email"]


def test_rotation_rewrites_every_row_under_the_newest_key(olu, keys):
    with keys(KEY_A):
        first, second = _save(olu), _save(olu)
    with keys(KEY_B, KEY_A):
        assert rotate_encryption_keys() == 2
        event = AuditEvent.objects.filter(action=AuditAction.ENCRYPTION_KEYS_ROTATED).latest("id")
        assert event.detail == {"count": 2}
        assert "Amira" not in str(event.detail)
    # The old key can now be dropped: key B alone reads everything.
    with keys(KEY_B):
        for contact in (first, second):
            assert ContactDetails.objects.get(pk=contact.pk).name == CLEAR["name"]
            raw = _raw(contact)["name"]
            assert Fernet(KEY_B.encode()).decrypt(raw.encode()).decode() == CLEAR["name"]


def test_a_wrong_key_gives_a_clear_error_not_garbage(olu, keys):
    with keys(KEY_A):
        contact = _save(olu)
    with keys(KEY_B):
        with pytest.raises(ValueError, match="cannot be read with the configured keys"):
            ContactDetails.objects.get(pk=contact.pk)
        with pytest.raises(ValueError, match="cannot be read with any of the configured keys"):
            rotate_encryption_keys()
    # Nothing was half-rewritten: key A still reads every row.
    with keys(KEY_A):
        assert ContactDetails.objects.get(pk=contact.pk).phone == CLEAR["phone"]


def test_the_keys_command_rotates_and_says_how_many(olu):
    from io import StringIO

    from django.core.management import call_command

    ContactDetails.objects.create(incident=make_incident(olu), name="Jo Example")
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "1 contact records re-encrypted" in out.getvalue()
    event = AuditEvent.objects.filter(action=AuditAction.ENCRYPTION_KEYS_ROTATED).latest("id")
    assert event.channel == "cli"
