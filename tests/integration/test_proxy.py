"""Client addresses: never taken from headers unless behind a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": "olu", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",
    )


def test_forwarded_for_is_ignored_when_not_behind_a_proxy(client, olu):
    _sign_in(client, "203.0.113.9")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "10.0.0.2"


def test_behind_a_proxy_the_address_it_vouches_for_is_used(olu):
    with override_settings(BEHIND_PROXY=True):
        from django.test import Client

        client = Client()
        # A forged first entry from the client is ignored; the proxy appended the last.
        _sign_in(client, "198.51.100.66, 203.0.113.9")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "203.0.113.9"
